// Which chats have a panel, in which order: running ones, and ended ones still
// to register: those this page saw running, or that ended in the last 30
// minutes (after a reload) and have no registration yet.
import type { Session } from '../types'

export interface ChatPanels {
  /** Chats with a panel on screen. */
  readonly open: ReadonlySet<string>
  /** A dismissed chat stays away until its timeline moves on (seq grows). */
  readonly dismissed: ReadonlyMap<string, number>
  /** When each chat came to this screen: a chat handed over keeps its first
   * assignedAt, and ordering by that would renumber the chats already open. */
  readonly arrived: ReadonlyMap<string, number>
  /** Registered here: the session's `registered` may arrive before the answer. */
  readonly savedHere: ReadonlySet<string>
  /** The first snapshot of our chats is in (chats found at sign-in are not "new"). */
  readonly loaded: boolean
}

export const NO_PANELS: ChatPanels = { open: new Set(), dismissed: new Map(), arrived: new Map(), savedHere: new Set(), loaded: false }

const RECENT_MS = 30 * 60_000

const arrivedAt = (p: ChatPanels, s: Session): number => p.arrived.get(s.id) ?? s.assignedAt ?? 0

export function visibleChats(p: ChatPanels, mine: readonly Session[], now: number): Session[] {
  return mine
    .filter(
      (s) =>
        s.seq > (p.dismissed.get(s.id) ?? -1) &&
        (s.state === 'active' ||
          (s.state === 'ended' && !s.registered && (p.open.has(s.id) || (s.endedAt ?? 0) >= now - RECENT_MS)) ||
          p.savedHere.has(s.id)),
    )
    .sort((a, b) => arrivedAt(p, a) - arrivedAt(p, b))
}

export interface Sync {
  panels: ChatPanels
  /** In screen order, each with a panel. */
  visible: Session[]
  opened: string[]
  closed: string[]
  /** Chats assigned while the console runs, to announce. */
  fresh: Session[]
}

/** Open panels for chats that became visible, close those that no longer are. */
export function syncPanels(p: ChatPanels, mine: readonly Session[], now: number): Sync {
  const shown = visibleChats(p, mine, now)
  const ids = new Set(shown.map((s) => s.id))
  const closed = [...p.open].filter((id) => !ids.has(id))
  const arrived = new Map(p.arrived)
  for (const id of closed) arrived.delete(id)
  const opened: string[] = []
  const fresh: Session[] = []
  for (const s of shown) {
    if (p.open.has(s.id)) continue
    opened.push(s.id)
    arrived.set(s.id, p.loaded ? now : arrivedAt(p, s))
    if (s.state === 'active' && p.loaded) fresh.push(s)
  }
  const panels: ChatPanels = { ...p, open: ids, arrived, loaded: true }
  return { panels, visible: visibleChats(panels, mine, now), opened, closed, fresh }
}

export function dismissPanel(p: ChatPanels, id: string, seq: number): ChatPanels {
  const savedHere = new Set(p.savedHere)
  savedHere.delete(id)
  return { ...p, dismissed: new Map(p.dismissed).set(id, seq), savedHere }
}

export function markSaved(p: ChatPanels, id: string, saved: boolean): ChatPanels {
  const savedHere = new Set(p.savedHere)
  if (saved) savedHere.add(id)
  else savedHere.delete(id)
  return { ...p, savedHere }
}
