// Supervision (issue 19): the supervisor's read-only panel of a chat they
// read along in (timeline, notes, a note composer, "stop"), and what the
// advisor's chat shows of it ("Sanne leest mee", the notes "alleen voor jou").
// Opening goes through POST /api/watch, which writes the audit entry and the
// watcher that firestore.rules require; without it the listeners are refused.
import { clear, h } from '../../../shared/dom'
import { addNotes, needsNotes, noteProblem, NOTE_MAX, readersOf } from '../state/supervision'
import { EMPTY_TIMELINE, addMessages, type Timeline } from '../state/timeline'
import type { Message, Note, Session } from '../types'
import { act, failure, stringsOf, type Ctx } from './common'

/** The listeners the panels need (data/listeners.ts), bound to the database by app.ts. */
export interface SupervisionListen {
  timeline(sessionId: string, added: (messages: Message[]) => void, lost: () => void): () => void
  notes(sessionId: string, on: (notes: Note[]) => void, lost: () => void): () => void
}

const clock = (lang: string, at: number | null): string =>
  new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' }).format(at === null ? new Date() : new Date(at))

function noteItem(ctx: Ctx, n: Note): HTMLElement {
  const t = stringsOf(ctx).supervision
  const when = clock(ctx.store.state.lang, n.createdAt)
  return h('li', { class: 'supervisor-note' }, h('span', { class: 'meta', text: t.noteBy(n.authorName, when) }), h('p', { class: 'text', text: n.text }))
}

/** The supervisor's read-only view of one chat, open while they read along. */
export class WatchPanel {
  readonly el: HTMLElement
  private readonly log: HTMLElement
  private readonly notesList = h('ul', { class: 'notes' })
  private timeline: Timeline = EMPTY_TIMELINE
  private notes: Note[] = []
  private readonly stops: (() => void)[] = []

  constructor(
    private readonly ctx: Ctx,
    private readonly session: Session,
    listen: SupervisionListen,
    private readonly closed: (sessionId: string) => void,
  ) {
    const t = stringsOf(ctx).supervision
    const id = session.id
    const nick = session.nickname ?? ''
    this.log = h('div', { class: 'log', role: 'log', tabindex: 0, 'aria-label': t.panelTitle(nick) })
    const text = h('textarea', { id: `note-${id}`, maxlength: NOTE_MAX, rows: 2 })
    const status = h('p', { class: 'note-status', role: 'status' })
    const send = h('button', { type: 'button', class: 'primary small', text: t.noteSend })
    send.addEventListener('click', () => void this.sendNote(text, send, status))
    const stop = h('button', { type: 'button', class: 'small', text: t.stop })
    stop.addEventListener('click', () => void act(ctx, stop, () => this.stopWatching()))
    this.el = h(
      'section',
      { class: 'watch-panel', 'data-session': id, 'aria-labelledby': `watch-${id}` },
      h('h3', { id: `watch-${id}`, text: t.panelTitle(nick) }),
      h('p', { class: 'read-only', text: t.readOnly }),
      this.log,
      h('h4', { text: t.notesTitleSupervisor }),
      this.notesList,
      h('div', { class: 'note-composer' }, h('label', { for: `note-${id}`, text: t.noteLabel }), text, send, status),
      stop,
    )
    const lost = () => this.close()
    this.stops.push(
      listen.timeline(id, (messages) => this.added(messages), lost),
      listen.notes(id, (notes) => this.showNotes(notes), lost),
    )
  }

