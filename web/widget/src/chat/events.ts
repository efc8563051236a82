// The conversation's stream, pure: each event of the session's stream
// (sse.ts) makes a new state (state.ts). Entries arrive in seq order, may
// come twice (a replay after a reconnect) and echo the visitor's own
// messages, which are matched to what is still pending, never shown twice.
import { applySignals, signalUpdate, typingDone } from './signals'
import {
  byPosition,
  ended,
  POLITE,
  sessionScreen,
  withEntry,
  type Advisor,
  type ChatState,
  type Conversation,
  type Entry,
  type Focus,
  type Note,
  type StreamEvent,
} from './state'

function hasSeq(c: Conversation, seq: number | null): boolean {
  return seq !== null && c.entries.some((e) => e.seq === seq)
}

function withNote(c: Conversation, seq: number | null, note: Note, at: Date | null): Conversation {
  if (c.entries.some((e) => e.seq === seq)) return c
  return withEntry(c, { key: `seq-${seq}`, seq, kind: 'note', sender: 'system', text: '', note, at })
}

/** The stream echoes the visitor's own messages: match them to what is pending, never show twice. */
function reconcileOwn(c: Conversation, seq: number | null, text: string, at: Date | null, messageId: string | null): Conversation {
  if (hasSeq(c, seq)) return c
  const pending =
    (messageId ? c.entries.find((e) => e.key === messageId) : undefined) ??
    c.entries.find((e) => e.sender === 'visitor' && e.kind === 'text' && e.seq === null && e.text === text)
  if (pending) {
    const done: Entry = { ...pending, seq, at: at ?? pending.at, status: 'sent' }
    return {
      ...c,
      entries: c.entries.map((e) => (e === pending ? done : e)).sort(byPosition),
      outbox: c.outbox.filter((key) => key !== pending.key),
    }
  }
  return withEntry(c, { key: `seq-${seq}`, seq, kind: 'text', sender: 'visitor', text, at, status: 'sent' })
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null)

/** One event of the conversation's stream. */
export function applyEvent(state: ChatState, event: StreamEvent): ChatState {
  const c = state.conversation
  if (!c) return state
  const d = event.data
  const at = typeof d.at === 'string' ? new Date(d.at) : null
  const seq = typeof d.seq === 'number' ? d.seq : event.id
  const talking = c.entries.some((e) => e.kind === 'text')
  const next = (conversation: Conversation, screen = state.screen, focus: Focus | null = null): ChatState => ({
    ...state,
    conversation,
    screen,
    focus,
  })
  switch (event.type) {
    case 'queue': {
      const estimate = typeof d.estimatedWaitMinutes === 'number' ? d.estimatedWaitMinutes : null
      return next({ ...c, queue: { position: Number(d.position) || 1, estimatedWaitMinutes: estimate } })
    }
    case 'queued': {
      const waiting = c.phase !== 'ended' && !c.advisor ? { ...c, phase: 'waiting' as const } : c
      const move = state.screen !== 'waiting' && !c.advisor && !talking
      return move ? next(waiting, sessionScreen(waiting), POLITE) : next(waiting)
    }
    case 'assigned': {
      const advisor: Advisor = {
        name: str(d.advisorName),
        org: str(d.orgName) ?? 'Veilig Thuis',
        fallback: d.fallback === true,
        regionName: str(d.regionName),
      }
      const active: Conversation = { ...c, advisor, phase: 'active', queue: null }
      return state.screen !== 'chat' ? next(active, sessionScreen(active), { to: 'composer', polite: true }) : next(active)
    }
    case 'message': {
      let after = c
      if (d.sender !== 'advisor') {
        after = reconcileOwn(c, seq, str(d.text) ?? '', at, str(d.messageId))
      } else if (!c.entries.some((e) => e.seq === seq)) {
        const name = str(d.advisorName) ?? c.advisor?.name ?? undefined
        after = withEntry(c, { key: `seq-${seq}`, seq, kind: 'text', sender: 'advisor', text: str(d.text) ?? '', name, at })
        after = { ...after, signals: typingDone(after.signals) }
        if (!state.open) after = { ...after, unread: after.unread + 1 }
      }
      const move = state.screen !== 'chat' && c.phase !== 'ended'
      return move ? next(after, sessionScreen(after), POLITE) : next(after)
    }
    case 'after_hours':
      return next({ ...c, afterHours: true })
    case 'advisor_lost': {
      const name = str(d.advisorName) ?? c.advisor?.name ?? null
      return next(withNote({ ...c, advisor: null, phase: 'waiting' }, seq, { type: 'advisorLost', name }, at))
    }
    case 'reassigned':
      // Like advisor_lost, told calmly: the visitor waits first in line again.
      return next(withNote({ ...c, advisor: null, phase: 'waiting' }, seq, { type: 'reassigned' }, at))
    case 'transferred': {
      // A colleague continues (advisorName), or another organisation's queue does.
      const org = str(d.orgName) ?? 'Veilig Thuis'
      const colleague = str(d.advisorName)
      const moved: Conversation = colleague
        ? { ...c, advisor: { name: colleague, org, fallback: false, regionName: null } }
        : { ...c, advisor: null, phase: 'waiting' }
      return next(withNote(moved, seq, { type: 'transferred', advisor: colleague, org }, at))
    }
    case 'ended':
      return ended(state, d.endedBy === 'advisor' || d.endedBy === 'visitor' ? d.endedBy : 'system')
    case 'resumed':
      return next(withNote(c, seq, { type: 'resumed' }, at))
    case 'language_unmatched':
      return next(withNote(c, seq, { type: 'languageUnmatched' }, at))
    case 'revoked':
      return ended(state, 'elsewhere')
    case 'signals': {
      const update = signalUpdate(d)
      const signals = update ? applySignals(c.signals, update) : c.signals
      return signals === c.signals ? state : next({ ...c, signals })
    }
    default:
      return state
  }
}
