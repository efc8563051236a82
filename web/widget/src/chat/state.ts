// The chat's state and every change to it, pure: events from the stream,
// answers from the API and the visitor's own steps go in, a new state comes
// out. No DOM, no network, no clock (times are passed in), no texts (views
// turn notes into words in the language shown). The views draw a state; the
// store (store.ts) holds the current one; session.ts does the I/O.
import type { SessionGrant } from './api'
import { noSignals, type AdvisorSignals } from './signals'
import type { StreamEvent } from './sse'

export type { StreamEvent }

export type Screen = 'rules' | 'closed' | 'intake' | 'resume' | 'waiting' | 'chat' | 'ended'
/** 'elsewhere': the chat was resumed with its code in another tab or device. */
export type EndedBy = 'visitor' | 'advisor' | 'system' | 'elsewhere'
export type Phase = 'waiting' | 'active' | 'ended'

/** What a note in the conversation says, put into words by the view. */
export type Note =
  | { type: 'advisorLost'; name: string | null }
  | { type: 'transferred'; advisor: string | null; org: string }
  | { type: 'resumed' }
  /** Nobody speaking the visitor's language took the chat in time: a Dutch-speaking advisor helps. */
  | { type: 'languageUnmatched' }
  /** The advisor did not write in time: back at the front of the queue for a colleague. */
  | { type: 'reassigned' }

export interface Entry {
  /** The client message id for the visitor's own messages, else `seq-<n>`. */
  key: string
  seq: number | null
  /** Arrival order: breaks ties between entries without a sequence number. */
  order: number
  kind: 'text' | 'note'
  sender: 'visitor' | 'advisor' | 'system'
  text: string
  note?: Note
  name?: string
  at: Date | null
  status?: 'sending' | 'sent' | 'failed'
  /** Why a message failed: a code the view puts into words, or the server's Dutch text. */
  error?: { code: string; message: string }
}

export interface Advisor {
  /** null: the stream did not say; the view says "the advisor". */
  name: string | null
  org: string
  fallback: boolean
  regionName: string | null
}

export interface Conversation {
  grant: SessionGrant
  inDanger: boolean
  entries: Entry[]
  /** Keys of the visitor's messages not yet stored, oldest first. */
  outbox: string[]
  advisor: Advisor | null
  queue: { position: number; estimatedWaitMinutes: number | null } | null
  afterHours: boolean
  phase: Phase
  endedBy: EndedBy | null
  unread: number
  rateLimited: boolean
  nextOrder: number
  /** The advisor's typing and read state from the stream's `signals` events (signals.ts). */
  signals: AdvisorSignals
  /** The anonymous word afterwards, asked on the ended screen (feedback below). */
  feedback: Feedback
}

export type FeedbackQuestion = 'helpful' | 'nextStep' | 'again'
export type FeedbackAnswer = 'yes' | 'partly' | 'no'
export const FEEDBACK_QUESTIONS: readonly FeedbackQuestion[] = ['helpful', 'nextStep', 'again']

export interface Feedback {
  /** 'none': not asked (the chat is running, or was taken over elsewhere). */
  step: 'none' | 'asking' | 'sending' | 'sent' | 'skipped' | 'failed'
  answers: Partial<Record<FeedbackQuestion, FeedbackAnswer>>
}

const NO_FEEDBACK: Feedback = { step: 'none', answers: {} }

export interface ClosedInfo {
  regionName: string | null
  opensAt: string | null
  hours: string[]
}

export interface ChatState {
  screen: Screen
  open: boolean
  offline: boolean
  closed: ClosedInfo | null
  /** Where "back" on the resume screen goes. */
  resumeOrigin: Screen
  conversation: Conversation | null
  /** The discreet pause: the panel is covered by something neutral; the chat goes on. */
  paused: boolean
  /**
   * A one-off request to the views: where the keyboard focus goes after this
   * change. `polite`: not while the visitor is typing (a move the stream caused).
   */
  focus: Focus | null
}

export interface Focus {
  to: 'heading' | 'composer'
  polite: boolean
}

const HEADING: Focus = { to: 'heading', polite: false }
export const POLITE: Focus = { to: 'heading', polite: true }

