import { describe, expect, it } from 'vitest'
import type { SessionGrant } from './api'
import { applyEvent } from './events'
import * as S from './state'

const grant: SessionGrant = {
  sessionId: 's1',
  token: 'secret-token',
  expiresAt: '2026-12-02T18:00:00Z',
  region: { id: 'utrecht', name: 'Utrecht' },
  resumeCode: 'ABCD-EFGH-JKMN',
  streamUrl: 'https://stream.example/stream',
}

function ev(type: string, data: Record<string, unknown> = {}, id: number | null = null): S.StreamEvent {
  return { id, type, data }
}

/** An open panel with a fresh conversation in the queue. */
function waiting(open = true): S.ChatState {
  return S.started({ ...S.initialState, open }, grant, false)
}

function run(state: S.ChatState, ...events: S.StreamEvent[]): S.ChatState {
  return events.reduce(applyEvent, state)
}

describe('screens before a chat', () => {
  it('opens on the rules, or on "closed" when the site’s region is closed', () => {
    expect(S.opened(S.initialState, null).screen).toBe('rules')
    const closed = { regionName: 'Utrecht', opensAt: null, hours: ['ma 9-17'] }
    const state = S.opened(S.initialState, closed)
    expect(state.screen).toBe('closed')
    expect(state.closed).toEqual(closed)
  })

  it('follows the status that arrives after opening, only on the rules or closed screen', () => {
    const closed = { regionName: 'Utrecht', opensAt: null, hours: [] }
    const rules = S.opened(S.initialState, null)
    expect(S.statusKnown(rules, closed).screen).toBe('closed')
    const intake = S.go(rules, 'intake')
    expect(S.statusKnown(intake, closed)).toBe(intake)
  })

  it('remembers where the resume screen was opened from', () => {
    const state = S.go(S.go(S.opened(S.initialState, null), 'closed'), 'resume')
    expect(state.resumeOrigin).toBe('closed')
    expect(state.focus).toEqual({ to: 'heading', polite: false })
  })
})

describe('the queue and the advisor', () => {
  it('starts in the queue and shows the place', () => {
    const state = run(waiting(), ev('queue', { position: 3, estimatedWaitMinutes: 6 }))
    expect(state.screen).toBe('waiting')
    expect(state.conversation?.queue).toEqual({ position: 3, estimatedWaitMinutes: 6 })
  })

  it('moves to the chat with the focus in the composer when an advisor is assigned, politely', () => {
    const state = run(waiting(), ev('assigned', { advisorName: 'Anna', orgName: 'VT Utrecht' }))
    expect(state.screen).toBe('chat')
    expect(state.focus).toEqual({ to: 'composer', polite: true })
    expect(state.conversation?.advisor).toMatchObject({ name: 'Anna', org: 'VT Utrecht', fallback: false })
    expect(state.conversation?.phase).toBe('active')
  })

  it('a colleague taking over keeps the chat; another organisation puts it back in the queue', () => {
    const chatting = run(waiting(), ev('assigned', { advisorName: 'Anna' }))
    const colleague = run(chatting, ev('transferred', { advisorName: 'Bram', orgName: 'VT', seq: 4 }))
    expect(colleague.screen).toBe('chat')
    expect(colleague.conversation?.advisor?.name).toBe('Bram')
    expect(colleague.conversation?.entries.at(-1)?.note).toEqual({ type: 'transferred', advisor: 'Bram', org: 'VT' })
    const org = run(chatting, ev('transferred', { orgName: 'VT Haaglanden', seq: 4 }))
    expect(org.conversation?.advisor).toBeNull()
    expect(org.conversation?.phase).toBe('waiting')
  })

  it('notes a lost advisor once, however often the event comes', () => {
    const chatting = run(waiting(), ev('assigned', { advisorName: 'Anna' }))
    const lost = ev('advisor_lost', { seq: 5 })
    const state = run(chatting, lost, lost)
    expect(state.conversation?.entries.filter((e) => e.note)).toHaveLength(1)
    expect(state.conversation?.entries[0]?.note).toEqual({ type: 'advisorLost', name: 'Anna' })
  })

  it('notes once that nobody speaking the visitor’s language was free, and keeps waiting', () => {
    const told = ev('language_unmatched', { seq: 2 }, 2)
    const state = run(waiting(), told, told)
    expect(state.conversation?.entries.filter((e) => e.note)).toEqual([
      expect.objectContaining({ seq: 2, note: { type: 'languageUnmatched' } }),
    ])
    expect(state.conversation?.phase).toBe('waiting')
  })
})

