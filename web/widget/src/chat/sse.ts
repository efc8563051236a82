// The visitor's event stream, read with fetch() because EventSource cannot
// send the Authorization header. Reconnects with Last-Event-ID after a drop
// or when the server closes the stream, waiting what `retry:` asks.

export interface StreamEvent {
  id: number | null
  type: string
  data: Record<string, unknown>
}

export interface StreamHandlers {
  onEvent(event: StreamEvent): void
  /** The connection is (re)established or lost; for a calm "no connection" note. */
  onConnection(connected: boolean): void
  /** The server has nothing more for this session (204, 401, 403, 404); `code` from a 401's body. */
  onGone(status: number, code: string | null): void
}

const MAX_BACKOFF_MS = 15_000

export class EventStream {
  private controller: AbortController | null = null
  private stopped = false
  private retryMs = 2_000
  private failures = 0
  private skipWait = false
  private goneCode: string | null = null
  lastEventId: number | null = null

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly handlers: StreamHandlers,
  ) {}

  start(): void {
    void this.loop()
  }

  stop(): void {
    this.stopped = true
    this.controller?.abort()
    this.controller = null
  }

  /** Drop the current connection and open a new one now (e.g. back online). */
  reconnect(): void {
    if (this.stopped) return
    this.skipWait = true
    this.controller?.abort()
  }

  /** After `ended`: no reconnect. */
  finish(): void {
    this.stop()
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const status = await this.connectOnce()
      if (this.stopped) return
      if (status === 204 || status === 401 || status === 403 || status === 404) {
        this.stopped = true
        this.handlers.onGone(status, this.goneCode)
        return
      }
      const wait = status === 200 ? this.retryMs : Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** this.failures)
      if (this.skipWait) this.skipWait = false
      else await new Promise((resolve) => setTimeout(resolve, wait))
    }
  }

  /** One connection; returns the HTTP status (0 for a network error). */
  private async connectOnce(): Promise<number> {
    // No stream address from the server: nothing to follow (never guess one).
    if (!/^https?:\/\//.test(this.url)) return 404
    this.controller = new AbortController()
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, Accept: 'text/event-stream' }
    if (this.lastEventId !== null) headers['Last-Event-ID'] = String(this.lastEventId)
    let response: Response
    try {
      response = await fetch(this.url, {
        headers,
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
        signal: this.controller.signal,
      })
    } catch {
      if (this.skipWait || this.stopped) return 0
      this.failures += 1
      this.handlers.onConnection(false)
      return 0
    }
    if (response.status === 401) {
      // token_revoked: the chat was resumed elsewhere, which the visitor must be told.
      const body = (await response.json().catch(() => null)) as { error?: { code?: unknown } } | null
      this.goneCode = typeof body?.error?.code === 'string' ? body.error.code : null
    }
    if (response.status !== 200 || !response.body) {
      if (response.status >= 500 || response.status === 429) {
        this.failures += 1
        this.handlers.onConnection(false)
        return response.status
      }
      return response.status
    }
    this.failures = 0
    this.handlers.onConnection(true)
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        buffer += value
        buffer = buffer.replace(/\r\n?/g, '\n')
        let cut: number
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut)
          buffer = buffer.slice(cut + 2)
          this.dispatch(block)
          if (this.stopped) return 200
        }
      }
    } catch {
      if (this.stopped || this.skipWait) return 200
      this.failures += 1
      this.handlers.onConnection(false)
      return 0
    }
    return 200
  }

  private dispatch(block: string): void {
    let type = 'message'
    let id: number | null = null
    const data: string[] = []
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'event') type = value
      else if (field === 'data') data.push(value)
      else if (field === 'id' && /^\d+$/.test(value)) id = Number(value)
      else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Math.min(Number(value), MAX_BACKOFF_MS)
    }
    if (id !== null) this.lastEventId = id
    if (data.length === 0) return
    let parsed: Record<string, unknown>
    try {
      parsed = JSON.parse(data.join('\n')) as Record<string, unknown>
    } catch {
      return
    }
    this.handlers.onEvent({ id, type, data: parsed })
  }
}
