import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../api-error'
import { call } from './client'

// Only fetch is replaced: what the call sends and how it reads the answer.
function answer(status: number, body: string, headers: Record<string, string> = {}) {
  const fetch = vi.fn<(url: string, init: RequestInit) => Promise<Response>>(async () => new Response(body || null, { status, headers }))
  vi.stubGlobal('fetch', fetch)
  return fetch
}

afterEach(() => vi.unstubAllGlobals())

describe('the typed call', () => {
  it('sends JSON with the bearer token, no cookies, no referrer, no cache', async () => {
    const fetch = answer(202, JSON.stringify({ messageId: 'm', seq: 3, createdAt: null, duplicate: false }))
    const accepted = await call('https://x/api', 'POST', 'messages', { token: 't', body: { sessionId: 's', messageId: 'm', text: 'hoi' } })
    expect(accepted.seq).toBe(3)
    const [url, init] = fetch.mock.calls[0]!
    expect(url).toBe('https://x/api/messages')
    expect(init).toMatchObject({ method: 'POST', credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer', keepalive: false })
    expect(init.headers).toEqual({ 'Content-Type': 'application/json', Authorization: 'Bearer t' })
    expect(JSON.parse(init.body as string)).toEqual({ sessionId: 's', messageId: 'm', text: 'hoi' })
  })

  it("sends the console's App Check token in the header Firebase's guide names", async () => {
    const fetch = answer(200, '{"tables": []}')
    await call('/api', 'GET', 'report', { token: 't', appCheck: 'ac' })
    expect(fetch.mock.calls[0]![1].headers).toEqual({ Authorization: 'Bearer t', 'X-Firebase-AppCheck': 'ac' })
    await call('/api', 'GET', 'report', { token: 't', appCheck: null })
    expect(fetch.mock.calls[1]![1].headers).toEqual({ Authorization: 'Bearer t' })
  })

  it('puts the query in the URL and sends no body or token it was not given', async () => {
    const fetch = answer(200, '{"tables": []}')
    await call('/api', 'GET', 'report', { query: { from: '2026-01-01', org: undefined } })
    const [url, init] = fetch.mock.calls[0]!
    expect(url).toBe('/api/report?from=2026-01-01')
    expect([init.body, init.headers]).toEqual([null, {}])
  })

  it('throws the API error, and a network error with status 0', async () => {
    answer(429, JSON.stringify({ error: { code: 'busy', message: 'Het is druk.', details: {} } }), { 'Retry-After': '7' })
    const busy = await call('/api', 'GET', 'challenge').catch((e: unknown) => e)
    expect(busy).toBeInstanceOf(ApiError)
    expect(busy).toMatchObject({ status: 429, code: 'busy', message: 'Het is druk.', retryAfterSeconds: 7 })
    answer(502, '<html>Bad Gateway</html>')
    // No English status text as a message: the widget would show it to Dutch visitors.
    await expect(call('/api', 'GET', 'challenge')).rejects.toMatchObject({ status: 502, code: 'http_502', message: '' })
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('offline')))
    await expect(call('/api', 'GET', 'challenge')).rejects.toMatchObject({ status: 0, code: 'network' })
  })

  it('is typed from docs/openapi.json', () => {
    const typed = () => {
      // @ts-expect-error: no such endpoint
      void call('/api', 'POST', 'intak')
      // @ts-expect-error: a message needs its text
      void call('/api', 'POST', 'messages', { body: { sessionId: 's', messageId: 'm' } })
      // @ts-expect-error: not a status the API knows
      void call('/api', 'POST', 'availability', { body: { status: 'away' } })
    }
    expect(typed).toBeTypeOf('function')
  })
})
