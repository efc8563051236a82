// The supervisor's overview: figures of the day, urgent chats, the team, and
// the running chats with "read along", "take over" and "assign to".
import { clear, h } from '../../../shared/dom'
import { regionName } from '../state/org'
import { colleagues, freshUrgent, overview } from '../state/supervisor'
import { WATCH_REASONS, canWatch, isWatching, type WatchReason } from '../state/supervision'
import { minutesSince, startOfDay } from '../state/time'
import { touches, type ConsoleState, type Key } from '../store'
import type { Session } from '../types'
import { act, beep, stringsOf, type Ctx } from './common'
import { KeyedList, type Row } from './keyed'
import { WatchPanel, type SupervisionListen } from './watch'

export class SupervisorView {
  readonly el = h('section', { class: 'super', 'aria-labelledby': 'super-title' })
  private readonly top = h('div')
  private readonly table = h('table', { class: 'active' })
  private rows: KeyedList<Session>
  private urgentSeen: ReadonlySet<string> = new Set()
  // The chats this supervisor reads along in (views/watch.ts), below the table.
  private readonly watchBox = h('div', { class: 'watch-panels' })
  private readonly panels = new Map<string, WatchPanel>()

  constructor(
    private readonly ctx: Ctx,
    private readonly listen: SupervisionListen | null = null,
  ) {
    this.rows = new KeyedList(h('tbody'), (s) => s.id, (s) => this.row(s))
    this.el.append(this.top, this.watchBox)
  }

  /** Read along: the functions log it and open the timeline to us; then the panel opens. */
  private async watch(s: Session, reason: WatchReason): Promise<void> {
    await this.ctx.api.call('watch', { sessionId: s.id, reason })
    if (!this.listen || this.panels.has(s.id)) return
    const panel = new WatchPanel(this.ctx, s, this.listen, (id) => this.panels.delete(id))
    this.panels.set(s.id, panel)
    this.watchBox.append(panel.el)
    panel.el.querySelector<HTMLElement>('h3')?.setAttribute('tabindex', '-1')
    panel.el.querySelector<HTMLElement>('h3')?.focus()
  }

  stop(): void {
    for (const panel of [...this.panels.values()]) panel.close()
  }

  /** The language changed: the table's head and rows are built anew. */
  relabel(): void {
    this.rows = new KeyedList(h('tbody'), (s) => s.id, (s) => this.row(s))
    clear(this.table)
  }

  render(state: ConsoleState, changed: ReadonlySet<Key> | null): void {
    const me = state.me
    if (!me || (changed && !touches(changed, 'orgSessions', 'answeredByUs', 'transfersOut', 'advisors', 'regions', 'mine', 'queue'))) return
    const t = stringsOf(this.ctx)
    const now = Date.now()
    const o = overview({ org: me.org, ...state }, now, startOfDay(now))
    const { fresh, seen } = freshUrgent(o.urgent, this.urgentSeen)
    this.urgentSeen = seen
    if (fresh.length) {
      this.ctx.announce(fresh.map((s) => t.urgentAlert(s.nickname ?? '', s.advisorName ?? t.queue)).join(' '))
      if (state.sound) beep()
    }
    const stat = (label: string, value: string, id: string) =>
      h('div', { class: 'stat' }, h('span', { class: 'stat-label', id: `${id}-l`, text: label }), h('strong', { 'aria-describedby': `${id}-l`, 'data-stat': id, text: value }))
    const urgentBox = h(
      'div',
      { class: o.urgent.length ? 'urgent-list alerting' : 'urgent-list', role: 'region', 'aria-labelledby': 'urgent-title' },
      h('h3', { id: 'urgent-title', text: t.urgentChats }),
      o.urgent.length
        ? h('ul', {}, ...o.urgent.map((s) =>
            h('li', { class: 'urgent-item' }, h('span', { class: 'badge danger', text: t.urgentBadge }), ` ${s.nickname ?? ''} · ${regionName(state.regions, s.region)} · ${s.advisorName ?? t.queue}`)))
        : h('p', { class: 'empty', text: t.noUrgent }),
    )
    const team = h('ul', { class: 'team' }, ...o.team.map((a) =>
      h('li', {}, h('span', { class: `dot dot-${a.status ?? 'offline'}`, 'aria-hidden': 'true' }), `${a.displayName ?? a.id} · ${t[a.status ?? 'offline']} · ${t.load(a.activeCount ?? 0, a.capacity ?? 3)}`)))
    // Nothing focusable above the table: drawn anew each time.
    clear(this.top)
    this.top.append(
      h('h2', { id: 'super-title', text: t.supervisor }),
      h('div', { class: 'stats' },
        stat(t.queueLength, String(o.waiting), 'queue'),
        stat(t.longestWait, t.minutes(o.longestWait), 'longest'),
        stat(t.advisorsOnline, String(o.online), 'online'),
        stat(t.handedOut, String(o.handedOut), 'out'),
        stat(t.handedIn, String(o.handedIn), 'in')),
      h('p', { class: 'note', text: t.handedNote }),
      urgentBox,
      h('h3', { text: t.team }),
      team,
    )
    // The running chats keep their rows (and a colleague picked in one).
    if (!this.table.firstChild) {
      this.table.append(
        h('caption', { text: t.activeChats }),
        h('thead', {}, h('tr', {}, ...[t.nicknameCol, t.regionCol, t.advisorCol, t.sinceCol, t.supervision.watch, t.takeOver, t.reassign].map((c) => h('th', { scope: 'col', text: c })))),
        this.rows.el,
      )
    }
    if (!o.active.length) this.table.remove()
    else if (!this.table.isConnected) this.el.insertBefore(this.table, this.watchBox)
    this.rows.render(o.active)
  }

