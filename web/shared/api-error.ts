// The functions' error answer, one class for both front ends. Every error the
// API returns has the body {"error": {code, message, fields?, details?}}
// (functions/vtchat/http.py); `message` is Dutch and shown to people as is.

export interface ApiErrorBody {
  code: string
  message: string
  fields?: Record<string, string>
  details?: Record<string, unknown>
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
    readonly details: Record<string, unknown> = {},
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message)
  }

  /** Worth trying again with the same request (network trouble, a busy instance). */
  get transient(): boolean {
    return this.status === 0 || this.status === 408 || this.status >= 500
  }
}

/**
 * The ApiError for a non-2xx answer: `data` is the parsed body (or null), the
 * wait from Retry-After or else from details.retryAfterSeconds.
 */
export function apiErrorFrom(status: number, statusText: string, data: unknown, retryAfter: string | null): ApiError {
  const body = (data as { error?: ApiErrorBody } | null)?.error
  const retryHeader = Number(retryAfter)
  const retryDetail = Number(body?.details?.retryAfterSeconds)
  const retry = Number.isFinite(retryHeader) && retryHeader > 0 ? retryHeader : Number.isFinite(retryDetail) ? retryDetail : null
  return new ApiError(
    status,
    body?.code ?? `http_${status}`,
    body?.message ?? statusText,
    body?.fields ?? {},
    body?.details ?? {},
    retry,
  )
}
