// One chat on screen: its label, presence, timeline, actions, and below them
// the composer or, after the end, the anonymous registration.
import { clear, h } from '../../../shared/dom'
import { regionName } from '../state/org'
import { READ_DEBOUNCE_MS, readSeqToSend, received, shownInFocus, visitorSignals } from '../state/signals'
import { EMPTY_TIMELINE, addMessages, type Timeline } from '../state/timeline'
import type { Message, Session } from '../types'
import { act, beep, confirmRow, stringsOf, type Ctx } from './common'
import { Composer } from './composer'
import { registrationForm, savedNote } from './registration'
import { openTransfer } from './transfer'

/** What a chat panel needs from the panels around it. */
export interface ChatCtx extends Ctx {
  lost(sessionId: string): void
  dismiss(sessionId: string): void
  markSaved(sessionId: string, saved: boolean): void
  unreadChanged(): void
}

const clock = (lang: string, at: number | null): string =>
  new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' }).format(at === null ? new Date() : new Date(at))

export class ChatView {
  private root: HTMLElement | null = null
  private parts: Record<'label' | 'unread' | 'presence' | 'typing' | 'paused' | 'alert' | 'note' | 'actions' | 'log' | 'footer', HTMLElement> | null = null
  private composer: Composer | null = null
  private timeline: Timeline = EMPTY_TIMELINE
  private draft = ''
  private number = 1
  private saved = false
  // Signals (state/signals.ts): the timer that hides "typt…", the read mark's
  // debounce and what it told, the advisor messages not yet marked received.
  private typingTimer = 0
  private readTimer = 0
  private readTold: number
  private unreceived = new Map<number, HTMLElement>()
  private readonly attention = () => this.scheduleRead()
  unread = 0

  constructor(
    private readonly ctx: ChatCtx,
    private session: Session,
  ) {
    this.readTold = session.advisorReadSeq
    window.addEventListener('focus', this.attention)
    document.addEventListener('visibilitychange', this.attention)
  }

  /** Messages from the chat's timeline listener (views/chats.ts runs it); true once the chat has ended. */
  added(incoming: Message[]): boolean {
    const { timeline, added, fromVisitor, ended } = addMessages(this.timeline, incoming)
    this.timeline = timeline
    for (const m of added) this.appendMessage(m)
    if (fromVisitor) this.cue(fromVisitor)
    if (added.length) this.scheduleRead()
    return ended
  }

  stop(): void {
    window.removeEventListener('focus', this.attention)
    document.removeEventListener('visibilitychange', this.attention)
    window.clearTimeout(this.typingTimer)
    window.clearTimeout(this.readTimer)
    this.root?.remove()
  }

  /** Forget the DOM (the language changed); the draft is kept for the next one. */
  detach(): void {
    if (this.composer) this.draft = this.composer.value
    this.root = null
    this.parts = null
  }

  setNumber(n: number): void {
    this.number = n
    this.renderLabel()
  }

  element(): HTMLElement {
    return this.root ?? this.build()
  }

  focus(): void {
    if (this.composer && this.session.state === 'active' && this.composer.focus()) return
    this.root?.querySelector<HTMLElement>('input, button')?.focus()
  }

  update(s: Session): void {
    const before = this.session
    this.session = s
    if (!this.root) return
    this.renderLabel()
    this.renderPresence()
    this.renderSignals()
    if (before.visitorReceivedSeq !== s.visitorReceivedSeq) this.renderReceived()
    this.readTold = Math.max(this.readTold, s.advisorReadSeq)
    this.renderAlert(before.urgent !== s.urgent)
    this.renderNote()
    if (before.state !== s.state) this.renderFooter()
    // Not on every change: typing, read and received change the session every
    // few seconds, and redrawing took away an open "end this chat?" question.
    if (before.state !== s.state) this.renderActions()
    else if (before.urgent !== s.urgent) this.parts?.actions.querySelector('.danger')?.setAttribute('aria-pressed', s.urgent ? 'true' : 'false')
  }