export const initialState: ChatState = {
  screen: 'rules',
  open: false,
  offline: false,
  closed: null,
  resumeOrigin: 'rules',
  conversation: null,
  paused: false,
  focus: null,
}

// --- screens --------------------------------------------------------------------

/** Move to a screen, the focus on its heading. */
export function go(state: ChatState, screen: Screen): ChatState {
  const resumeOrigin = screen === 'resume' && state.screen !== 'resume' ? state.screen : state.resumeOrigin
  return { ...state, screen, resumeOrigin, focus: HEADING }
}

/** The screen a conversation belongs on. */
export function sessionScreen(conversation: Conversation): Screen {
  if (conversation.phase === 'ended') return 'ended'
  const talking = conversation.entries.some((e) => e.kind === 'text')
  return conversation.phase === 'active' || conversation.advisor || talking ? 'chat' : 'waiting'
}

/** The screen before any conversation: closed when the site's own region is closed. */
export function openingScreen(closed: ClosedInfo | null): Screen {
  return closed ? 'closed' : 'rules'
}

/** The visitor opens the panel. */
export function opened(state: ChatState, closedNow: ClosedInfo | null): ChatState {
  const c = state.conversation
  const base = { ...state, open: true, focus: HEADING }
  if (c) {
    const started = c.phase === 'active' || c.entries.length > 0
    return { ...base, screen: started ? sessionScreen(c) : state.screen, conversation: { ...c, unread: 0 } }
  }
  if (state.screen === 'ended') return base
  return { ...base, screen: openingScreen(closedNow), closed: closedNow ?? state.closed }
}

/** The launcher's status came in after opening: the rules give way to "closed" and back. */
export function statusKnown(state: ChatState, closedNow: ClosedInfo | null): ChatState {
  if (state.conversation || !state.open || (state.screen !== 'rules' && state.screen !== 'closed')) return state
  const screen = openingScreen(closedNow)
  return screen === state.screen ? state : { ...state, screen, closed: closedNow ?? state.closed, focus: HEADING }
}

export function minimised(state: ChatState): ChatState {
  return { ...state, open: false, focus: null }
}

export function closedBy(state: ChatState, info: ClosedInfo): ChatState {
  return go({ ...state, closed: info }, 'closed')
}

// --- a conversation's life --------------------------------------------------------

export function started(state: ChatState, grant: SessionGrant, inDanger: boolean): ChatState {
  const conversation: Conversation = {
    grant,
    inDanger,
    entries: [],
    outbox: [],
    advisor: null,
    queue: null,
    afterHours: false,
    phase: grant.state === 'active' ? 'active' : 'waiting',
    endedBy: null,
    unread: 0,
    rateLimited: false,
    nextOrder: 0,
    signals: noSignals,
    feedback: NO_FEEDBACK,
  }
  return { ...state, conversation, screen: 'waiting', focus: HEADING }
}

export function ended(state: ChatState, endedBy: EndedBy): ChatState {
  const c = state.conversation
  if (!c) return state
  // The token and the code are useless now: drop them.
  const conversation: Conversation = {
    ...c,
    phase: 'ended',
    endedBy,
    outbox: [],
    grant: { ...c.grant, token: '', resumeCode: '' },
    unread: state.open ? c.unread : c.unread + 1,
    // Taken over elsewhere, this tab's token is retired: nothing to ask here.
    feedback: endedBy === 'elsewhere' || c.phase === 'ended' ? c.feedback : { step: 'asking', answers: {} },
  }
  return { ...state, conversation, offline: false, screen: 'ended', focus: state.open ? HEADING : null }
}

/** After an ended chat: drop it from memory entirely. */
export function forgotten(state: ChatState, next: Screen | null): ChatState {
  const cleared = { ...state, conversation: null }
  return next ? go(cleared, next) : { ...cleared, screen: 'rules', open: false, paused: false, focus: null }
}

export function connection(state: ChatState, online: boolean): ChatState {
  if (!online && (!state.conversation || state.conversation.phase === 'ended')) return state
  return state.offline === !online ? state : { ...state, offline: !online }
}

// --- entries ----------------------------------------------------------------------

