import { describe, expect, it } from 'vitest'
import { toAdvisor } from '../types'
import { at, session } from './fixtures.test-support'
import { colleagues, freshUrgent, overview } from './supervisor'

const TODAY = 1_000_000
const NOW = TODAY + 30 * 60_000

describe('supervisor overview', () => {
  it('counts the queue, the longest wait and who is online', () => {
    const o = overview(
      {
        org: 'utrecht',
        orgSessions: [session('w1', { queuedAt: at(NOW - 7 * 60_000) }), session('w2', { queuedAt: at(NOW - 60_000) })],
        answeredByUs: [],
        transfersOut: [],
        advisors: [toAdvisor('b', { displayName: 'Bo', status: 'paused' }), toAdvisor('a', { displayName: 'Anna', status: 'online' }), toAdvisor('c', { status: 'offline' })],
      },
      NOW,
      TODAY,
    )
    expect(o).toMatchObject({ waiting: 2, longestWait: 7, online: 2 })
    expect(o.team.map((a) => a.id)).toEqual(['c', 'a', 'b'])
  })

  it('counts chats handed out and in today, each once', () => {
    const today = at(TODAY + 1)
    const o = overview(
      {
        org: 'utrecht',
        orgSessions: [
          session('fallback', { state: 'active', advisorOrg: 'haaglanden', assignedAt: today }),
          session('yesterday', { state: 'ended', advisorOrg: 'haaglanden', assignedAt: at(TODAY - 1) }),
          session('in', { state: 'active', transferredFrom: 'twente', assignedAt: today, urgent: true }),
        ],
        answeredByUs: [session('helped', { state: 'active', org: 'twente', assignedAt: today }), session('in', { state: 'active', org: 'utrecht', transferredFrom: 'twente', assignedAt: today, urgent: true })],
        transfersOut: [{ toOrg: 'twente', at: TODAY + 5 }, { toOrg: 'twente', at: TODAY - 5 }],
        advisors: [],
      },
      NOW,
      TODAY,
    )
    expect(o.handedOut).toBe(2)
    expect(o.handedIn).toBe(2)
    expect(o.active.map((s) => s.id).sort()).toEqual(['fallback', 'helped', 'in'])
    expect(o.urgent.map((s) => s.id)).toEqual(['in'])
  })

  it('alerts an urgent chat once', () => {
    const u = [session('u', { urgent: true })]
    const first = freshUrgent(u, new Set())
    expect(first.fresh).toHaveLength(1)
    expect(freshUrgent(u, first.seen).fresh).toHaveLength(0)
    expect(freshUrgent([], first.seen).seen.size).toBe(0)
  })

  it('offers only colleagues online, not the one who has the chat', () => {
    const team = [toAdvisor('a', { displayName: 'Anna', status: 'online' }), toAdvisor('b', { status: 'paused' }), toAdvisor('c', { displayName: 'Cas', status: 'online' })]
    expect(colleagues(team, 'c').map((a) => a.id)).toEqual(['a'])
  })
})
