// The functions' HTTP API with the signed-in staff member's ID token.
import type { Auth } from 'firebase/auth'
import { ApiError, apiErrorFrom } from '../../shared/api-error'

export { ApiError }

export class Api {
  constructor(
    private readonly base: string,
    private readonly auth: Auth,
  ) {}

  async call<T = Record<string, unknown>>(name: string, body?: unknown, method = 'POST'): Promise<T> {
    const headers: Record<string, string> = {}
    const user = this.auth.currentUser
    if (user) headers.Authorization = `Bearer ${await user.getIdToken()}`
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const res = await fetch(`${this.base}/${name}`, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      cache: 'no-store',
    })
    const text = await res.text()
    let parsed: unknown
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {
      parsed = null
    }
    if (!res.ok) throw apiErrorFrom(res.status, res.statusText, parsed, res.headers.get('Retry-After'))
    return parsed as T
  }

  get<T>(name: string): Promise<T> {
    return this.call<T>(name, undefined, 'GET')
  }
}