  private added(incoming: Message[]): void {
    const { timeline, added, ended } = addMessages(this.timeline, incoming)
    // Nothing follows the end but the rewrite of every message's expiry (a
    // read each): the panel stays, its listeners stop.
    if (ended) this.stopListening()
    this.timeline = timeline
    const t = stringsOf(this.ctx)
    for (const m of added) {
      const time = clock(this.ctx.store.state.lang, m.createdAt)
      if (m.kind === 'system') {
        this.log.append(h('div', { class: 'msg system' }, h('span', { class: 'meta', text: time }), ` ${t.events[m.event ?? ''] ?? m.event ?? ''}`))
      } else {
        const who = m.sender === 'visitor' ? (this.session.nickname ?? t.supervision.visitor) : (m.advisorName ?? t.supervision.advisor)
        this.log.append(h('div', { class: `msg from-${m.sender}` }, h('span', { class: 'meta', text: `${who} · ${time}` }), h('p', { class: 'text', text: m.text ?? '' })))
      }
    }
    this.log.scrollTop = this.log.scrollHeight
  }

  private showNotes(incoming: Note[]): void {
    this.notes = addNotes(this.notes, incoming)
    clear(this.notesList)
    this.notesList.append(...this.notes.map((n) => noteItem(this.ctx, n)))
  }

  private async sendNote(text: HTMLTextAreaElement, button: HTMLButtonElement, status: HTMLElement): Promise<void> {
    const t = stringsOf(this.ctx).supervision
    const problem = noteProblem(text.value)
    if (problem) {
      status.textContent = problem === 'empty' ? t.noteEmpty : t.noteLong(NOTE_MAX)
      return
    }
    button.disabled = true
    try {
      // One id per note: a retry after a lost answer is stored once.
      await this.ctx.api.call('note', { sessionId: this.session.id, noteId: crypto.randomUUID(), text: text.value.trim() })
      text.value = ''
      status.textContent = t.noteSent
    } catch (err) {
      status.textContent = failure(err, stringsOf(this.ctx))
    } finally {
      button.disabled = false
    }
  }

  private async stopWatching(): Promise<void> {
    await this.ctx.api.call('unwatch', { sessionId: this.session.id })
    this.ctx.announce(stringsOf(this.ctx).supervision.stopped)
    this.close()
  }

  private stopListening(): void {
    for (const stop of this.stops.splice(0)) stop()
  }

  close(): void {
    this.stopListening()
    this.el.remove()
    this.closed(this.session.id)
  }
}

/** Above the advisor's chat: who reads along, and the supervisor's notes (only for them). */
export class AdvisorSupervision {
  readonly el: HTMLElement
  private readonly readers = h('p', { class: 'reading-along', role: 'status' })
  private readonly notesBox: HTMLElement
  private readonly notesList = h('ul', { class: 'notes' })
  private notes: Note[] = []
  private stopNotes: (() => void) | null = null

  constructor(
    private readonly ctx: Ctx,
    private readonly listen: SupervisionListen,
    session: Session,
  ) {
    const t = stringsOf(ctx).supervision
    this.notesBox = h('section', { class: 'supervisor-notes', 'aria-label': t.notesTitle, hidden: true }, h('h4', { text: t.notesTitle }), this.notesList)
    this.el = h('div', { class: 'supervision' }, this.readers, this.notesBox)
    this.update(session)
  }

  update(s: Session): void {
    const names = readersOf(s, this.ctx.store.state.me?.uid)
    this.readers.textContent = names.length ? stringsOf(this.ctx).supervision.readingAlong(names.join(', ')) : ''
    this.readers.hidden = !names.length
    // A notes listener only for a chat someone has read along in: none
    // otherwise; and none after the end (what came is shown, the rest is
    // the expiry rewrite).
    if (s.state === 'ended') this.stop()
    else if (!this.stopNotes && needsNotes(s)) {
      this.stopNotes = this.listen.notes(s.id, (notes) => this.showNotes(notes), () => this.stop())
    }
  }

  private showNotes(incoming: Note[]): void {
    this.notes = addNotes(this.notes, incoming)
    clear(this.notesList)
    this.notesList.append(...this.notes.map((n) => noteItem(this.ctx, n)))
    this.notesBox.hidden = !this.notes.length
  }

  stop(): void {
    this.stopNotes?.()
    this.stopNotes = null
  }
}
