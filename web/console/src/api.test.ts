import type { Auth } from 'firebase/auth'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Api } from './api'
import { appCheckTokens } from './appcheck'

// Only fetch and the signed-in user are stand-ins: what the console sends.
function answering(body: unknown) {
  const fetch = vi.fn<(url: string, init: RequestInit) => Promise<Response>>(async () => new Response(JSON.stringify(body), { status: 200 }))
  vi.stubGlobal('fetch', fetch)
  return fetch
}
const signedIn = { currentUser: { getIdToken: async () => 'id-token' } } as unknown as Auth

afterEach(() => vi.unstubAllGlobals())

describe("the console's calls", () => {
  it('carry the App Check token with the ID token, on every call', async () => {
    const fetch = answering({ placeholders: {}, texts: [] })
    const api = new Api('/api', signedIn, async () => 'app-check-token')
    await api.get('texts')
    await api.call('availability', { status: 'paused' }).catch(() => undefined)
    for (const [, init] of fetch.mock.calls) {
      expect(init.headers).toMatchObject({ Authorization: 'Bearer id-token', 'X-Firebase-AppCheck': 'app-check-token' })
    }
    expect(fetch).toHaveBeenCalledTimes(2)
  })

  it('carry none where App Check does not run (the emulators)', async () => {
    const fetch = answering({ placeholders: {}, texts: [] })
    await new Api('/api', signedIn, appCheckTokens(null)).get('texts')
    expect(fetch.mock.calls[0]![1].headers).toEqual({ Authorization: 'Bearer id-token' })
  })
})