  private row(s: Session): Row<Session> {
    const t = stringsOf(this.ctx)
    const nick = s.nickname ?? ''
    const cells = [h('td'), h('td'), h('td'), h('td')] as const
    const take = h('button', { type: 'button', class: 'small', id: `take-${s.id}`, text: t.takeOver, 'aria-label': `${t.takeOver}: ${nick}` })
    take.addEventListener('click', () => void act(this.ctx, take, () => this.ctx.api.call('transfer', { sessionId: s.id, toAdvisor: this.ctx.store.state.me?.uid, note: '' })))
    const select = h('select', { id: `assign-${s.id}`, 'aria-label': `${t.reassign}: ${nick}` })
    const go = h('button', { type: 'button', class: 'small', text: t.assign, 'aria-label': `${t.assign}: ${nick}` })
    go.addEventListener('click', () => void act(this.ctx, go, () => this.ctx.api.call('transfer', { sessionId: s.id, toAdvisor: select.value, note: '' })))
    const none = h('span', { class: 'note', text: t.noColleague })
    const assign = h('td')
    // Read along: a reason from the fixed list, then the button (audited).
    const reason = h('select', { id: `reason-${s.id}`, 'aria-label': t.supervision.reasonAria(nick) }, ...WATCH_REASONS.map((r) => h('option', { value: r, text: t.supervision.reasons[r] ?? r })))
    const watchButton = h('button', { type: 'button', class: 'small', text: t.supervision.watch, 'aria-label': t.supervision.watchAria(nick) })
    watchButton.addEventListener('click', () => void act(this.ctx, watchButton, () => this.watch(this.ctx.store.state.orgSessions.find((x) => x.id === s.id) ?? s, reason.value as WatchReason)))
    const watching = h('span', { class: 'badge', text: t.supervision.watching })
    const watchCell = h('td', {}, reason, watchButton)
    const el = h('tr', {}, ...cells, watchCell, h('td', {}, take), assign)
    const update = (now: Session) => {
      const state = this.ctx.store.state
      const [name, region, advisor, since] = cells
      clear(name)
      if (now.urgent) name.append(h('span', { class: 'badge danger', text: t.urgentBadge }))
      name.append(` ${now.nickname ?? ''}`)
      region.textContent = regionName(state.regions, now.region)
      advisor.textContent = now.advisorName ?? ''
      since.textContent = t.minutes(minutesSince(now.assignedAt, Date.now()))
      take.disabled = now.advisorUid === state.me?.uid
      const may = canWatch(now, state.me)
      reason.disabled = watchButton.disabled = !may
      if (isWatching(now, state.me?.uid) && !watching.isConnected) watchCell.append(watching)
      else if (!isWatching(now, state.me?.uid)) watching.remove()
      // The options follow who is online; what the supervisor picked stays picked.
      const picked = select.value
      const options = colleagues(state.advisors, now.advisorUid)
      const same = options.length === select.options.length && options.every((a, i) => select.options[i]?.value === a.id)
      if (!same) {
        clear(select)
        select.append(...options.map((a) => h('option', { value: a.id, text: a.displayName ?? a.id })))
        if (options.some((a) => a.id === picked)) select.value = picked
      }
      if (options.length && !select.isConnected) assign.replaceChildren(select, go)
      else if (!options.length && !none.isConnected) assign.replaceChildren(none)
    }
    return { el, update }
  }
}
