import { describe, expect, it } from 'vitest'
import { toMessage } from '../types'
import { EMPTY_TIMELINE, addMessages } from './timeline'

const msg = (id: string, seq: number, sender = 'visitor', d: Record<string, unknown> = {}) => toMessage(id, { seq, sender, kind: 'text', text: id, ...d })

describe('timeline', () => {
  it('keeps each message once in seq order; the first snapshot is history', () => {
    const first = addMessages(EMPTY_TIMELINE, [msg('b', 2), msg('a', 1)])
    expect(first.added.map((m) => m.id)).toEqual(['a', 'b'])
    expect(first.fromVisitor).toBe(0)
    const next = addMessages(first.timeline, [msg('b', 2), msg('c', 3), msg('d', 4, 'advisor')])
    expect(next.added.map((m) => m.id)).toEqual(['c', 'd'])
    expect(next.fromVisitor).toBe(1)
    expect(next.timeline.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4])
    expect(next.ended).toBe(false)
  })

  it('sees the end', () => {
    const end = addMessages(EMPTY_TIMELINE, [msg('e', 9, 'system', { kind: 'system', event: 'ended' })])
    expect(end.ended).toBe(true)
  })
})
