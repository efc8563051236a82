// Looking after the advisor (state/care.ts): a chat that went to a colleague
// unanswered is said so; after a chat flagged as danger ends, a pause is
// offered, calmly and without blocking the registration; the supervisor sees
// how many such chats their advisors had today, for the debrief (a count only).
import { clear, h } from '../../../shared/dom'
import { heavyEnded, heavyToday, passedOnSince, urgentRunning } from '../state/care'
import { touches, type ConsoleState, type Key } from '../store'
import { stringsOf, type Ctx } from './common'

// A chat passed on shortly before a reload is still worth saying.
const RECENT_MS = 15 * 60_000

export class CareView {
  readonly el = h('div', { class: 'care' })
  private readonly notice = h('div', { class: 'care-notice', hidden: true })
  private readonly offer = h('div', { class: 'care-offer', role: 'dialog', 'aria-labelledby': 'care-offer-title', hidden: true })
  private readonly count = h('p', { class: 'care-count', hidden: true })
  private seen = Date.now() - RECENT_MS
  private running = new Set<string>()

  constructor(
    private readonly ctx: Ctx,
    private readonly pause: () => Promise<void>,
  ) {
    this.el.append(this.notice, this.offer, this.count)
  }

  render(state: ConsoleState, changed: ReadonlySet<Key> | null): void {
    const me = state.me
    if (!me) return
    if (!changed || changed.has('advisors')) {
      const at = passedOnSince(state.advisors, me.uid, this.seen)
      if (at !== null) {
        this.seen = at
        this.showNotice()
      }
    }
    if (changed?.has('mine')) {
      const ended = heavyEnded(this.running, state.mine)
      this.running = urgentRunning(state.mine)
      if (ended.length && state.status === 'online') this.showOffer()
    }
    if (me.role === 'supervisor' && (!changed || touches(changed, 'orgSessions', 'answeredByUs', 'lang'))) {
      const n = heavyToday(me.org, [state.orgSessions, state.answeredByUs], Date.now())
      this.count.hidden = false
      this.count.textContent = stringsOf(this.ctx).care.heavyToday(n)
    }
  }

  private showNotice(): void {
    const t = stringsOf(this.ctx).care
    const ok = h('button', { type: 'button', class: 'small', text: t.ok })
    ok.addEventListener('click', () => {
      clear(this.notice)
      this.notice.hidden = true
    })
    clear(this.notice)
    this.notice.append(h('p', { text: t.passedOn }), ok)
    this.notice.hidden = false
    this.ctx.announce(t.passedOn)
  }

  private showOffer(): void {
    const t = stringsOf(this.ctx).care
    const yes = h('button', { type: 'button', class: 'primary small', text: t.pauseYes })
    const no = h('button', { type: 'button', class: 'small', text: t.pauseNo })
    const close = () => {
      clear(this.offer)
      this.offer.hidden = true
    }
    yes.addEventListener('click', () => {
      yes.disabled = true
      void this.pause().finally(close)
    })
    no.addEventListener('click', close)
    clear(this.offer)
    this.offer.append(h('h2', { id: 'care-offer-title', text: t.pauseTitle }), h('p', { text: t.pauseText }), h('div', { class: 'care-actions' }, yes, no))
    this.offer.hidden = false
    // Not moved into focus: the registration of the chat may be under way.
    this.ctx.announce(`${t.pauseTitle} ${t.pauseText}`)
  }
}
