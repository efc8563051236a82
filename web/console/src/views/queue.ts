// The live queue: who waits (urgent first), with the intake answers, and the
// button to accept a chat.
import { ApiError } from '../api'
import { h } from '../../../shared/dom'
import { regionName } from '../state/org'
import { answersText, queueItems } from '../state/queue'
import { minutesSince } from '../state/time'
import { touches, type ConsoleState, type Key } from '../store'
import type { Session } from '../types'
import { failure, stringsOf, type Ctx } from './common'
import { KeyedList, type Row } from './keyed'
import type { StatusView } from './status'

export class QueueView {
  readonly el = h('section', { class: 'queue', 'aria-labelledby': 'queue-title' })
  private readonly title = h('h2', { id: 'queue-title' })
  private readonly empty = h('p', { class: 'empty' })
  private readonly list: KeyedList<Session>

  constructor(
    private readonly ctx: Ctx,
    private readonly status: StatusView,
  ) {
    this.list = new KeyedList(h('ul', { class: 'queue-list' }), (s) => s.id, (s) => this.row(s))
    this.el.append(this.title, this.empty, this.list.el)
  }

  render(state: ConsoleState, changed: ReadonlySet<Key> | null): void {
    if (changed && !touches(changed, 'queue', 'offered', 'regions')) return
    const t = stringsOf(this.ctx)
    const all = queueItems(state.queue, state.offered)
    this.title.textContent = `${t.queue} (${all.length})`
    this.empty.textContent = t.queueEmpty
    this.empty.hidden = all.length > 0
    this.list.el.hidden = !all.length
    this.list.render(all)
  }

  private row(first: Session): Row<Session> {
    const t = stringsOf(this.ctx)
    const accept = h('button', { type: 'button', class: 'primary small', 'data-session': first.id, text: t.accept })
    accept.setAttribute('aria-label', `${t.accept}: ${first.nickname ?? ''}`)
    accept.addEventListener('click', () => void this.accept(first.id, accept))
    const el = h('li', { 'data-session': first.id }, accept)
    // The row's text is drawn anew; its button stays (and keeps the focus).
    const update = (s: Session) => {
      const state = this.ctx.store.state
      const answers = answersText(s, t.answers)
      el.className = s.urgent ? 'q urgent' : 'q'
      for (const child of [...el.childNodes]) if (child !== accept) child.remove()
      el.insertBefore(
        h('div', { class: 'q-head' },
          s.urgent ? h('span', { class: 'badge danger', text: t.urgentBadge }) : null,
          h('strong', { class: 'nick', text: s.nickname ?? '' }),
          h('span', { class: 'wait', text: t.waiting(minutesSince(s.queuedAt, Date.now())) })),
        accept,
      )
      el.insertBefore(
        h('div', { class: 'q-meta' },
          `${s.ageBand ?? ''} · ${t.gender[s.gender ?? 'unspecified'] ?? ''} · ${regionName(state.regions, s.region)}`,
          s.org !== state.me?.org ? h('span', { class: 'tag', text: ` · ${t.offered}` }) : null,
          // Another language than Dutch: kept for advisors who speak it for a few minutes.
          s.language && s.language !== 'nl' ? h('span', { class: 'tag', text: ` · ${t.languageNames[s.language] ?? s.language}` }) : null),
        accept,
      )
      if (s.languageReserved && s.language && !state.me?.languages.includes(s.language))
        el.insertBefore(h('div', { class: 'q-answers', text: t.languageReserved(t.languageNames[s.language] ?? s.language) }), accept)
      if (s.urgentReason === 'in_danger') el.insertBefore(h('div', { class: 'q-danger', text: t.inDanger }), accept)
      if (answers) el.insertBefore(h('div', { class: 'q-answers', text: answers }), accept)
    }
    return { el, update }
  }

  private async accept(sessionId: string, button: HTMLButtonElement): Promise<void> {
    button.disabled = true
    // Accepting needs the advisor online; going online may already assign this
    // very chat (the oldest, or an urgent one first), so then "taken" is fine.
    let wentOnline = this.ctx.store.state.status !== 'online'
    try {
      if (wentOnline) await this.status.change('online', this.ctx.store.state.capacity)
      try {
        await this.ctx.api.call('accept', { sessionId })
      } catch (err) {
        // The functions know better than this screen (another tab, the idle
        // lock of a second window): go online as asked, and try once more.
        if (wentOnline || !(err instanceof ApiError) || err.code !== 'advisor_offline') throw err
        wentOnline = true
        await this.status.change('online', this.ctx.store.state.capacity)
        await this.ctx.api.call('accept', { sessionId })
      }
    } catch (err) {
      button.disabled = false
      if (wentOnline && err instanceof ApiError && err.code === 'already_taken') return
      this.ctx.announce(failure(err, stringsOf(this.ctx)))
    }
  }
}
