// The supervisor's overview of their organisation, from its live documents.
import type { Advisor, Session, Transfer } from '../types'
import { minutesSince } from './time'

export interface OverviewInput {
  org: string
  orgSessions: readonly Session[]
  answeredByUs: readonly Session[]
  transfersOut: readonly Transfer[]
  advisors: readonly Advisor[]
}

export interface Overview {
  waiting: number
  longestWait: number
  online: number
  handedOut: number
  handedIn: number
  team: Advisor[]
  urgent: Session[]
  active: Session[]
}

/** Chats of today, each once (a chat can be both transferred and answered by fall-back). */
const countToday = (sessions: Session[], today: number): number =>
  new Set(sessions.filter((s) => (s.assignedAt ?? 0) >= today).map((s) => s.id)).size

const byName = (a: Advisor, b: Advisor): number => (a.displayName ?? '').localeCompare(b.displayName ?? '')

export function overview(i: OverviewInput, now: number, today: number): Overview {
  const waiting = i.orgSessions.filter((s) => s.state === 'waiting')
  const team = [...i.advisors].sort(byName)
  // Fall-back keeps the chat in its region's org (another org answers);
  // a transfer moves it to the other org's queue (transferredFrom says whence)
  // and leaves us a `transfers` record, one per chat.
  const handedOut =
    countToday(i.orgSessions.filter((s) => s.advisorOrg && s.advisorOrg !== i.org), today) +
    i.transfersOut.filter((x) => x.toOrg !== i.org && (x.at ?? 0) >= today).length
  const handedIn = countToday(
    [...i.answeredByUs.filter((s) => s.org !== i.org), ...i.orgSessions.filter((s) => s.transferredFrom && s.transferredFrom !== i.org)],
    today,
  )
  const all = new Map<string, Session>()
  for (const s of [...i.orgSessions, ...i.answeredByUs]) all.set(s.id, s)
  return {
    waiting: waiting.length,
    longestWait: waiting.reduce((m, s) => Math.max(m, minutesSince(s.queuedAt, now)), 0),
    online: team.filter((a) => a.status === 'online' || a.status === 'paused').length,
    handedOut,
    handedIn,
    team,
    urgent: [...all.values()].filter((s) => s.urgent && s.state !== 'ended'),
    active: [...all.values()].filter((s) => s.state === 'active'),
  }
}

/** Urgent chats not alerted yet; `seen` becomes the ones urgent now. */
export function freshUrgent(urgent: readonly Session[], seen: ReadonlySet<string>): { fresh: Session[]; seen: Set<string> } {
  return { fresh: urgent.filter((s) => !seen.has(s.id)), seen: new Set(urgent.map((s) => s.id)) }
}

/** Colleagues who can receive a chat now (the functions require them online). */
export function colleagues(advisors: readonly Advisor[], exclude: string | null | undefined): Advisor[] {
  return advisors.filter((a) => a.id !== exclude && a.status === 'online').sort(byName)
}
