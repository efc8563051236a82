// Looking after the advisor (issue 19): a chat passed to a colleague because
// it went unanswered, a pause offered after a heavy chat, and the supervisor's
// count of heavy chats today. Only from what the listeners read anyway: the
// advisors of our organisation, our chats and (supervisor) our organisation's
// sessions. Counts only, nothing of the content.
import type { Advisor, Session } from '../types'

/** When a chat of ours last went to a colleague unanswered, if after `since`. */
export function passedOnSince(advisors: readonly Advisor[], uid: string, since: number): number | null {
  const at = advisors.find((a) => a.id === uid)?.passedOnAt ?? null
  return at !== null && at > since ? at : null
}

/** Chats flagged as danger that were running before and have ended now: each once. */
export function heavyEnded(runningUrgent: ReadonlySet<string>, mine: readonly Session[]): Session[] {
  return mine.filter((s) => runningUrgent.has(s.id) && s.state === 'ended')
}

/** Our chats flagged as danger that are running now (what `heavyEnded` compares with next). */
export function urgentRunning(mine: readonly Session[]): Set<string> {
  return new Set(mine.filter((s) => s.urgent && s.state === 'active').map((s) => s.id))
}

/** Local midnight of the day `now` is in. */
export function startOfDay(now: number): number {
  const day = new Date(now)
  day.setHours(0, 0, 0, 0)
  return day.getTime()
}

/**
 * Chats flagged as danger that our advisors ended today, for the debrief:
 * from both supervisor listeners (our queue's chats and those we answered
 * for others), each chat once.
 */
export function heavyToday(org: string, lists: readonly (readonly Session[])[], now: number): number {
  const from = startOfDay(now)
  const ids = new Set<string>()
  for (const list of lists)
    for (const s of list)
      if (s.urgent && s.state === 'ended' && s.advisorOrg === org && (s.endedAt ?? 0) >= from) ids.add(s.id)
  return ids.size
}
