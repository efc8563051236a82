import { describe, expect, it } from 'vitest'
import type { Me, Note } from '../types'
import { session } from './fixtures.test-support'
import { NOTE_MAX, WATCH_REASONS, addNotes, canWatch, isWatching, needsNotes, noteProblem, readersOf } from './supervision'

const sanne: Me = { uid: 'sup1', email: 's@u', role: 'supervisor', org: 'utrecht', name: 'Sanne', languages: ['nl'] }
const anna: Me = { uid: 'adv1', email: 'a@u', role: 'advisor', org: 'utrecht', name: 'Anna', languages: ['nl'] }
const running = (d: Record<string, unknown> = {}) => session('c1', { state: 'active', org: 'utrecht', advisorUid: 'adv1', advisorOrg: 'utrecht', ...d })

describe('readersOf', () => {
  it('names everyone reading along but the viewer, sorted', () => {
    const s = running({ watchers: { sup2: 'Wim', sup1: 'Sanne' } })
    expect(readersOf(s, 'adv1')).toEqual(['Sanne', 'Wim'])
    expect(readersOf(s, 'sup1')).toEqual(['Wim'])
    expect(readersOf(running(), 'adv1')).toEqual([])
  })
  it('ignores anything in the mirror that is not a name', () => {
    expect(readersOf(running({ watchers: { sup1: 3, sup2: 'Wim' } }), 'adv1')).toEqual(['Wim'])
  })
  it('knows whether the viewer reads along', () => {
    expect(isWatching(running({ watchers: { sup1: 'Sanne' } }), 'sup1')).toBe(true)
    expect(isWatching(running(), 'sup1')).toBe(false)
    expect(isWatching(running({ watchers: { sup1: 'Sanne' } }), undefined)).toBe(false)
  })
})

describe('canWatch', () => {
  it('lets a supervisor open a running chat of their organisation', () => {
    expect(canWatch(running(), sanne)).toBe(true)
    // Answered by one of our advisors for another region.
    expect(canWatch(running({ org: 'flevoland', advisorOrg: 'utrecht' }), sanne)).toBe(true)
  })
  it('refuses other organisations, advisors, own chats and chats that do not run', () => {
    expect(canWatch(running({ org: 'flevoland', advisorOrg: 'flevoland' }), sanne)).toBe(false)
    expect(canWatch(running(), anna)).toBe(false)
    expect(canWatch(running({ advisorUid: 'sup1' }), sanne)).toBe(false)
    expect(canWatch(running({ state: 'waiting' }), sanne)).toBe(false)
    expect(canWatch(running({ state: 'ended' }), sanne)).toBe(false)
    expect(canWatch(running(), null)).toBe(false)
  })
})

describe('notes', () => {
  const note = (id: string, createdAt: number | null): Note => ({ id, text: id, authorName: 'Sanne', createdAt })
  it('merges snapshots by id, oldest first', () => {
    const merged = addNotes([note('b', 2)], [note('a', 1), note('b', 2), note('c', null)])
    expect(merged.map((n) => n.id)).toEqual(['a', 'b', 'c'])
  })
  it('listens for notes only once someone read along', () => {
    expect(needsNotes(running())).toBe(false)
    expect(needsNotes(running({ supervised: true }))).toBe(true)
  })
  it('checks a note before sending', () => {
    expect(noteProblem('  ')).toBe('empty')
    expect(noteProblem('x'.repeat(NOTE_MAX + 1))).toBe('long')
    expect(noteProblem(` ${'x'.repeat(NOTE_MAX)} `)).toBeNull()
  })
  it('offers the reasons the functions accept', () => {
    expect(WATCH_REASONS).toEqual(['quality', 'support', 'danger', 'training'])
  })
})
