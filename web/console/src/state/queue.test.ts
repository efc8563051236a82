import { describe, expect, it } from 'vitest'
import { session, at } from './fixtures.test-support'
import { answersText, queueItems } from './queue'

describe('queue', () => {
  it('lists each chat once, urgent first, then oldest first', () => {
    const a = session('a', { queuedAt: at(300) })
    const b = session('b', { queuedAt: at(100) })
    const c = session('c', { queuedAt: at(500), urgent: true })
    const offeredB = session('b', { queuedAt: at(100) })
    const d = session('d', { queuedAt: at(200) })
    expect(queueItems([a, b, c], [offeredB, d]).map((s) => s.id)).toEqual(['c', 'b', 'd', 'a'])
  })

  it('names the intake answers it knows', () => {
    const s = session('a', { answers: { situation: 'partner', unknown: 'x' } })
    expect(answersText(s, { situation: { partner: 'partnergeweld' } })).toBe('partnergeweld')
  })
})
