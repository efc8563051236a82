import { describe, expect, it } from 'vitest'
import { ApiError, apiErrorFrom } from './api-error'
import { Catalogs, CONSOLE_LANGS, langFrom, WIDGET_LANGS } from './i18n'

describe('ApiError from an answer', () => {
  it('reads the error body and the wait', () => {
    const body = { error: { code: 'busy', message: 'Het is druk.', details: { retryAfterSeconds: 30 } } }
    const error = apiErrorFrom(503, 'Service Unavailable', body, null)
    expect(error).toBeInstanceOf(ApiError)
    expect([error.code, error.message, error.retryAfterSeconds, error.transient]).toEqual(['busy', 'Het is druk.', 30, true])
    expect(apiErrorFrom(429, '', body, '5').retryAfterSeconds).toBe(5)
  })

  it('still says something for a body that is not ours', () => {
    const error = apiErrorFrom(502, 'Bad Gateway', null, null)
    expect([error.code, error.message, error.retryAfterSeconds, error.fields]).toEqual(['http_502', 'Bad Gateway', null, {}])
    expect(new ApiError(422, 'invalid', '').transient).toBe(false)
    expect(new ApiError(0, 'network', '').transient).toBe(true)
  })
})

describe('the i18n machinery', () => {
  it('loads each language once, on first use', async () => {
    let loads = 0
    const texts = { nl: { hello: 'hallo' }, en: { hello: 'hello' } }
    const catalogs = new Catalogs(async (lang: 'nl' | 'en') => (loads++, texts[lang]))
    expect(catalogs.get('en')).toBeUndefined()
    expect((await catalogs.load('en')).hello).toBe('hello')
    await catalogs.load('en')
    expect(loads).toBe(1)
    expect(catalogs.get('en')?.hello).toBe('hello')
  })

  it('starts in Dutch unless told one of its languages', () => {
    expect([langFrom('en', CONSOLE_LANGS), langFrom('de', CONSOLE_LANGS), langFrom(undefined, CONSOLE_LANGS)]).toEqual(['en', 'nl', 'nl'])
    expect([langFrom('ar', WIDGET_LANGS), langFrom(' UK ', WIDGET_LANGS), langFrom('ar', CONSOLE_LANGS)]).toEqual(['ar', 'uk', 'nl'])
  })

  it('never lets a tag name something else than a listed language (the loader looks the code up)', () => {
    const hostile = ['__proto__', 'constructor', 'toString', '../nl', './ar.js', 'ar" onload="x', 'nl-BE', '']
    expect(hostile.map((value) => langFrom(value, WIDGET_LANGS))).toEqual(hostile.map(() => 'nl'))
  })
})