describe('messages', () => {
  it('shows an advisor message once, in sequence order, and counts it unread while minimised', () => {
    const closed = run(waiting(false), ev('message', { sender: 'advisor', text: 'twee', seq: 2 }))
    const state = run(closed, ev('message', { sender: 'advisor', text: 'een', seq: 1 }), ev('message', { sender: 'advisor', text: 'twee', seq: 2 }))
    expect(state.conversation?.entries.map((e) => e.text)).toEqual(['een', 'twee'])
    expect(state.conversation?.unread).toBe(2)
    expect(S.opened(state, null).conversation?.unread).toBe(0)
  })

  it('matches the stream’s echo of the visitor’s own message to the pending one: never twice', () => {
    const sending = S.queued(waiting(), 'm-1', 'hallo', new Date(0))
    expect(sending.conversation?.outbox).toEqual(['m-1'])
    const echoed = run(sending, ev('message', { sender: 'visitor', text: 'hallo', seq: 7, messageId: 'm-1' }))
    expect(echoed.conversation?.entries).toHaveLength(1)
    expect(echoed.conversation?.entries[0]).toMatchObject({ key: 'm-1', seq: 7, status: 'sent' })
    expect(echoed.conversation?.outbox).toEqual([])
    // The API's answer after its echo changes nothing more.
    const answered = S.accepted(echoed, 'm-1', 7, null)
    expect(answered.conversation?.entries).toHaveLength(1)
  })

  it('drops an echo that arrived without its id once the API answers with its sequence number', () => {
    const sending = S.queued(waiting(), 'm-1', 'hallo', new Date(0))
    // Another pending message with the same text is matched by text: make the echo unmatchable.
    const other = run(S.queued(sending, 'm-2', 'x', new Date(0)), ev('message', { sender: 'visitor', text: 'anders', seq: 9 }))
    expect(other.conversation?.entries).toHaveLength(3)
    const answered = S.accepted(other, 'm-1', 9, '2026-12-02T12:00:00Z')
    expect(answered.conversation?.entries.map((e) => e.key)).toEqual(['m-1', 'm-2'])
    expect(answered.conversation?.entries[0]?.status).toBe('sent')
  })

  it('marks a refused message failed with the reason, and clears "too fast" once one gets through', () => {
    const limited = S.rateLimited(S.queued(waiting(), 'm-1', 'hallo', new Date(0)), true)
    expect(limited.conversation?.rateLimited).toBe(true)
    const refused = S.failed(limited, 'm-1', { code: 'chat_ended', message: '' })
    expect(refused.conversation?.entries[0]).toMatchObject({ status: 'failed', error: { code: 'chat_ended' } })
    expect(refused.conversation?.outbox).toEqual([])
    const ok = S.accepted(S.queued(limited, 'm-2', 'nog eens', new Date(0)), 'm-2', 3, null)
    expect(ok.conversation?.rateLimited).toBe(false)
  })

  it('sends nothing into an ended chat', () => {
    const over = run(waiting(), ev('ended', { endedBy: 'advisor' }))
    expect(S.queued(over, 'm-1', 'hallo', new Date(0))).toBe(over)
  })
})

describe('the end', () => {
  it('forgets the token and the resume code when the chat ends', () => {
    const state = run(waiting(), ev('ended', { endedBy: 'advisor' }))
    expect(state.screen).toBe('ended')
    expect(state.conversation?.endedBy).toBe('advisor')
    expect(state.conversation?.grant.token).toBe('')
    expect(state.conversation?.grant.resumeCode).toBe('')
  })

  it('says "closed here" when the chat was resumed elsewhere (revoked event, or the stream’s 401)', () => {
    expect(run(waiting(), ev('revoked')).conversation?.endedBy).toBe('elsewhere')
    expect(S.gone(waiting(), 'token_revoked').conversation?.endedBy).toBe('elsewhere')
    expect(S.gone(waiting(), null).conversation?.endedBy).toBe('system')
  })

  it('an end while minimised shows on the launcher and waits for the visitor to open', () => {
    const state = run(waiting(false), ev('ended', { endedBy: 'system' }))
    expect(state.conversation?.unread).toBe(1)
    expect(state.focus).toBeNull()
  })

  it('after the end, nothing of the chat is kept', () => {
    const over = run(waiting(), ev('ended', { endedBy: 'visitor' }))
    expect(S.forgotten(over, 'rules')).toMatchObject({ conversation: null, screen: 'rules' })
    expect(S.forgotten(over, null)).toMatchObject({ conversation: null, open: false })
  })

  it('a lost connection is shown only during a running chat', () => {
    expect(S.connection(S.initialState, false).offline).toBe(false)
    expect(S.connection(waiting(), false).offline).toBe(true)
    expect(run(S.connection(waiting(), false), ev('ended', {})).offline).toBe(false)
  })
})
