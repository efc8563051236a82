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

const intakePause = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

/**
 * How long to wait before sending a failed intake again, or null to give up:
 * twice at most, and only for a failure that passes within seconds (a full
 * queue asks for minutes: the visitor is told, and the phone number shown).
 */
export function retryWait(error: ApiError, retried: number): number | null {
  if (!error.transient || retried >= 2) return null
  const asked = error.retryAfterSeconds
  if (asked !== null && asked > 5) return null
  return asked !== null ? asked * 1000 : 1000 * 2 ** retried
}

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
   * puzzle: solved and sent again, at most three times in all. A passing
   * failure (no answer, a 5xx soon over) is sent again with the same puzzle:
   * the functions answer with the chat it may already have started, so a
   * lost answer never makes a second chat (vtchat.intake.ids_for).
   */
  async intake(body: IntakeBody, proof: Promise<string>, onHarder?: () => void, pause = intakePause): Promise<SessionGrant> {
    let answer = await proof
    for (let attempt = 1, retried = 0; ; attempt++) {
      try {
        return await this.call('POST', 'intake', { body: { ...body, proof: answer } })
      } catch (error) {
        const wait = error instanceof ApiError ? retryWait(error, retried) : null
        if (wait !== null) {
          retried++
          await pause(wait)
          continue
        }
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
