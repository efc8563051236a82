// The figures of GET /api/report: own region (supervisor) or any / all
// (national); the charts' module is loaded only when they are opened.
import { clear, h } from '../../../shared/dom'
import { sortedRegions } from '../state/org'
import { monthRange, pastMonths } from '../state/time'
import { failure, stringsOf, type Ctx } from './common'

export function reportSection(ctx: Ctx): HTMLElement {
  const t = stringsOf(ctx)
  const { me, regions } = ctx.store.state
  const out = h('div', { class: 'report-out', 'aria-live': 'polite' })
  // Only whole calendar months that are over: the API refuses other ranges,
  // since two overlapping ones would give small counts by subtraction.
  const range = h('select', { id: 'report-range' }, ...pastMonths(12, new Date()).map((first) => h('option', { value: first, text: t.monthName(first) })))
  const controls = h('div', { class: 'report-controls' }, h('label', { for: 'report-range', text: t.range }), range)
  let org: HTMLSelectElement | null = null
  if (me?.role === 'national') {
    org = h('select', { id: 'report-org' }, h('option', { value: '', text: t.allRegions }), ...sortedRegions(regions).map((r) => h('option', { value: r.id, text: r.shortName })))
    controls.append(h('label', { for: 'report-org', text: t.regionCol }), org)
  }
  const show = h('button', { type: 'button', class: 'small', text: t.show })
  controls.append(show)
  const load = async () => {
    const params = new URLSearchParams(monthRange(range.value))
    if (org?.value) params.set('org', org.value)
    show.disabled = true
    clear(out)
    out.append(h('p', { class: 'note', text: t.saving }))
    try {
      const [report, figures] = await Promise.all([ctx.api.get('report', Object.fromEntries(params)), import('../figures')])
      clear(out)
      figures.renderFigures(out, report, t)
    } catch (err) {
      clear(out)
      out.append(h('p', { class: 'error', text: failure(err, t) }))
    } finally {
      show.disabled = false
    }
  }
  show.addEventListener('click', () => void load())
  const details = h('details', { class: 'report' }, h('summary', { text: t.figures }), controls, out)
  details.addEventListener('toggle', () => {
    if (details.open && !out.firstChild) void load()
  })
  return h('section', { class: 'report-box', 'aria-label': t.figures }, details)
}
