// The I/O of one conversation: its event stream, the visitor's messages on
// their way to the API, and leaving. Everything it learns goes into the store
// as a pure change (state.ts); it keeps no chat state of its own beyond the
// stream and the "one message in flight" flag.
import { Api, ApiError, uuid4, type SessionGrant } from './api'
import { Signaller } from './signaller'
import { paused, receivedSeq, typingStale, TYPING_SHOWN_MS } from './signals'
import { EventStream } from './sse'
import { applyEvent } from './events'
import * as S from './state'
import type { Store } from './store'

const MAX_BACKOFF_MS = 15_000

let wakeSleepers: (() => void)[] = []

/** A pause that ends early when the connection comes back. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      wakeSleepers = wakeSleepers.filter((w) => w !== done)
      resolve()
    }
    wakeSleepers.push(done)
  })
}

interface Run {
  grant: SessionGrant
  stream: EventStream
  sending: boolean
  signals: Signaller
  /** After the end: the token kept for the word afterwards only, until it is sent or skipped. */
  afterword?: string
}

export class Sessions {
  private run: Run | null = null
  private typingLapse: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly store: Store<S.ChatState>,
    private readonly api: Api,
  ) {
    // An ended conversation needs its stream and its token no more; a
    // forgotten one nothing at all.
    store.subscribe((next, previous) => {
      const run = this.run
      if (!run) return
      if (next.conversation === null && previous.conversation !== null) {
        run.signals.stop()
        this.run = null
      } else if (next.conversation?.phase === 'ended' && previous.conversation?.phase !== 'ended') {
        run.stream.finish()
        run.signals.stop()
        if (next.conversation.feedback.step === 'asking') run.afterword = run.grant.token
        run.grant = { ...run.grant, token: '', resumeCode: '' }
      } else if (next.conversation) this.signalsChanged(run, next.conversation, previous.conversation)
    })
  }

  /** Tell what reached this widget; let a "typing" without news go after a while. */
  private signalsChanged(run: Run, now: S.Conversation, was: S.Conversation | null): void {
    if (now.entries !== was?.entries) run.signals.received(receivedSeq(now.entries))
    const signals = now.signals
    if (signals === was?.signals) return
    clearTimeout(this.typingLapse)
    if (signals.typing) {
      this.typingLapse = setTimeout(() => this.store.update(typingStale, signals.version), TYPING_SHOWN_MS)
    }
  }

  start(grant: SessionGrant, inDanger: boolean): void {
    this.run?.stream.stop()
    this.run?.signals.stop()
    const store = this.store
    const run: Run = {
      grant,
      sending: false,
      signals: new Signaller(this.api, grant),
      // Never `${api}/stream`: that path is a Hosting rewrite, which buffers.
      stream: new EventStream(grant.streamUrl ?? '', grant.token, {
        onEvent: (event) => {
          if (this.run === run) store.update(applyEvent, event)
        },
        onConnection: (connected) => {
          if (this.run === run) store.update(S.connection, connected)
        },
        onGone: (_status, code) => {
          if (this.run === run) store.update(S.gone, code)
        },
      }),
    }
    this.run = run
    store.update(S.started, grant, inDanger)
    run.stream.start()
  }

  /** The connection came back: wake the waiting sends, reconnect the stream now. */
  online(): void {
    for (const wake of [...wakeSleepers]) wake()
    if (this.live()) this.run?.stream.reconnect()
  }

  send(text: string): void {
    const run = this.run
    if (!run || !this.live()) return
    this.store.update(S.queued, uuid4(), text, new Date())
    void this.pump(run)
  }

  /** The visitor is typing a message: the advisor may see that (never the text). */
  typing(): void {
    if (this.live() && this.store.state.conversation?.advisor) this.run?.signals.typing()
  }

  /** The discreet pause: cover the chat (or uncover it) and tell the advisor. */
  pause(on: boolean): void {
    const before = this.store.state.paused
    this.store.update(paused, on)
    if (this.store.state.paused !== before && this.live()) this.run?.signals.paused(on)
  }

  /** The visitor ends the chat. */
  leave(): void {
    const run = this.run
    if (!run || !this.store.state.conversation) return
    const { token, sessionId } = run.grant
    this.store.update(S.ended, 'visitor')
    this.api.leave(token, sessionId).catch(() => undefined)
  }

  /** Quick exit: stop everything and tell the server, even as the page goes. */
  drop(): void {
    const run = this.run
    this.run = null
    if (!run) return
    run.stream.stop()
    run.signals.stop()
    this.api.leave(run.grant.token, run.grant.sessionId, true).catch(() => undefined)
  }

  /** The word afterwards: sent once (the server counts a chat once), then its token goes too. */
  async feedback(): Promise<void> {
    const run = this.run
    const answers = this.store.state.conversation?.feedback.answers
    if (!run?.afterword || !answers || this.store.state.conversation?.feedback.step !== 'asking') return
    if (Object.keys(answers).length === 0) return this.skipFeedback() // nothing chosen: nothing to count
    const token = run.afterword
    this.store.update(S.feedbackStep, 'sending')
    for (let attempt = 0; ; attempt++) {
      try {
        await this.api.feedback(token, run.grant.sessionId, answers)
        break
      } catch (error) {
        // Too early: the visitor's own leave may still be on its way.
        const wait = ['contention', 'feedback_too_early'].includes(error instanceof ApiError ? error.code : '')
        const again = error instanceof ApiError && (error.transient || wait) && attempt < 3
        if (!again) {
          run.afterword = ''
          this.store.update(S.feedbackStep, 'failed')
          return
        }
        await sleep(500 * 2 ** attempt)
      }
    }
    run.afterword = ''
    this.store.update(S.feedbackStep, 'sent')
  }

  /** No word afterwards: nothing is sent, and the token is dropped. */
  skipFeedback(): void {
    if (this.run) this.run.afterword = ''
    this.store.update(S.feedbackStep, 'skipped')
  }

  private live(): boolean {
    const c = this.store.state.conversation
    return c !== null && c.phase !== 'ended'
  }

  /** One message in flight at a time, in order; each retried with its own id until stored. */
  private async pump(run: Run): Promise<void> {
    if (run.sending) return
    run.sending = true
    try {
      for (;;) {
        const key = this.store.state.conversation?.outbox[0]
        if (this.run !== run || key === undefined) return
        await this.deliver(run, key)
      }
    } finally {
      run.sending = false
    }
  }

  private async deliver(run: Run, key: string): Promise<void> {
    const entry = this.store.state.conversation?.entries.find((e) => e.key === key)
    if (!entry || entry.status === 'sent') {
      this.store.update(S.dequeued, key)
      return
    }
    for (let attempt = 0; ; ) {
      if (this.run !== run || !this.live()) return
      try {
        const answer = await this.api.send(run.grant.token, run.grant.sessionId, key, entry.text)
        this.store.update(S.accepted, key, answer.seq, answer.createdAt)
        if (navigator.onLine) this.store.update(S.connection, true)
        return
      } catch (error) {
        if (!(error instanceof ApiError)) throw error
        if (error.code === 'token_revoked') {
          this.store.update(S.ended, 'elsewhere')
          return
        }
        if (error.code === 'rate_limited') {
          this.store.update(S.rateLimited, true)
          await sleep(1000 * (error.retryAfterSeconds ?? 2))
          continue
        }
        if (error.transient || error.code === 'contention') {
          if (error.status === 0) this.store.update(S.connection, false)
          await sleep(Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt++))
          continue
        }
        this.store.update(S.failed, key, { code: error.code, message: error.fields.text ?? error.message })
        return
      }
    }
  }
}
