import { describe, expect, it } from 'vitest'
import type { SessionGrant } from './api'
import * as G from './signals'
import { applyEvent } from './events'
import * as S from './state'

const grant: SessionGrant = {
  sessionId: 's1',
  token: 'secret-token',
  expiresAt: '2026-12-02T18:00:00Z',
  region: { id: 'utrecht', name: 'Utrecht' },
  resumeCode: 'ABCD-EFGH-JKMN',
  streamUrl: 'https://stream.example/stream',
}

const ev = (type: string, data: Record<string, unknown> = {}, id: number | null = null): S.StreamEvent => ({ id, type, data })
const signals = (advisorTyping: boolean, advisorReadSeq: number, version: number): S.StreamEvent =>
  ev('signals', { advisorTyping, advisorReadSeq, version })
const advisorSays = (seq: number, text = 'Hoi'): S.StreamEvent => ev('message', { sender: 'advisor', text, seq }, seq)

function chatting(open = true): S.ChatState {
  const state = S.started({ ...S.initialState, open }, grant, false)
  return applyEvent(state, ev('assigned', { advisorName: 'Anna', orgName: 'VT Utrecht' }))
}

const run = (state: S.ChatState, ...events: S.StreamEvent[]): S.ChatState => events.reduce(applyEvent, state)
const sig = (state: S.ChatState): G.AdvisorSignals => state.conversation!.signals

describe('the advisor typing', () => {
  it('shows while the stream says so and goes when the advisor’s message arrives', () => {
    let state = run(chatting(), signals(true, 0, 1))
    expect(sig(state).typing).toBe(true)
    state = run(state, advisorSays(3))
    expect(sig(state)).toEqual({ typing: false, readSeq: 0, version: 1 })
    // The same update again (a reconnect sends the current one) brings nothing back.
    expect(run(state, signals(true, 0, 1))).toBe(state)
    expect(sig(run(state, signals(true, 0, 2))).typing).toBe(true)
  })

  it('ignores an update older than one applied', () => {
    const state = run(chatting(), signals(false, 4, 7), signals(true, 2, 6))
    expect(sig(state)).toEqual({ typing: false, readSeq: 4, version: 7 })
  })

  it('never lets the read seq go back', () => {
    expect(sig(run(chatting(), signals(false, 5, 1), signals(false, 3, 2))).readSeq).toBe(5)
  })

  it('ignores a malformed update', () => {
    const state = chatting()
    expect(run(state, ev('signals', { advisorTyping: 'yes', advisorReadSeq: 1, version: 1 }))).toBe(state)
    expect(run(state, ev('signals', { advisorTyping: true, version: 1 }))).toBe(state)
  })

  it('lapses only when no newer update came since', () => {
    const state = run(chatting(), signals(true, 0, 3))
    expect(sig(G.typingStale(state, 3)).typing).toBe(false)
    expect(G.typingStale(state, 2)).toBe(state)
  })
})

describe('the read mark', () => {
  type Row = [key: string, seq: number | null, sender: 'visitor' | 'advisor' | 'system', kind?: 'text' | 'note']
  const entries = (...rows: Row[]) =>
    rows.map(([key, seq, sender, kind]) => ({ key, seq, sender, kind: kind ?? 'text' }))

  it('sits on the visitor’s latest message at or below the read seq, once', () => {
    const log = entries(['a', 1, 'visitor'], ['s2', 2, 'advisor'], ['b', 3, 'visitor'], ['c', 5, 'visitor'], ['d', null, 'visitor'])
    expect(G.readMarkKey(log, 0)).toBeNull()
    expect(G.readMarkKey(log, 2)).toBe('a')
    expect(G.readMarkKey(log, 4)).toBe('b')
    expect(G.readMarkKey(log, 99)).toBe('c')
  })

  it('ignores notes and the advisor’s messages', () => {
    expect(G.readMarkKey(entries(['n', 1, 'system', 'note'], ['x', 2, 'advisor']), 5)).toBeNull()
  })

  it('follows the conversation: the visitor’s own echoed message gets it', () => {
    let state = S.queued(chatting(), 'm1', 'Hallo', new Date())
    state = run(state, ev('message', { sender: 'visitor', text: 'Hallo', seq: 4, messageId: 'm1' }, 4), signals(false, 4, 1))
    const c = state.conversation!
    expect(G.readMarkKey(c.entries, c.signals.readSeq)).toBe('m1')
  })
})

