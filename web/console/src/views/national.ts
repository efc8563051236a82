// The national view: the public status of every region (no chats).
import { clear, h } from '../../../shared/dom'
import { board, regionName } from '../state/org'
import type { ConsoleState } from '../store'
import { stringsOf, type Ctx } from './common'

export class NationalView {
  readonly el = h('section', { class: 'national', 'aria-labelledby': 'national-title' })

  constructor(private readonly ctx: Ctx) {}

  render(state: ConsoleState): void {
    const t = stringsOf(this.ctx)
    const b = board(state.board)
    const stat = (label: string, id: string, value: number) =>
      h('div', { class: 'stat' }, h('span', { class: 'stat-label', text: label }), h('strong', { 'data-stat': id, text: String(value) }))
    clear(this.el)
    this.el.append(
      h('h2', { id: 'national-title', text: t.national }),
      h('div', { class: 'stats' }, stat(t.queueLength, 'queue', b.waiting), stat(t.advisorsOnline, 'online', b.online)),
      h('p', { class: 'note', text: t.nationalNote }),
      h(
        'table',
        { class: 'active board' },
        h('caption', { class: 'sr-only', text: t.national }),
        h('thead', {}, h('tr', {}, ...[t.regionCol, t.openCol, t.queueLength, t.advisorsOnline, t.waitCol].map((c) => h('th', { scope: 'col', text: c })))),
        h('tbody', {}, ...b.rows.map((r) =>
          h('tr', { 'data-region': r.id },
            h('th', { scope: 'row', text: regionName(state.regions, r.id) }),
            h('td', { text: r.open ? t.yes : t.no }),
            h('td', { text: String(r.queueLength) }),
            h('td', { text: String(r.advisorsOnline) }),
            h('td', { text: r.estimatedWaitMinutes === null ? '–' : t.minutes(r.estimatedWaitMinutes) })))),
      ),
    )
  }
}
