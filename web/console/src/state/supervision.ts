// Supervision (issue 19): reading along in a running chat, notes to its
// advisor. The functions write the audit entry; this is what the console
// decides by itself: whom to name as reading along, which chats a supervisor
// may open, the notes in order, and whether a note may be sent.
import type { Me, Note, Session } from '../types'

/** The reasons the functions accept (POST /api/watch): a fixed list, never free text. */
export const WATCH_REASONS = ['quality', 'support', 'danger', 'training'] as const
export type WatchReason = (typeof WATCH_REASONS)[number]

/** As the functions check it (vtchat.models.supervision.NOTE_MAX). */
export const NOTE_MAX = 500

/** The names of those reading along in a chat, the viewer left out, sorted. */
export function readersOf(s: Session, me: string | undefined): string[] {
  return Object.entries(s.watchers)
    .filter(([uid]) => uid !== me)
    .map(([, name]) => name)
    .sort((a, b) => a.localeCompare(b))
}

export const isWatching = (s: Session, uid: string | undefined): boolean => uid !== undefined && uid in s.watchers

/** A supervisor may read along in a running chat of their organisation that is not their own. */
export function canWatch(s: Session, me: Me | null): boolean {
  if (!me || me.role !== 'supervisor' || s.state !== 'active' || s.advisorUid === me.uid) return false
  return s.org === me.org || s.advisorOrg === me.org
}

/** The advisor's chat needs a notes listener only once someone has read along (no reads otherwise). */
export const needsNotes = (s: Session): boolean => s.supervised

/** Notes merged by id, oldest first (a listener's snapshots may repeat them). */
export function addNotes(notes: readonly Note[], incoming: readonly Note[]): Note[] {
  const byId = new Map(notes.map((n) => [n.id, n]))
  for (const n of incoming) byId.set(n.id, n)
  return [...byId.values()].sort((a, b) => (a.createdAt ?? Infinity) - (b.createdAt ?? Infinity) || a.id.localeCompare(b.id))
}

/** What is wrong with a note before it is sent, if anything. */
export function noteProblem(text: string): 'empty' | 'long' | null {
  const trimmed = text.trim()
  if (!trimmed) return 'empty'
  return trimmed.length > NOTE_MAX ? 'long' : null
}
