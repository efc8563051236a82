// What the visitor's widget tells the server besides messages: typing,
// received, paused (`POST /api/signal`, never any text). One request in
// flight at a time; what comes meanwhile is merged into the next one, so a
// 429 or a lost connection is retried later with the latest state, not with
// a queue of old ones. The rules (how often, what is stale) are pure, in
// signals.ts.
import { ApiError, type Api, type SessionGrant } from './api'
import { merged, RECEIVED_DEBOUNCE_MS, typingDue, worthSending, type Outgoing } from './signals'

const MAX_BACKOFF_MS = 15_000

export class Signaller {
  private pending: Outgoing = {}
  private sending = false
  private timer: ReturnType<typeof setTimeout> | null = null
  private dueAt = Infinity
  private failures = 0
  /** Nothing is sent before this (a 429's Retry-After, a backoff). */
  private quietUntil = 0
  private typingToldAt: number | null = null
  private typedAt = 0
  private receivedTold = 0
  private stopped = false

  constructor(
    private readonly api: Api,
    private readonly grant: SessionGrant,
  ) {}

  /** A keystroke in the message box: told at once, then at most once per 5 s; never "stopped" (see web/README.md). */
  typing(now = Date.now()): void {
    this.typedAt = now
    if (!typingDue(this.typingToldAt, now)) return
    this.typingToldAt = now
    this.add({ typing: true }, 0)
  }

  /** The advisor's messages up to `seq` reached this widget: told when it grows, gathered for a second. */
  received(seq: number): void {
    if (seq <= this.receivedTold) return
    this.receivedTold = seq
    this.add({ receivedSeq: seq }, RECEIVED_DEBOUNCE_MS)
  }

  paused(on: boolean): void {
    this.add({ paused: on }, 0)
  }

  stop(): void {
    this.stopped = true
    this.pending = {}
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private add(change: Outgoing, delayMs: number): void {
    if (this.stopped) return
    this.pending = merged(this.pending, change)
    this.schedule(delayMs)
  }

  /** Flush in `delayMs` (not before `quietUntil`) unless a flush is due sooner already. */
  private schedule(delayMs: number): void {
    const now = Date.now()
    const at = Math.max(now + delayMs, this.quietUntil)
    if (this.timer && at >= this.dueAt) return
    if (this.timer) clearTimeout(this.timer)
    this.dueAt = at
    this.timer = setTimeout(() => {
      this.timer = null
      this.dueAt = Infinity
      void this.flush()
    }, at - now)
  }

  private async flush(): Promise<void> {
    if (this.sending || this.stopped) return
    const body = worthSending(this.pending, this.typedAt, Date.now())
    this.pending = {}
    if (!body) return
    this.sending = true
    let retryMs: number | null = null
    try {
      await this.api.signal(this.grant.token, { sessionId: this.grant.sessionId, ...body })
      this.failures = 0
    } catch (error) {
      // A signal is worth a retry only when the refusal is passing; anything
      // else (ended, wrong session) means nobody is listening any more.
      if (error instanceof ApiError && (error.code === 'rate_limited' || error.transient || error.code === 'contention')) {
        this.pending = merged(body, this.pending)
        retryMs =
          error.retryAfterSeconds != null
            ? 1000 * error.retryAfterSeconds
            : Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.failures++)
      }
    } finally {
      this.sending = false
    }
    if (retryMs !== null) {
      this.quietUntil = Date.now() + retryMs
      this.schedule(0)
    } else if (Object.keys(this.pending).length > 0) this.schedule(0)
  }
}
