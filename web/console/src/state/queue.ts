// The queue an advisor sees: their organisation's waiting chats and those
// offered to it by fall-back, each once, urgent ones first, then oldest first.
import type { Session } from '../types'

export function queueItems(queue: readonly Session[], offered: readonly Session[]): Session[] {
  const seen = new Set<string>()
  const all = [...queue, ...offered].filter((s) => !seen.has(s.id) && seen.add(s.id))
  return all.sort((a, b) => Number(b.urgent) - Number(a.urgent) || (a.queuedAt ?? 0) - (b.queuedAt ?? 0))
}

/** The intake answers as the advisor reads them, in the console's language. */
export function answersText(s: Session, names: Record<string, Record<string, string>>): string {
  return Object.entries(s.answers)
    .map(([k, v]) => names[k]?.[v] ?? '')
    .filter(Boolean)
    .join(', ')
}
