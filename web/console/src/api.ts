// The functions' HTTP API with the signed-in staff member's ID token.
import type { Auth } from 'firebase/auth'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message)
  }
}

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
    if (!res.ok) {
      const err = (parsed as { error?: { code?: string; message?: string; fields?: Record<string, string> } } | null)?.error
      throw new ApiError(res.status, err?.code ?? 'http_' + res.status, err?.message ?? res.statusText, err?.fields ?? {})
    }
    return parsed as T
  }

  get<T>(name: string): Promise<T> {
    return this.call<T>(name, undefined, 'GET')
  }
}
