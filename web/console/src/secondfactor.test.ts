import { describe, expect, it } from 'vitest'
import { appCheckPlan } from './appcheck'
import { cleanCode, cleanPhone, groupSecret, mustEnrol, pickHint, problemOf } from './secondfactor'

describe('second factor', () => {
  it('asks for the mode’s own factor, and enrols where required', () => {
    expect(pickHint([{ factorId: 'phone' }, { factorId: 'totp' }], 'totp')).toBe(1)
    expect(pickHint([{ factorId: 'totp' }], 'emulator-sms')).toBe(-1)
    expect(mustEnrol('totp', 0, false)).toBe(true)
    expect(mustEnrol('emulator-sms', 0, false)).toBe(false)
    expect(mustEnrol('emulator-sms', 0, true)).toBe(true)
    expect(mustEnrol('totp', 1, true)).toBe(false)
  })

  it('cleans what is typed and names the problems', () => {
    expect(cleanCode('123 456')).toBe('123456')
    expect(cleanCode('12345')).toBeNull()
    expect(cleanPhone('+31 (6) 1234-5678')).toBe('+31612345678')
    expect(cleanPhone('0612345678')).toBeNull()
    expect(groupSecret('ABCD EFGHIJ')).toBe('ABCD EFGH IJ')
    expect(problemOf('auth/invalid-verification-code')).toBe('badCode')
    expect(problemOf('auth/something-else')).toBe('failed')
  })
})

describe('App Check plan', () => {
  it('is off on the emulators and says what a production page lacks', () => {
    expect(appCheckPlan({ emulated: true })).toEqual({ kind: 'off', reason: 'emulators' })
    expect(appCheckPlan({ emulated: false, appId: 'x' })).toEqual({ kind: 'missing', what: 'data-app-check-site-key' })
    expect(appCheckPlan({ emulated: false, siteKey: 'k' })).toEqual({ kind: 'missing', what: 'data-app-id' })
    expect(appCheckPlan({ emulated: false, siteKey: ' k ', appId: 'a' })).toEqual({ kind: 'recaptcha-enterprise', siteKey: 'k' })
  })
})
