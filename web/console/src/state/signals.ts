// Typing, read and received between the advisor and the visitor (POST
// /api/signal; vtchat/signals.py): what the console shows of the visitor's
// signals, and when it tells its own. Pure, so that the throttles are tested
// without a browser; views/chat.ts and views/composer.ts run them.
import { TYPING_EVERY_MS } from '../../../shared/signals'
import type { Message, Session } from '../types'

export { TYPING_EVERY_MS }
/** The read mark waits this long after the last reason to send it, then sends once. */
export const READ_DEBOUNCE_MS = 1_000

/**
 * The composer's typing signal: at most one call per TYPING_EVERY_MS while
 * typing, nothing while idle, and none because of a send (the functions end
 * the typing with the message itself).
 */
export interface TypingState {
  /** When `typing: true` was last sent (epoch ms), or null when not typing. */
  readonly sentAt: number | null
}

export const NOT_TYPING: TypingState = { sentAt: null }

export type TypingCall = { typing: boolean } | null

/** A keystroke in the composer: what to send, if anything. `empty`: the box is empty now. */
export function onInput(state: TypingState, now: number, empty: boolean): { state: TypingState; send: TypingCall } {
  if (empty) {
    // Everything deleted: stop showing "typt…" at once, if it shows.
    return state.sentAt === null ? { state, send: null } : { state: NOT_TYPING, send: { typing: false } }
  }
  if (state.sentAt !== null && now - state.sentAt < TYPING_EVERY_MS) return { state, send: null }
  return { state: { sentAt: now }, send: { typing: true } }
}

/** The message went out: the functions cleared the typing with it; the next keystroke starts anew. */
export function onSent(): TypingState {
  return NOT_TYPING
}

/** The visitor's messages up to here are on screen: the seq to tell as read, if it grows. */
export function readSeqToSend(messages: readonly Message[], told: number, shownInFocus: boolean): number | null {
  if (!shownInFocus) return null
  let last = 0
  for (const m of messages) if (m.sender === 'visitor' && m.seq > last) last = m.seq
  return last > told ? last : null
}

/** Whether the chat's timeline is in front of the advisor: a focused, visible window, the panel on the page. */
export function shownInFocus(doc: { hasFocus(): boolean; visibilityState: string }, panelConnected: boolean): boolean {
  return panelConnected && doc.visibilityState === 'visible' && doc.hasFocus()
}

/** What the chat panel shows of the visitor's signals, and when that must be looked at again. */
export interface VisitorSignals {
  typing: boolean
  paused: boolean
  /** Milliseconds until "typt…" must go (a timer), or null. */
  recheckIn: number | null
}

export function visitorSignals(s: Pick<Session, 'state' | 'visitorTypingUntil' | 'visitorPaused'>, now: number): VisitorSignals {
  if (s.state !== 'active') return { typing: false, paused: false, recheckIn: null }
  const until = s.visitorTypingUntil
  const typing = !s.visitorPaused && until !== null && until > now
  return { typing, paused: s.visitorPaused, recheckIn: typing && until !== null ? until - now : null }
}

/** An advisor's message the visitor's widget has received. */
export function received(m: Pick<Message, 'sender' | 'seq'>, visitorReceivedSeq: number): boolean {
  return m.sender === 'advisor' && m.seq <= visitorReceivedSeq
}