export function byPosition(a: Entry, b: Entry): number {
  return (a.seq ?? Infinity) - (b.seq ?? Infinity) || a.order - b.order
}

/** The conversation with one more entry, in stream order (unsent ones last, in the order made). */
export function withEntry(c: Conversation, entry: Omit<Entry, 'order'>): Conversation {
  const entries = [...c.entries, { ...entry, order: c.nextOrder }].sort(byPosition)
  return { ...c, entries, nextOrder: c.nextOrder + 1 }
}

/** The stream says there is nothing more for this session (401 token_revoked: resumed elsewhere). */
export function gone(state: ChatState, code: string | null): ChatState {
  const c = state.conversation
  if (!c || c.phase === 'ended') return state
  return ended(state, code === 'token_revoked' ? 'elsewhere' : (c.endedBy ?? 'system'))
}

// --- sending ------------------------------------------------------------------------

/** The visitor sends a message: shown at once as "sending", queued for the API. */
export function queued(state: ChatState, key: string, text: string, now: Date): ChatState {
  const c = state.conversation
  if (!c || c.phase === 'ended') return state
  const entry = { key, seq: null, kind: 'text' as const, sender: 'visitor' as const, text, at: now, status: 'sending' as const }
  const after = withEntry(c, entry)
  return { ...state, conversation: { ...after, outbox: [...after.outbox, key] } }
}

/** The API stored the message (maybe after its echo arrived on the stream). */
export function accepted(state: ChatState, key: string, seq: number, createdAt: string | null): ChatState {
  const c = state.conversation
  const entry = c?.entries.find((e) => e.key === key)
  if (!c || !entry) return state
  let entries = c.entries
  if (entry.seq === null) entries = entries.filter((e) => e === entry || e.seq !== seq)
  const done: Entry = { ...entry, seq: entry.seq ?? seq, at: createdAt ? new Date(createdAt) : entry.at, status: 'sent' }
  entries = entries.map((e) => (e === entry ? done : e)).sort(byPosition)
  return { ...state, conversation: { ...c, entries, outbox: c.outbox.filter((k) => k !== key), rateLimited: false } }
}

/** The API refused the message for good. */
export function failed(state: ChatState, key: string, error: { code: string; message: string }): ChatState {
  const c = state.conversation
  if (!c) return state
  const entries = c.entries.map((e) => (e.key === key ? { ...e, status: 'failed' as const, error } : e))
  return { ...state, conversation: { ...c, entries, outbox: c.outbox.filter((k) => k !== key) } }
}

export function rateLimited(state: ChatState, limited: boolean): ChatState {
  const c = state.conversation
  if (!c || c.rateLimited === limited) return state
  return { ...state, conversation: { ...c, rateLimited: limited } }
}

/** A message left the outbox without an answer of its own (its echo came first). */
export function dequeued(state: ChatState, key: string): ChatState {
  const c = state.conversation
  if (!c || !c.outbox.includes(key)) return state
  return { ...state, conversation: { ...c, outbox: c.outbox.filter((k) => k !== key) } }
}

// --- the word afterwards (views/ended.ts, session.ts) ----------------------------------

function withFeedback(state: ChatState, change: (f: Feedback) => Feedback): ChatState {
  const c = state.conversation
  if (!c || c.phase !== 'ended' || c.feedback.step === 'none') return state
  const feedback = change(c.feedback)
  return feedback === c.feedback ? state : { ...state, conversation: { ...c, feedback } }
}

/** The visitor picks an answer (kept, so a redrawn screen shows it). */
export function feedbackAnswered(state: ChatState, question: FeedbackQuestion, answer: FeedbackAnswer): ChatState {
  return withFeedback(state, (f) => (f.step === 'asking' ? { ...f, answers: { ...f.answers, [question]: answer } } : f))
}

/** Send, skip, or the answer of the API: one step, never back to asking. */
export function feedbackStep(state: ChatState, step: 'sending' | 'sent' | 'skipped' | 'failed'): ChatState {
  const from: Record<typeof step, Feedback['step']> = { sending: 'asking', skipped: 'asking', sent: 'sending', failed: 'sending' }
  return withFeedback(state, (f) => (f.step === from[step] ? { ...f, step } : f))
}
