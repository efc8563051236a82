import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../../shared/api-error'
import { Api, type IntakeBody, retryWait } from './api'

const GRANT = { sessionId: 's', token: 't', expiresAt: '2026-12-02T23:00:00Z', region: { id: 'utrecht', name: 'Utrecht' }, resumeCode: 'K7QM-3XHP-2RTA', streamUrl: null }
const BODY: IntakeBody = { nickname: 'Merel', age: 16, gender: 'woman', region: 'utrecht', answers: {}, inDanger: false, language: 'nl' }

// Only fetch is replaced: the answers in turn, and what each call sent.
function answers(...list: Array<[number, unknown] | 'offline'>) {
  const sent: Array<Record<string, unknown>> = []
  vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
    sent.push(JSON.parse(init.body as string) as Record<string, unknown>)
    const next = list.shift()!
    if (next === 'offline') throw new TypeError('offline')
    return new Response(JSON.stringify(next[1]), { status: next[0] })
  })
  return sent
}

afterEach(() => vi.unstubAllGlobals())

describe('the intake over a bad connection', () => {
  it('sends a lost or failed intake again with the same puzzle, so the functions find the chat it started', async () => {
    const sent = answers('offline', [503, { error: { code: 'unavailable', message: 'Even druk.' } }], [201, GRANT])
    const waits: number[] = []
    const grant = await new Api('/api').intake(BODY, Promise.resolve('proof-1'), undefined, async (ms) => void waits.push(ms))
    expect(grant.sessionId).toBe('s')
    expect(sent.map((b) => b.proof)).toEqual(['proof-1', 'proof-1', 'proof-1'])
    expect(waits).toEqual([1000, 2000])
  })

  it('gives up after two retries, and never waits out a full queue', async () => {
    const down = [503, { error: { code: 'unavailable', message: '' } }] as [number, unknown]
    answers(down, down, down)
    await expect(new Api('/api').intake(BODY, Promise.resolve('p'), undefined, async () => undefined)).rejects.toMatchObject({ status: 503 })
    expect(retryWait(new ApiError(429, 'busy', 'Het is druk.', {}, {}, 600), 0)).toBeNull()
    expect(retryWait(new ApiError(503, 'unavailable', '', {}, {}, 600), 0)).toBeNull()
    expect(retryWait(new ApiError(503, 'unavailable', '', {}, {}, 2), 0)).toBe(2000)
    expect(retryWait(new ApiError(403, 'proof_invalid', ''), 0)).toBeNull()
  })
})