  private build(): HTMLElement {
    const id = this.session.id
    const p = {
      label: h('h3', { class: 'chat-label', id: `label-${id}` }),
      unread: h('span', { class: 'unread', hidden: true }),
      presence: h('p', { class: 'presence', role: 'status' }),
      // Shown, not announced: it comes and goes every few seconds.
      typing: h('p', { class: 'visitor-typing', hidden: true }),
      paused: h('p', { class: 'visitor-paused', role: 'status' }),
      alert: h('div', { class: 'guidance', hidden: true }),
      note: h('p', { class: 'transfer-note', hidden: true }),
      actions: h('div', { class: 'actions' }),
      log: h('div', { class: 'log', role: 'log', 'aria-labelledby': `label-${id}`, tabindex: 0 }),
      footer: h('div', { class: 'footer' }),
    }
    this.parts = p
    const root = h(
      'section',
      { class: 'chat', 'data-session': id, 'aria-labelledby': `label-${id}` },
      h('header', { class: 'chat-head' }, p.label, p.unread, p.presence, p.paused, p.actions),
      p.alert,
      p.note,
      p.log,
      p.typing,
      p.footer,
    )
    this.root = root
    root.addEventListener('focusin', () => this.clearUnread())
    root.addEventListener('pointerdown', () => this.clearUnread())
    for (const m of this.timeline.messages) this.appendMessage(m)
    this.renderLabel()
    this.renderPresence()
    this.renderSignals()
    this.renderAlert(false)
    this.renderNote()
    this.renderActions()
    this.renderFooter()
    return root
  }

  private renderLabel(): void {
    if (!this.parts) return
    const t = stringsOf(this.ctx)
    const s = this.session
    const { lang, regions } = this.ctx.store.state
    this.parts.label.textContent = t.chatLabel(this.number, s.nickname ?? '', regionName(regions, s.region), clock(lang, s.assignedAt))
    this.parts.unread.hidden = this.unread === 0
    this.parts.unread.textContent = t.unread(this.unread)
    this.root?.classList.toggle('has-unread', this.unread > 0)
    this.root?.classList.toggle('is-urgent', s.urgent)
    this.root?.classList.toggle('is-ended', s.state === 'ended')
  }

  private renderPresence(): void {
    if (!this.parts) return
    const t = stringsOf(this.ctx)
    const ended = this.session.state === 'ended'
    const p = ended ? 'gone' : (this.session.visitorPresence ?? 'connected')
    this.parts.presence.className = `presence presence-${p}`
    this.parts.presence.textContent = ended ? t.events.ended! : (t.presence[p] ?? p)
  }

  /** "Bezoeker typt…" until the time stored (a timer hides it), and the discreet pause. */
  private renderSignals(): void {
    window.clearTimeout(this.typingTimer)
    if (!this.parts) return
    const t = stringsOf(this.ctx)
    const v = visitorSignals(this.session, Date.now())
    this.parts.typing.hidden = !v.typing
    this.parts.typing.textContent = v.typing ? t.visitorTyping : ''
    this.parts.paused.textContent = v.paused ? t.visitorPaused : ''
    if (v.recheckIn !== null) this.typingTimer = window.setTimeout(() => this.renderSignals(), v.recheckIn + 50)
  }

  private renderReceived(): void {
    for (const [seq, mark] of this.unreceived) {
      if (!received({ sender: 'advisor', seq }, this.session.visitorReceivedSeq)) continue
      mark.hidden = false
      this.unreceived.delete(seq)
    }
  }

  // Whatever may have brought the timeline before the advisor's eyes: tell it
  // once things settle, and only what is more than told before.
  private scheduleRead(): void {
    window.clearTimeout(this.readTimer)
    this.readTimer = window.setTimeout(() => this.tellRead(), READ_DEBOUNCE_MS)
  }

  private tellRead(): void {
    // A chat taken over or handed on meanwhile is no longer ours to mark (403).
    if (this.session.state !== 'active' || this.session.advisorUid !== this.ctx.store.state.me?.uid) return
    const seq = readSeqToSend(this.timeline.messages, this.readTold, shownInFocus(document, this.root?.isConnected ?? false))
    if (seq === null) return
    const before = this.readTold
    this.readTold = seq
    this.ctx.api.call('signal', { sessionId: this.session.id, readSeq: seq }).catch(() => {
      // Told again on the next focus or message.
      this.readTold = Math.max(before, this.session.advisorReadSeq)
    })
  }

  private renderAlert(changed: boolean): void {
    if (!this.parts) return
    const t = stringsOf(this.ctx)
    const box = this.parts.alert
    box.hidden = !this.session.urgent
    clear(box)
    if (!this.session.urgent) return
    box.append(h('strong', { text: `${t.urgentOn}. ` }), t.guidance112)
    if (changed) this.ctx.announce(t.guidance112)
  }

