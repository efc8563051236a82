// The functions' HTTP API with the signed-in staff member's ID token, over
// the shared typed call (web/shared/api/client.ts): a misspelt endpoint or a
// wrong body fails `tsc`, and the answers have the API's own types.
import type { Auth } from 'firebase/auth'
import { ApiError } from '../../shared/api-error'
import { call, type CallOptions, type Endpoint, type RequestOf, type ResponseOf } from '../../shared/api/client'

export { ApiError }

// The functions refuse the account itself: disabled (by a supervisor or
// `vtchat.admin revoke`) or its sessions revoked.
const ACCOUNT_REFUSED = new Set(['staff_disabled', 'staff_revoked'])

export class Api {
  /** Told when the functions refuse this account itself; the app signs out. */
  onRefused: ((err: ApiError) => void) | null = null

  /**
   * `appCheck` gives the page's App Check token (appcheck.ts), sent with every
   * call: where App Check is enforced the functions refuse a staff call
   * without one (vtchat.http.require_app_check). None on the emulators.
   */
  constructor(
    private readonly base: string,
    private readonly auth: Auth,
    private readonly appCheck: () => Promise<string | null> = async () => null,
  ) {}

  /** POST to an endpoint: its typed answer, or the ApiError. */
  async call<N extends Endpoint>(name: N, body: RequestOf<N>): Promise<ResponseOf<N>> {
    return this.watch(call(this.base, 'POST', name, { body, ...(await this.credentials()) }))
  }

  /** GET an endpoint, with its query parameters if it has any. */
  async get<N extends Endpoint>(name: N, query?: CallOptions<N, 'GET'>['query']): Promise<ResponseOf<N, 'GET'>> {
    return this.watch(call(this.base, 'GET', name, { query, ...(await this.credentials()) }))
  }

  private async watch<T>(answer: Promise<T>): Promise<T> {
    try {
      return await answer
    } catch (err) {
      if (err instanceof ApiError && ACCOUNT_REFUSED.has(err.code)) this.onRefused?.(err)
      throw err
    }
  }

  /** The ID token and the App Check token, fetched together (both usually cached). */
  private async credentials(): Promise<{ token: string | null; appCheck: string | null }> {
    const [token, appCheck] = await Promise.all([this.auth.currentUser?.getIdToken() ?? null, this.appCheck()])
    return { token: token ?? null, appCheck }
  }
}
