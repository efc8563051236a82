// Typing, read, received and the discreet pause (issue 18), pure: what the
// stream's `signals` event means for the conversation, which of the
// visitor's messages carries the one "read" mark, and when the widget tells
// the server something (`POST /api/signal`). No DOM, no network, no clock
// (times are passed in); session.ts and signaller.ts do the I/O.
import type { Schemas } from '../../../shared/api/client'
import type { ChatState, Focus } from './state'

import { TYPING_EVERY_MS } from '../../../shared/signals'

export { TYPING_EVERY_MS }
/**
 * The advisor's "typing" is hidden when no newer update came for this long.
 * The server stores "typing until" 6 s ahead (settings.typing_ttl) and says
 * nothing when that time passes; an advisor who keeps typing is written again
 * after 5 s, a new version on the stream. So the widget lets it lapse itself,
 * a second after the server's 6 s for the stream's delay.
 */
export const TYPING_SHOWN_MS = 7_000
/** Received seqs are gathered this long (a reconnect's replay), then sent once. */
export const RECEIVED_DEBOUNCE_MS = 1_000

/** The advisor's side as the widget shows it; `version` orders the stream's updates. */
export interface AdvisorSignals {
  typing: boolean
  readSeq: number
  /** The last update applied; null before the first. */
  version: number | null
}

export const noSignals: AdvisorSignals = { typing: false, readSeq: 0, version: null }

type SignalUpdate = Schemas['SignalUpdate']

/** The `signals` event's data, or null when it is not one. */
export function signalUpdate(data: Record<string, unknown>): SignalUpdate | null {
  const { advisorTyping, advisorReadSeq, version } = data
  if (typeof advisorTyping !== 'boolean' || typeof version !== 'number') return null
  if (typeof advisorReadSeq !== 'number' || !Number.isFinite(advisorReadSeq)) return null
  return { advisorTyping, advisorReadSeq, version }
}

/** Apply an update unless one as new or newer was applied (a reconnect sends the current one again). */
export function applySignals(current: AdvisorSignals, update: SignalUpdate): AdvisorSignals {
  if (current.version !== null && update.version <= current.version) return current
  // Read never goes back, even if an update says less (another console's view).
  return { typing: update.advisorTyping, readSeq: Math.max(current.readSeq, update.advisorReadSeq), version: update.version }
}

/** The advisor's message arrived: whatever they were typing is here now. */
export function typingDone(current: AdvisorSignals): AdvisorSignals {
  return current.typing ? { ...current, typing: false } : current
}

/** No newer update since `version` for TYPING_SHOWN_MS: stop showing "typing". */
export function typingLapsed(current: AdvisorSignals, version: number | null): AdvisorSignals {
  return current.typing && current.version === version ? { ...current, typing: false } : current
}

interface Mark {
  key: string
  seq: number | null
  kind: 'text' | 'note'
  sender: 'visitor' | 'advisor' | 'system'
}

/** The key of the visitor's latest message the advisor has read: the one "read" mark. */
export function readMarkKey(entries: readonly Mark[], readSeq: number): string | null {
  let key: string | null = null
  for (const e of entries) {
    if (e.sender === 'visitor' && e.kind === 'text' && e.seq !== null && e.seq <= readSeq) key = e.key
  }
  return key
}

/** The highest seq of the advisor's messages this widget has received (0: none). */
export function receivedSeq(entries: readonly Mark[]): number {
  let seq = 0
  for (const e of entries) if (e.sender === 'advisor' && e.seq !== null && e.seq > seq) seq = e.seq
  return seq
}

// --- changes to the chat's state (store.update, like state.ts's) -------------------------

/** No newer `signals` update since `version` for a while: "typing" goes. */
export function typingStale(state: ChatState, version: number | null): ChatState {
  const c = state.conversation
  if (!c) return state
  const signals = typingLapsed(c.signals, version)
  return signals === c.signals ? state : { ...state, conversation: { ...c, signals } }
}

/** The discreet pause on or off. Coming back asks for the focus where the visitor was. */
export function paused(state: ChatState, on: boolean): ChatState {
  if (state.paused === on || (on && !state.open)) return state
  const focus: Focus | null = on ? null : { to: state.screen === 'chat' ? 'composer' : 'heading', polite: false }
  return { ...state, paused: on, focus }
}

// --- what the widget tells the server -------------------------------------------------

/** One `POST /api/signal` body without the session id. */
export interface Outgoing {
  typing?: true
  receivedSeq?: number
  paused?: boolean
}

/** `newer` on top of `older`: the latest pause wins, the highest seq wins. */
export function merged(older: Outgoing, newer: Outgoing): Outgoing {
  const out: Outgoing = { ...older, ...newer }
  if (older.receivedSeq !== undefined && newer.receivedSeq !== undefined) {
    out.receivedSeq = Math.max(older.receivedSeq, newer.receivedSeq)
  }
  return out
}

/**
 * What is still worth sending at `now`: a `typing` older than TYPING_EVERY_MS
 * (kept back by a 429 or a lost connection) is stale, the visitor may have
 * stopped long ago. Null: nothing left.
 */
export function worthSending(out: Outgoing, typedAt: number, now: number): Outgoing | null {
  const fresh: Outgoing = { ...out }
  if (fresh.typing && now - typedAt >= TYPING_EVERY_MS) delete fresh.typing
  return Object.keys(fresh).length > 0 ? fresh : null
}

/** Whether a keystroke at `now` is told: the first of a burst, then once per TYPING_EVERY_MS. */
export function typingDue(lastToldAt: number | null, now: number): boolean {
  return lastToldAt === null || now - lastToldAt >= TYPING_EVERY_MS
}

// --- the pause key ------------------------------------------------------------------

interface Key {
  code: string
  altKey: boolean
  ctrlKey: boolean
  metaKey: boolean
  shiftKey: boolean
}

/**
 * Alt+P (Option+P on a Mac), by the key's place, so it works in any layout
 * and inside the message box, where a visitor most likely is when someone
 * walks in. Not with Ctrl: on Windows AltGr is Ctrl+Alt underneath, and
 * browsers reported it so until about 2020
 * (https://chromestatus.com/feature/5059438092222464); AltGr+P types a
 * character in some layouts. Option+P types "π" on a Mac: the handler
 * prevents it, and `code` still says KeyP.
 */
export function isPauseKey(event: Key): boolean {
  return event.code === 'KeyP' && event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey
}
