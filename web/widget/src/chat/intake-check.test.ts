import { describe, expect, it } from 'vitest'
import { checkIntake, formFieldName, type IntakeInput } from './intake-check'
import { normaliseCode } from './views/resume'

const filled: IntakeInput = {
  nickname: ' Merel ',
  age: '16',
  gender: 'woman',
  where: 'postcode',
  postcode: '3511',
  region: '',
  about: 'myself',
  firstContact: undefined,
  inDanger: 'no',
  language: 'nl',
}

describe('the intake form’s checks', () => {
  it('builds the request from a filled-in form', () => {
    expect(checkIntake(filled)).toEqual({
      ok: true,
      request: { nickname: 'Merel', age: 16, gender: 'woman', postcode: '3511', answers: { about: 'myself' }, inDanger: false, language: 'nl' },
    })
  })

  it('sends the region instead of the postcode when the visitor chose one', () => {
    const check = checkIntake({ ...filled, where: 'region', region: 'utrecht', postcode: 'x' })
    expect(check.ok && check.request).toMatchObject({ region: 'utrecht' })
    expect(check.ok && 'postcode' in check.request).toBe(false)
  })

  it.each([
    [{ nickname: '  ' }, 'nickname', 'errNickname'],
    [{ nickname: 'kijk op www.example.nl' }, 'nickname', 'errNicknameUrl'],
    [{ nickname: 'bit.ly' }, 'nickname', 'errNicknameUrl'],
    [{ age: 'zestien' }, 'age', 'errAge'],
    [{ age: '5' }, 'age', 'errAgeRange'],
    [{ age: '121' }, 'age', 'errAgeRange'],
    [{ gender: undefined }, 'gender', 'errGender'],
    [{ postcode: '0123' }, 'postcode', 'errPostcode'],
    [{ where: 'region' as const, region: '' }, 'region', 'errRegion'],
  ])('refuses %o', (change, name, problem) => {
    const check = checkIntake({ ...filled, ...change })
    expect(check.ok).toBe(false)
    expect(!check.ok && check.errors[name]).toBe(problem)
  })

  it('maps the server’s field names onto the form’s', () => {
    const known = (n: string): boolean => ['about', 'age'].includes(n)
    expect(formFieldName('answers.about', known)).toBe('about')
    expect(formFieldName('age', known)).toBe('age')
    expect(formFieldName('proof', known)).toBe('proof')
  })
})

describe('the resume code as typed', () => {
  it('forgives spaces, dashes, lower case and look-alike letters', () => {
    expect(normaliseCode('abcd-efgh-jkmn')).toBe('ABCDEFGHJKMN')
    expect(normaliseCode(' o1il 2345 6789 ')).toBe('011123456789')
  })
  it('refuses what cannot be a code', () => {
    expect(normaliseCode('ABCD-EFGH')).toBeNull()
    expect(normaliseCode('ABCD-EFGH-JKMU')).toBeNull()
  })
})
