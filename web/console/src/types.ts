// The shapes the console reads: Firestore documents (firestore.rules decide
// which) and the API's answers. Documents are read field by field into these
// types (no `as` cast of a whole document), with times as epoch milliseconds
// so that the state modules need no Firebase to be tested.
//
// The API's answers are the types generated from docs/openapi.json, and the
// documents' value sets come from the generated document shapes (both in
// web/shared/api/, `make api-types`). The documents themselves stay this
// console's own reading: times as milliseconds, absent fields allowed.
import type { Schemas } from '../../shared/api/client'
import type { AdvisorDoc, MessageDoc, SessionDoc } from '../../shared/api/documents'

export type Status = NonNullable<AdvisorDoc['status']>
export type Role = AdvisorDoc['role']

/** `sessions/{id}` as the console may read it. */
export interface Session {
  id: string
  nickname?: string
  ageBand?: string
  gender?: string
  region?: string
  org?: string
  state?: SessionDoc['state']
  queuedAt: number | null
  assignedAt: number | null
  endedAt: number | null
  advisorUid?: string | null
  advisorName?: string | null
  advisorOrg?: string | null
  answers: Record<string, string>
  urgent: boolean
  urgentReason?: string | null
  /** The widget's language; while `languageReserved`, only advisors who speak it may take the chat. */
  language?: string
  languageReserved?: boolean
  visitorPresence?: string
  transferNote?: string | null
  transferNoteBy?: string | null
  transferredFrom?: string | null
  /** The registration is saved (the console cannot read the chat record). */
  registered: boolean
  seq: number
  /** The visitor's signals (state/signals.ts): typing shown until, the discreet pause, received up to. */
  visitorTypingUntil: number | null
  visitorPaused: boolean
  visitorReceivedSeq: number
  /** What this chat's advisor last told as read (so the console tells only more). */
  advisorReadSeq: number
  /** Supervision: who reads along now (uid → name), and whether anyone ever did (then notes may exist). */
  watchers: Record<string, string>
  supervised: boolean
  expireAt: number | null
}

/** `sessions/{id}/notes/{noteId}`: a supervisor's private note to the chat's advisor. */
export interface Note {
  id: string
  text: string
  authorName: string
  createdAt: number | null
}

/** `transfers/{id}`: a chat this organisation handed to another one (all its supervisor may read of it). */
export interface Transfer {
  toOrg?: string
  at: number | null
}

/** `sessions/{id}/messages/{id}`. */
export interface Message {
  id: string
  seq: number
  kind: MessageDoc['kind']
  sender: MessageDoc['sender']
  text?: string
  event?: string
  advisorName?: string
  createdAt: number | null
}

/** `advisors/{uid}`. */
export interface Advisor {
  id: string
  displayName?: string
  orgName?: string
  org?: string
  role?: string
  status?: Status
  capacity?: number
  activeCount?: number
  /** When a chat of theirs last went to a colleague unanswered (vtchat.unanswered). */
  passedOnAt?: number | null
}

/** One region of GET /api/regions. */
export type Region = Schemas['RegionInfo']

/** One region of GET /api/status. */
export type RegionStatus = Schemas['RegionStatusOut']

/** One of GET /api/texts. */
export type StandardText = Schemas['StandardText']

/** The signed-in staff member, from the ID token's claims. */
export interface Me {
  uid: string
  email: string
  role: Role
  org: string
  name: string
  /** The languages they chat in (the `langs` claim): Dutch always, then the others. */
  languages: string[]
  /** The organisation's privacy officer (the `privacy` claim): exports its audit log (views/audit.ts). */
  privacy?: true
}

type Data = Record<string, unknown>

/** Epoch milliseconds of a Firestore Timestamp (anything with toMillis), else null. */
export function millis(v: unknown): number | null {
  if (typeof v === 'object' && v !== null && 'toMillis' in v && typeof v.toMillis === 'function') {
    const ms: unknown = v.toMillis()
    return typeof ms === 'number' ? ms : null
  }
  return null
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const strOrNull = (v: unknown): string | null | undefined => (v === null ? null : str(v))
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
const oneOf = <T extends string>(v: unknown, values: readonly T[]): T | undefined =>
  values.includes(v as T) ? (v as T) : undefined

function strings(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null) return {}
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
}

export function toSession(id: string, d: Data): Session {
  return {
    id,
    nickname: str(d.nickname),
    ageBand: str(d.ageBand),
    gender: str(d.gender),
    region: str(d.region),
    org: str(d.org),
    state: oneOf<SessionDoc['state']>(d.state, ['waiting', 'active', 'ended']),
    queuedAt: millis(d.queuedAt),
    assignedAt: millis(d.assignedAt),
    endedAt: millis(d.endedAt),
    advisorUid: strOrNull(d.advisorUid),
    advisorName: strOrNull(d.advisorName),
    advisorOrg: strOrNull(d.advisorOrg),
    answers: strings(d.answers),
    urgent: d.urgent === true,
    urgentReason: strOrNull(d.urgentReason),
    language: str(d.language),
    languageReserved: d.languageUntil !== undefined && d.languageUntil !== null,
    visitorPresence: str(d.visitorPresence),
    transferNote: strOrNull(d.transferNote),
    transferNoteBy: strOrNull(d.transferNoteBy),
    transferredFrom: strOrNull(d.transferredFrom),
    registered: d.registered === true,
    seq: num(d.seq) ?? 0,
    visitorTypingUntil: millis(d.visitorTypingUntil),
    visitorPaused: d.visitorPaused === true,
    visitorReceivedSeq: num(d.visitorReceivedSeq) ?? 0,
    advisorReadSeq: num(d.advisorReadSeq) ?? 0,
    watchers: strings(d.watchers),
    supervised: d.supervised === true,
    expireAt: millis(d.expireAt),
  }
}

export function toNote(id: string, d: Data): Note {
  return { id, text: str(d.text) ?? '', authorName: str(d.authorName) ?? '', createdAt: millis(d.createdAt) }
}

export function toTransfer(d: Data): Transfer {
  return { toOrg: str(d.toOrg), at: millis(d.at) }
}

export function toMessage(id: string, d: Data): Message {
  return {
    id,
    seq: num(d.seq) ?? 0,
    kind: d.kind === 'system' ? 'system' : 'text',
    sender: oneOf<MessageDoc['sender']>(d.sender, ['visitor', 'advisor', 'system']) ?? 'system',
    text: str(d.text),
    event: str(d.event),
    advisorName: str(d.advisorName),
    createdAt: millis(d.createdAt),
  }
}

export function toAdvisor(id: string, d: Data): Advisor {
  return {
    id,
    displayName: str(d.displayName),
    orgName: str(d.orgName),
    org: str(d.org),
    role: str(d.role),
    status: oneOf<Status>(d.status, ['online', 'paused', 'offline']),
    capacity: num(d.capacity),
    activeCount: num(d.activeCount),
    passedOnAt: millis(d.passedOnAt),
  }
}

/** A listener keeps what it was allowed when it started: what expired since is dropped. */
export function live(d: Data, now: number): boolean {
  return (millis(d.expireAt) ?? Infinity) > now
}
