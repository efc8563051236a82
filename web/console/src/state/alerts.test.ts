import { describe, expect, it } from 'vitest'
import { alertView, alertsFrom, permissionView, shouldNotify, type AlertTexts } from './alerts'
import type { Session } from '../types'

const chat = (id: string, extra: Partial<Session> = {}): Session => ({
  id,
  state: 'waiting',
  queuedAt: 0,
  assignedAt: null,
  endedAt: null,
  urgent: false,
  nickname: 'Merel',
  ...extra,
} as Session)

const lists = (extra: Partial<Record<'queue' | 'offered' | 'mine' | 'orgSessions', Session[]>> = {}) => ({
  queue: [],
  offered: [],
  mine: [],
  orgSessions: [],
  ...extra,
})

const texts: AlertTexts = { title: 'Veilig Thuis console', newChat: 'Nieuwe chat', danger: 'Gevaar', message: 'Nieuw bericht' }

describe('alertsFrom', () => {
  it('says nothing for the first lists after signing in', () => {
    expect(alertsFrom(null, lists({ queue: [chat('a')] }))).toEqual([])
  })
  it('raises newChat for a chat new in the queue, offered, or assigned', () => {
    expect(alertsFrom(lists(), lists({ queue: [chat('a')] }))).toEqual(['newChat'])
    expect(alertsFrom(lists(), lists({ offered: [chat('b')] }))).toEqual(['newChat'])
    expect(alertsFrom(lists(), lists({ mine: [chat('c', { state: 'active' })] }))).toEqual(['newChat'])
  })
  it('does not raise newChat when a waiting chat becomes ours', () => {
    expect(alertsFrom(lists({ queue: [chat('a')] }), lists({ mine: [chat('a', { state: 'active' })] }))).toEqual([])
  })
  it('raises danger once, when the flag is raised', () => {
    const before = lists({ mine: [chat('a', { state: 'active' })] })
    const after = lists({ mine: [chat('a', { state: 'active', urgent: true })] })
    expect(alertsFrom(before, after)).toEqual(['danger'])
    expect(alertsFrom(after, after)).toEqual([])
  })
  it('ignores ended chats', () => {
    expect(alertsFrom(lists(), lists({ mine: [chat('a', { state: 'ended', urgent: true })] }))).toEqual([])
  })
})

describe('alertView', () => {
  it('never carries anything of the chat', () => {
    for (const kind of ['newChat', 'danger', 'message'] as const) {
      const view = alertView(kind, texts)
      expect(JSON.stringify(view)).not.toContain('Merel')
      expect(view.body).toBe(texts[kind])
      expect(view.tag).toBe(`vtchat-${kind}`)
    }
  })
})

describe('permission', () => {
  it('maps the browser permission to what the control offers', () => {
    expect(permissionView('default')).toBe('offer')
    expect(permissionView('granted')).toBe('on')
    expect(permissionView('denied')).toBe('blocked')
    expect(permissionView('unsupported')).toBe('unsupported')
  })
  it('notifies only when granted and out of sight', () => {
    expect(shouldNotify('granted', true)).toBe(true)
    expect(shouldNotify('granted', false)).toBe(false)
    expect(shouldNotify('denied', true)).toBe(false)
    expect(shouldNotify('default', true)).toBe(false)
  })
})