describe('received', () => {
  it('is the highest seq of the advisor’s messages, 0 without any', () => {
    const state = run(chatting(), advisorSays(2), ev('message', { sender: 'visitor', text: 'x', seq: 9 }, 9), advisorSays(5))
    expect(G.receivedSeq(state.conversation!.entries)).toBe(5)
    expect(G.receivedSeq([])).toBe(0)
  })

  it('does not grow when a reconnect replays what was there', () => {
    const once = run(chatting(), advisorSays(2), advisorSays(5))
    const replayed = run(once, advisorSays(2), advisorSays(5))
    expect(G.receivedSeq(replayed.conversation!.entries)).toBe(5)
    expect(replayed.conversation!.entries).toHaveLength(2)
  })
})

describe('what the widget sends', () => {
  it('tells typing at the first keystroke, then at most once per 5 s', () => {
    expect(G.typingDue(null, 1_000)).toBe(true)
    expect(G.typingDue(1_000, 5_999)).toBe(false)
    expect(G.typingDue(1_000, 6_000)).toBe(true)
    // A visitor typing for a minute, a keystroke every 150 ms: 12 writes, not 400.
    let told: number | null = null
    let writes = 0
    for (let t = 0; t < 60_000; t += 150) {
      if (G.typingDue(told, t)) {
        told = t
        writes++
      }
    }
    expect(writes).toBe(12)
  })

  it('merges into the latest state: the last pause, the highest seq', () => {
    expect(G.merged({ typing: true, receivedSeq: 7, paused: true }, { receivedSeq: 4, paused: false })).toEqual({
      typing: true,
      receivedSeq: 7,
      paused: false,
    })
    expect(G.merged({}, { receivedSeq: 3 })).toEqual({ receivedSeq: 3 })
  })

  it('drops a typing kept back too long; nothing left is null', () => {
    expect(G.worthSending({ typing: true, receivedSeq: 3 }, 0, 6_000)).toEqual({ receivedSeq: 3 })
    expect(G.worthSending({ typing: true }, 0, 6_000)).toBeNull()
    expect(G.worthSending({ typing: true }, 4_000, 6_000)).toEqual({ typing: true })
    expect(G.worthSending({}, 0, 0)).toBeNull()
  })
})

describe('the discreet pause', () => {
  it('covers an open panel and changes nothing of the conversation', () => {
    const state = chatting()
    const paused = G.paused(state, true)
    expect(paused.paused).toBe(true)
    expect(paused.conversation).toBe(state.conversation)
    expect(paused.open).toBe(true)
    expect(G.paused(S.initialState, true)).toBe(S.initialState)
  })

  it('keeps what arrives meanwhile, without counting it unread (no badge)', () => {
    const paused = run(G.paused(chatting(), true), advisorSays(3, 'Ben je er nog?'))
    expect(paused.conversation!.entries.map((e) => e.text)).toEqual(['Ben je er nog?'])
    expect(paused.conversation!.unread).toBe(0)
    expect(paused.paused).toBe(true)
  })

  it('comes back with the focus in the message box on the chat, else on the heading', () => {
    expect(G.paused(G.paused(chatting(), true), false).focus).toEqual({ to: 'composer', polite: false })
    const rules = S.opened(S.initialState, null)
    expect(G.paused(G.paused(rules, true), false).focus).toEqual({ to: 'heading', polite: false })
  })

  it('is not left on after the chat is closed and forgotten', () => {
    const over = S.ended(G.paused(chatting(), true), 'advisor')
    expect(over.paused).toBe(true)
    expect(S.forgotten(over, null).paused).toBe(false)
  })

  it('has one key, Alt+P by its place on the keyboard, and not AltGr', () => {
    const key = { code: 'KeyP', altKey: true, ctrlKey: false, metaKey: false, shiftKey: false }
    expect(G.isPauseKey(key)).toBe(true)
    expect(G.isPauseKey({ ...key, ctrlKey: true })).toBe(false)
    expect(G.isPauseKey({ ...key, altKey: false })).toBe(false)
    expect(G.isPauseKey({ ...key, shiftKey: true })).toBe(false)
    expect(G.isPauseKey({ ...key, code: 'Escape' })).toBe(false)
  })
})
