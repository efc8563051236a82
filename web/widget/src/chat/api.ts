// The functions' HTTP API as the visitor's widget uses it, over the shared
// typed call (web/shared/api/client.ts: no cookies, no referrer, no caching).

import { ApiError } from '../../../shared/api-error'
import { call, type CallOptions, type Endpoint, type Method, type RequestOf, type ResponseOf, type Schemas } from '../../../shared/api/client'
import { type Challenge, refusalPuzzle, solve } from './proof'

export { ApiError }

// The API's shapes, from the generated web/shared/api/types.ts (make api-types).
export type RegionRef = Schemas['RegionRef']
/** The intake's or the resume's answer: the stream function's own URL in streamUrl (Hosting would buffer the stream, docs/platform.md). */
export type SessionGrant = ResponseOf<'intake'> & Partial<Pick<ResponseOf<'resume'>, 'state'>>
/** POST /api/intake's body (Api.intake adds the proof): a postcode or a region. */
export type IntakeBody = RequestOf<'intake'>
export type Referral = Schemas['ReferralOut']
export type RegionInfo = Schemas['RegionInfo']
export type MessageAccepted = ResponseOf<'messages'>
export type SignalBody = RequestOf<'signal'>
/** The word afterwards: fixed answers, each may be left out. */
export type FeedbackAnswers = Omit<RequestOf<'feedback'>, 'sessionId'>

export class Api {
  constructor(private readonly base: string) {}

  private call<M extends Method, N extends Endpoint>(method: M, name: N, options?: CallOptions<N, M>): Promise<ResponseOf<N, M>> {
    return call(this.base, method, name, options)
  }

  async regions(): Promise<RegionInfo[]> {
    return (await this.call('GET', 'regions')).regions
  }

  /** A proof-of-work puzzle for the next intake (chat/proof.ts solves it). */
  async challenge(): Promise<Challenge> {
    return this.call('GET', 'challenge')
  }

  /**
   * Start the chat with a solved puzzle. A refusal carries a fresh (harder)
   * puzzle: solved and sent again, at most three times in all.
   */
  async intake(body: IntakeBody, proof: Promise<string>, onHarder?: () => void): Promise<SessionGrant> {
    let answer = await proof
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.call('POST', 'intake', { body: { ...body, proof: answer } })
      } catch (error) {
        const puzzle = error instanceof ApiError ? refusalPuzzle(error.code, error.details) : null
        if (!puzzle || attempt >= 3) throw error
        onHarder?.()
        answer = await solve(puzzle)
      }
    }
  }

  async resume(resumeCode: string): Promise<SessionGrant> {
    return this.call('POST', 'resume', { body: { resumeCode } })
  }

  async send(token: string, sessionId: string, messageId: string, text: string): Promise<MessageAccepted> {
    return this.call('POST', 'messages', { token, body: { sessionId, messageId, text } })
  }

  /** Typing, received, paused (never any text); `written` false when the server stored nothing. */
  async signal(token: string, body: SignalBody): Promise<boolean> {
    return (await this.call('POST', 'signal', { token, body })).written
  }

  /** Count the word afterwards once; `duplicate` when this chat's was counted before. */
  async feedback(token: string, sessionId: string, answers: FeedbackAnswers): Promise<boolean> {
    return (await this.call('POST', 'feedback', { token, body: { sessionId, ...answers } })).duplicate
  }

  async leave(token: string, sessionId: string, keepalive = false): Promise<void> {
    await this.call('POST', 'leave', { token, body: { sessionId }, keepalive })
  }
}

/** A version 4 UUID, also outside secure contexts. */
export function uuid4(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
