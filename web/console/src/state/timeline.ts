// One chat's timeline from its listener's changes: each message once, in seq
// order; what is new for the advisor's cue; whether the chat ended (after
// which only the rewrite of every message's expiry would follow).
import type { Message } from '../types'

export interface Timeline {
  readonly messages: readonly Message[]
  readonly seen: ReadonlySet<string>
  /** The first snapshot is in: what was there is history, not news. */
  readonly loaded: boolean
}

export const EMPTY_TIMELINE: Timeline = { messages: [], seen: new Set(), loaded: false }

export interface Added {
  timeline: Timeline
  /** New messages in seq order (to append). */
  added: Message[]
  /** Visitor messages that arrived after the first snapshot. */
  fromVisitor: number
  ended: boolean
}

export function addMessages(tl: Timeline, incoming: readonly Message[]): Added {
  const seen = new Set(tl.seen)
  const added = incoming.filter((m) => !seen.has(m.id) && seen.add(m.id)).sort((a, b) => a.seq - b.seq)
  const messages = [...tl.messages, ...added].sort((a, b) => a.seq - b.seq)
  return {
    timeline: { messages, seen, loaded: true },
    added,
    fromVisitor: tl.loaded ? added.filter((m) => m.sender === 'visitor').length : 0,
    ended: added.some((m) => m.kind === 'system' && m.event === 'ended'),
  }
}
