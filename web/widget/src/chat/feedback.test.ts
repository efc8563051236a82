// The word afterwards in the pure state (state.ts): asked once a chat ends,
// never after a takeover elsewhere, answers kept, one step at a time.
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

const running = (): S.ChatState => S.started({ ...S.initialState, open: true }, grant, false)
const feedback = (state: S.ChatState): S.Feedback | undefined => state.conversation?.feedback

describe('the word afterwards', () => {
  it('is asked when the chat ends, not while it runs', () => {
    const chat = running()
    expect(feedback(chat)?.step).toBe('none')
    expect(feedback(S.feedbackAnswered(chat, 'helpful', 'yes'))?.answers).toEqual({})
    const ended = applyEvent(chat, { id: 5, type: 'ended', data: { endedBy: 'advisor' } })
    expect(feedback(ended)).toEqual({ step: 'asking', answers: {} })
    // The token leaves the state; session.ts keeps it for this one call.
    expect(ended.conversation?.grant.token).toBe('')
  })

  it('is not asked in a tab whose chat was taken over elsewhere', () => {
    const taken = S.gone(running(), 'token_revoked')
    expect(feedback(taken)?.step).toBe('none')
    expect(feedback(S.feedbackStep(taken, 'sending'))?.step).toBe('none')
  })

  it('keeps the answers, then goes one way: sent, failed or skipped', () => {
    let state = S.ended(running(), 'visitor')
    state = S.feedbackAnswered(state, 'helpful', 'partly')
    state = S.feedbackAnswered(state, 'again', 'no')
    state = S.feedbackAnswered(state, 'helpful', 'yes')
    expect(feedback(state)?.answers).toEqual({ helpful: 'yes', again: 'no' })
    const sending = S.feedbackStep(state, 'sending')
    expect(feedback(S.feedbackAnswered(sending, 'nextStep', 'no'))?.answers).toEqual({ helpful: 'yes', again: 'no' })
    expect(feedback(S.feedbackStep(sending, 'skipped'))?.step).toBe('sending')
    const sent = S.feedbackStep(sending, 'sent')
    expect(feedback(sent)?.step).toBe('sent')
    expect(feedback(S.feedbackStep(sent, 'sending'))?.step).toBe('sent')
    expect(feedback(S.feedbackStep(state, 'skipped'))?.step).toBe('skipped')
  })

  it('is not asked again when the end is told twice', () => {
    const skipped = S.feedbackStep(S.ended(running(), 'visitor'), 'skipped')
    const again = applyEvent(skipped, { id: 9, type: 'ended', data: { endedBy: 'visitor' } })
    expect(feedback(again)?.step).toBe('skipped')
  })
})