  private renderNote(): void {
    if (!this.parts) return
    const s = this.session
    const box = this.parts.note
    box.hidden = !s.transferNote
    clear(box)
    if (s.transferNote) box.append(h('strong', { text: stringsOf(this.ctx).noteFrom(s.transferNoteBy ?? '') }), ` ${s.transferNote}`)
  }

  private renderActions(): void {
    if (!this.parts) return
    const box = this.parts.actions
    const t = stringsOf(this.ctx)
    const s = this.session
    clear(box)
    if (s.state !== 'active') return
    const nick = s.nickname ?? ''
    const button = (cls: string, text: string, click: (b: HTMLButtonElement) => void, attrs: Record<string, string> = {}) => {
      const b = h('button', { type: 'button', class: cls, text, 'aria-label': `${text}: ${nick}`, ...attrs })
      b.addEventListener('click', () => click(b))
      return b
    }
    const urgent = button('danger small', t.urgent, (b) => void act(this.ctx, b, () => this.ctx.api.call('urgent', { sessionId: s.id, urgent: !this.session.urgent })), {
      'aria-pressed': s.urgent ? 'true' : 'false',
    })
    const transfer = button('small', t.transfer, () => openTransfer(this.ctx, this.session, () => this.ctx.lost(s.id)))
    const end = button('small', t.end, () => {
      const row: HTMLElement = confirmRow(t.endConfirm, t.endConfirm, t.end, t, () => {
        const yes = row.querySelector('button')!
        void act(this.ctx, yes, () => this.ctx.api.call('end', { sessionId: this.session.id }))
      }, () => this.renderActions())
      end.replaceWith(row)
    })
    box.append(urgent, transfer, end)
  }

  private appendMessage(m: Message): void {
    const log = this.parts?.log
    if (!log) return
    const t = stringsOf(this.ctx)
    const time = clock(this.ctx.store.state.lang, m.createdAt)
    if (m.kind === 'system') {
      const what = t.events[m.event ?? ''] ?? m.event ?? ''
      log.append(h('div', { class: 'msg system' }, h('span', { class: 'meta', text: time }), ` ${what}${m.advisorName ? ` (${m.advisorName})` : ''}`))
    } else {
      const who = m.sender === 'visitor' ? (this.session.nickname ?? t.visitor) : m.sender === 'advisor' ? (m.advisorName ?? t.you) : t.system
      const mark = m.sender === 'advisor' ? this.receivedMark(m) : null
      log.append(h('div', { class: `msg from-${m.sender}` }, h('span', { class: 'meta', text: `${who} · ${time}` }, ...(mark ? [mark] : [])), h('p', { class: 'text', text: m.text ?? '' })))
    }
    log.scrollTop = log.scrollHeight
  }

  /** A subtle tick once the visitor's widget has the message; its text is for screen readers. */
  private receivedMark(m: Message): HTMLElement {
    const t = stringsOf(this.ctx)
    const mark = h('span', { class: 'received', title: t.received }, h('span', { 'aria-hidden': 'true', text: ' ✓' }), h('span', { class: 'sr-only', text: ` ${t.received}` }))
    mark.hidden = !received(m, this.session.visitorReceivedSeq)
    if (mark.hidden) this.unreceived.set(m.seq, mark)
    return mark
  }

  private cue(n: number): void {
    if (this.root?.contains(document.activeElement) && document.hasFocus()) return
    this.unread += n
    this.renderLabel()
    this.ctx.unreadChanged()
    if (this.ctx.store.state.sound) beep()
    // The kind only: what the visitor wrote never leaves this page.
    this.ctx.alert('message')
  }

  private clearUnread(): void {
    if (!this.unread) return
    this.unread = 0
    this.renderLabel()
    this.ctx.unreadChanged()
  }

  private renderFooter(): void {
    if (!this.parts) return
    const box = this.parts.footer
    clear(box)
    if (this.composer) this.draft = this.composer.value
    this.composer = null
    const s = this.session
    if (s.state === 'active') {
      this.composer = new Composer(this.ctx, s, this.draft, (d) => (this.draft = d))
      box.append(this.composer.el)
    } else if (s.state === 'ended') {
      box.append(this.saved || s.registered ? savedNote(this.ctx, s.id) : registrationForm(this.ctx, s, () => this.afterSave()))
    }
  }

  private afterSave(): void {
    this.saved = true
    this.renderFooter()
    this.parts?.footer.querySelector<HTMLElement>('button')?.focus()
  }
}
