import { describe, expect, it } from 'vitest'
import { toAdvisor } from '../types'
import { at, session } from './fixtures.test-support'
import { heavyEnded, heavyToday, passedOnSince, startOfDay, urgentRunning } from './care'

const NOW = new Date(2026, 11, 2, 15, 0).getTime()

describe('a chat passed to a colleague', () => {
  const advisors = [toAdvisor('anna', { passedOnAt: at(NOW - 1000) }), toAdvisor('bram', {})]
  it('is told once it happened after what was shown', () => {
    expect(passedOnSince(advisors, 'anna', NOW - 5000)).toBe(NOW - 1000)
    expect(passedOnSince(advisors, 'anna', NOW - 1000)).toBeNull()
    expect(passedOnSince(advisors, 'bram', 0)).toBeNull()
  })
})

describe('after a heavy chat', () => {
  it('offers a pause only for a chat flagged as danger that was running and ended', () => {
    const before = [
      session('a', { state: 'active', urgent: true }),
      session('b', { state: 'active' }),
      session('c', { state: 'ended', urgent: true }),
    ]
    const running = urgentRunning(before)
    expect([...running]).toEqual(['a'])
    const after = [
      session('a', { state: 'ended', urgent: true }),
      session('b', { state: 'ended' }),
      session('c', { state: 'ended', urgent: true }),
    ]
    expect(heavyEnded(running, after).map((s) => s.id)).toEqual(['a'])
    expect(heavyEnded(urgentRunning(after), after)).toEqual([])
  })

  it('counts today’s heavy chats of our advisors once, for the supervisor', () => {
    const ours = { state: 'ended', urgent: true, advisorOrg: 'utrecht', endedAt: at(NOW - 60_000) }
    const queue = [session('a', ours), session('b', { ...ours, urgent: false }), session('y', { ...ours, endedAt: at(startOfDay(NOW) - 1) })]
    const answered = [session('a', ours), session('c', ours), session('d', { ...ours, advisorOrg: 'drenthe' }), session('e', { ...ours, state: 'active' })]
    expect(heavyToday('utrecht', [queue, answered], NOW)).toBe(2)
  })
})
