// The one typed call over fetch that both front ends make to the functions'
// HTTP API. Its types come from the generated web/shared/api/types.ts (from
// docs/openapi.json, `make api-types`), so a misspelt endpoint, a wrong body
// or a wrong reading of an answer fails `tsc`. No cookies, no referrer, no
// cache: nothing of a chat is kept by the browser or sent to another site.
// It stays tiny: the widget's opened chat has a weight budget (make bench).

import { ApiError, apiErrorFrom } from '../api-error'
import type { components, paths } from './types'

export type Schemas = components['schemas']

/** An endpoint's name: "intake" for /api/intake. */
export type Endpoint = keyof paths extends infer P ? (P extends `/api/${infer N}` ? N : never) : never
export type Method = 'GET' | 'POST'
type Operation<N extends Endpoint, M extends Method> = NonNullable<paths[`/api/${N}`][Lowercase<M>]>

/**
 * A request as it may be sent: every field the server may receive as null has
 * a default there (the models give each nullable field one), so it may be left out.
 */
export type Loose<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T as null extends T[K] ? K : never]?: Loose<T[K]> } & {
        [K in keyof T as null extends T[K] ? never : K]: Loose<T[K]>
      }
    : T

export type RequestOf<N extends Endpoint, M extends Method = 'POST'> =
  Operation<N, M> extends { requestBody: { content: { 'application/json': infer B } } } ? Loose<B> : never

type Success = 200 | 201 | 202
/** The JSON of an endpoint's successful answer. */
export type ResponseOf<N extends Endpoint, M extends Method = 'POST'> =
  Operation<N, M> extends { responses: infer R }
    ? { [S in keyof R & Success]: R[S] extends { content: { 'application/json': infer J } } ? J : never }[keyof R & Success]
    : never

type QueryOf<N extends Endpoint, M extends Method> =
  Operation<N, M> extends { parameters: { query?: infer Q } } ? Q : never

export interface CallOptions<N extends Endpoint, M extends Method> {
  body?: RequestOf<N, M>
  query?: QueryOf<N, M>
  /** A bearer token: the visitor's session token or the staff member's ID token. */
  token?: string | null
  /** For the last call as the page goes away (a leave on pagehide). */
  keepalive?: boolean
  /** The console's App Check token, where App Check runs (never the widget's: it has none). */
  appCheck?: string | null
}

/**
 * Call `${base}/${name}`: the typed JSON of a 2xx answer, else the ApiError
 * (status 0 and code "network" when no answer came at all).
 */
export async function call<M extends Method, N extends Endpoint>(
  base: string,
  method: M,
  name: N,
  options: CallOptions<N, M> = {},
): Promise<ResponseOf<N, M>> {
  const { body, query, token, keepalive, appCheck } = options
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (token) headers.Authorization = `Bearer ${token}`
  if (appCheck) headers['X-Firebase-AppCheck'] = appCheck
  const pairs = Object.entries(query ?? {}).filter((e): e is [string, string] => e[1] != null)
  const search = pairs.length ? `?${new URLSearchParams(pairs)}` : ''
  let response: Response
  try {
    response = await fetch(`${base}/${name}${search}`, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      keepalive: keepalive ?? false,
    })
  } catch {
    throw new ApiError(0, 'network', 'network')
  }
  let data: unknown = null
  try {
    data = await response.json()
  } catch {
    // An empty or non-JSON body (a proxy's error page): no data.
  }
  // No statusText as message: the widget shows a non-empty message to Dutch
  // visitors as is, and an English "Bad Gateway" is not one to show.
  if (!response.ok) throw apiErrorFrom(response.status, '', data, response.headers.get('Retry-After'))
  return data as ResponseOf<N, M>
}
