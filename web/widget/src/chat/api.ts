// The functions' HTTP API as the visitor's widget uses it. No cookies, no
// referrer, no caching of anything that belongs to a chat.

import { ApiError, apiErrorFrom } from '../../../shared/api-error'
import { type Challenge, refusalPuzzle, solve } from './proof'

export { ApiError }

export interface RegionRef {
  id: string
  name: string
}

export interface SessionGrant {
  sessionId: string
  token: string
  expiresAt: string
  region: RegionRef
  resumeCode: string
  /** The stream function's own URL: Hosting would buffer the stream (docs/platform.md). */
  streamUrl: string | null
  state?: 'waiting' | 'active' | 'ended'
}

export interface IntakeBody {
  nickname: string
  age: number
  gender: 'woman' | 'man' | 'other' | 'unspecified'
  postcode?: string
  region?: string
  answers?: { about?: string; firstContact?: string }
  inDanger?: boolean
}

export interface Referral {
  name: string
  description: string
  url: string | null
  phone: string | null
}

export interface RegionInfo {
  id: string
  name: string
  shortName: string
  referrals: Referral[]
}

export interface MessageAccepted {
  messageId: string
  seq: number
  createdAt: string | null
  duplicate: boolean
}

export class Api {
  constructor(private readonly base: string) {}

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; token?: string; headers?: Record<string, string>; keepalive?: boolean } = {},
  ): Promise<{ status: number; data: T }> {
    const headers: Record<string, string> = { ...options.headers }
    if (options.body !== undefined) headers['Content-Type'] = 'application/json'
    if (options.token) headers.Authorization = `Bearer ${options.token}`
    let response: Response
    try {
      response = await fetch(`${this.base}/${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
        keepalive: options.keepalive ?? false,
      })
    } catch {
      throw new ApiError(0, 'network', 'network')
    }
    let data: unknown
    try {
      data = await response.json()
    } catch {
      data = null
    }
    if (!response.ok) {
      throw apiErrorFrom(response.status, '', data, response.headers.get('Retry-After'))
    }
    return { status: response.status, data: data as T }
  }

  async regions(): Promise<RegionInfo[]> {
    const { data } = await this.call<{ regions: RegionInfo[] }>('GET', 'regions')
    return data.regions
  }

  /** A proof-of-work puzzle for the next intake (chat/proof.ts solves it). */
  async challenge(): Promise<Challenge> {
    return (await this.call<Challenge>('GET', 'challenge')).data
  }

  /**
   * Start the chat with a solved puzzle. A refusal carries a fresh (harder)
   * puzzle: solved and sent again, at most three times in all.
   */
  async intake(body: IntakeBody, proof: Promise<string>, onHarder?: () => void): Promise<SessionGrant> {
    let answer = await proof
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.call<SessionGrant>('POST', 'intake', { body: { ...body, proof: answer } })).data
      } catch (error) {
        const puzzle = error instanceof ApiError ? refusalPuzzle(error.code, error.details) : null
        if (!puzzle || attempt >= 3) throw error
        onHarder?.()
        answer = await solve(puzzle)
      }
    }
  }

  async resume(resumeCode: string): Promise<SessionGrant> {
    return (await this.call<SessionGrant>('POST', 'resume', { body: { resumeCode } })).data
  }

  async send(token: string, sessionId: string, messageId: string, text: string): Promise<MessageAccepted> {
    return (await this.call<MessageAccepted>('POST', 'messages', { token, body: { sessionId, messageId, text } })).data
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
