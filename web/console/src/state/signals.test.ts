import { describe, expect, it } from 'vitest'
import { toMessage } from '../types'
import { at, session } from './fixtures.test-support'
import { NOT_TYPING, TYPING_EVERY_MS, onInput, onSent, readSeqToSend, received, shownInFocus, visitorSignals, type TypingState } from './signals'

const msg = (seq: number, sender: string) => toMessage(`m${seq}`, { seq, sender, kind: 'text', text: 'x' })

describe('typing from the composer', () => {
  it('sends at most once per five seconds while typing, and nothing idle', () => {
    let state: TypingState = NOT_TYPING
    const sent: Array<[number, boolean]> = []
    // A keystroke every 200 ms for 12 s: calls at 0, 5 and 10 s only.
    for (let now = 0; now <= 12_000; now += 200) {
      const r = onInput(state, now, false)
      state = r.state
      if (r.send) sent.push([now, r.send.typing])
    }
    expect(sent).toEqual([
      [0, true],
      [TYPING_EVERY_MS, true],
      [2 * TYPING_EVERY_MS, true],
    ])
  })

  it('sends nothing because of a send, and starts anew after it', () => {
    expect(onInput(NOT_TYPING, 0, false).send).toEqual({ typing: true })
    // The box emptied by the send fires no input; the next keystroke tells again at once.
    expect(onInput(onSent(), 1_000, false).send).toEqual({ typing: true })
  })

  it('tells the stop once when the box is emptied by hand', () => {
    const typing = onInput(NOT_TYPING, 0, false).state
    const emptied = onInput(typing, 500, true)
    expect(emptied.send).toEqual({ typing: false })
    expect(onInput(emptied.state, 600, true).send).toBeNull()
  })
})

describe('the read mark', () => {
  const timeline = [msg(1, 'system'), msg(2, 'visitor'), msg(3, 'advisor'), msg(4, 'visitor'), msg(5, 'advisor')]

  it('tells the last visitor message shown in a focused window, only when it grows', () => {
    expect(readSeqToSend(timeline, 0, true)).toBe(4)
    expect(readSeqToSend(timeline, 4, true)).toBeNull()
    expect(readSeqToSend(timeline, 0, false)).toBeNull()
    // The advisor's own messages are no reason to tell anything.
    expect(readSeqToSend(timeline.slice(0, 3), 2, true)).toBeNull()
  })

  it('needs a focused, visible window with the panel on the page', () => {
    const doc = (focus: boolean, visibilityState: string) => ({ hasFocus: () => focus, visibilityState })
    expect(shownInFocus(doc(true, 'visible'), true)).toBe(true)
    expect(shownInFocus(doc(false, 'visible'), true)).toBe(false)
    expect(shownInFocus(doc(true, 'hidden'), true)).toBe(false)
    expect(shownInFocus(doc(true, 'visible'), false)).toBe(false)
  })
})

describe("the visitor's signals on the panel", () => {
  it('shows typing until the time stored, with a timer to hide it', () => {
    const s = session('s', { state: 'active', visitorTypingUntil: at(10_000) })
    expect(visitorSignals(s, 4_000)).toEqual({ typing: true, paused: false, recheckIn: 6_000 })
    expect(visitorSignals(s, 10_000)).toEqual({ typing: false, paused: false, recheckIn: null })
  })

  it('shows the pause instead of typing, and nothing once the chat is not running', () => {
    const paused = session('s', { state: 'active', visitorPaused: true, visitorTypingUntil: at(10_000) })
    expect(visitorSignals(paused, 0)).toEqual({ typing: false, paused: true, recheckIn: null })
    expect(visitorSignals({ ...paused, state: 'ended' }, 0).paused).toBe(false)
  })

  it('marks the advisor messages the widget has received', () => {
    const s = session('s', { visitorReceivedSeq: 3 })
    expect(received(msg(3, 'advisor'), s.visitorReceivedSeq)).toBe(true)
    expect(received(msg(4, 'advisor'), s.visitorReceivedSeq)).toBe(false)
    expect(received(msg(2, 'visitor'), s.visitorReceivedSeq)).toBe(false)
  })
})
