import { describe, expect, it } from 'vitest'
import { NO_PANELS, dismissPanel, markSaved, syncPanels, visibleChats } from './chats'
import { at, session } from './fixtures.test-support'

const NOW = 10_000_000

describe('chat panels', () => {
  it('opens running chats found at sign-in without calling them new', () => {
    const mine = [session('a', { state: 'active', assignedAt: at(2) }), session('b', { state: 'active', assignedAt: at(1) })]
    const sync = syncPanels(NO_PANELS, mine, NOW)
    expect(sync.opened.sort()).toEqual(['a', 'b'])
    expect(sync.fresh).toEqual([])
    expect(sync.visible.map((s) => s.id)).toEqual(['b', 'a'])
    expect(sync.panels.loaded).toBe(true)
  })

  it('announces a chat assigned later and puts it last, whatever its assignedAt', () => {
    const first = syncPanels(NO_PANELS, [session('a', { state: 'active', assignedAt: at(5) })], NOW)
    // Handed over: it keeps its first (older) assignedAt.
    const later = syncPanels(first.panels, [session('a', { state: 'active', assignedAt: at(5) }), session('x', { state: 'active', assignedAt: at(1) })], NOW + 1)
    expect(later.fresh.map((s) => s.id)).toEqual(['x'])
    expect(later.visible.map((s) => s.id)).toEqual(['a', 'x'])
  })

  it('keeps an ended chat seen running until registered; after a reload only recent ones', () => {
    const running = syncPanels(NO_PANELS, [session('a', { state: 'active' })], NOW)
    const ended = session('a', { state: 'ended', endedAt: at(0) })
    expect(visibleChats(running.panels, [ended], NOW).map((s) => s.id)).toEqual(['a'])
    expect(visibleChats(NO_PANELS, [ended], NOW)).toEqual([])
    expect(visibleChats(NO_PANELS, [session('r', { state: 'ended', endedAt: at(NOW - 60_000) })], NOW)).toHaveLength(1)
    expect(visibleChats(running.panels, [{ ...ended, registered: true }], NOW)).toEqual([])
  })

  it('keeps a chat saved here until closed, then closes it until its timeline moves on', () => {
    const open = syncPanels(NO_PANELS, [session('a', { state: 'active', seq: 4 })], NOW).panels
    const saved = markSaved(open, 'a', true)
    const registered = session('a', { state: 'ended', registered: true, seq: 5 })
    expect(visibleChats(saved, [registered], NOW)).toHaveLength(1)
    const dismissed = dismissPanel(saved, 'a', 5)
    const sync = syncPanels(dismissed, [registered], NOW)
    expect(sync.closed).toEqual(['a'])
    expect(sync.visible).toEqual([])
    // Handed back later: seq grew.
    expect(visibleChats(sync.panels, [session('a', { state: 'active', seq: 9 })], NOW)).toHaveLength(1)
    expect(markSaved(saved, 'a', false).savedHere.has('a')).toBe(false)
  })
})
