import { describe, expect, it } from 'vitest'
import { live, millis, toAdvisor, toMessage, toSession, toTransfer } from './types'

const at = (ms: number) => ({ toMillis: () => ms })

describe('documents read into types', () => {
  it('reads a session field by field, times as milliseconds', () => {
    const s = toSession('s1', {
      nickname: 'Sem',
      state: 'active',
      queuedAt: at(1000),
      assignedAt: at(2000),
      answers: { situation: 'partner', junk: 3 },
      urgent: true,
      seq: 7,
      advisorUid: null,
    })
    expect(s).toMatchObject({ id: 's1', nickname: 'Sem', state: 'active', queuedAt: 1000, assignedAt: 2000, urgent: true, seq: 7, advisorUid: null })
    expect(s.answers).toEqual({ situation: 'partner' })
    expect(s.endedAt).toBeNull()
    expect(s.registered).toBe(false)
  })

  it('drops values of the wrong type instead of trusting them', () => {
    const s = toSession('s2', { nickname: 42, state: 'hacked', urgent: 'yes', seq: 'x', queuedAt: '2020-01-01' })
    expect(s.nickname).toBeUndefined()
    expect(s.state).toBeUndefined()
    expect(s.urgent).toBe(false)
    expect(s.seq).toBe(0)
    expect(s.queuedAt).toBeNull()
  })

  it('reads messages, advisors and transfers', () => {
    expect(toMessage('m', { seq: 3, kind: 'system', sender: 'system', event: 'ended', createdAt: at(5) })).toEqual({
      id: 'm', seq: 3, kind: 'system', sender: 'system', text: undefined, event: 'ended', advisorName: undefined, createdAt: 5,
    })
    expect(toMessage('m', { sender: 'someone' }).sender).toBe('system')
    expect(toAdvisor('a', { displayName: 'Anna', status: 'online', capacity: 2 })).toMatchObject({ id: 'a', displayName: 'Anna', status: 'online', capacity: 2 })
    expect(toAdvisor('a', { status: 'away' }).status).toBeUndefined()
    expect(toTransfer({ toOrg: 'haaglanden', at: at(9) })).toEqual({ toOrg: 'haaglanden', at: 9 })
  })

  it('keeps what has not expired', () => {
    expect(live({ expireAt: at(2000) }, 1000)).toBe(true)
    expect(live({ expireAt: at(1000) }, 1000)).toBe(false)
    expect(live({}, 1000)).toBe(true)
    expect(millis({ toMillis: () => 'no' })).toBeNull()
  })
})
