// "Auditlog": the privacy officer's export of the organisation's supervision
// audit log (GET /api/audit, functions/vtchat/supervision.py), shown only to
// an account with the `privacy` claim (app.ts). The answer becomes a CSV file
// handed to the browser's download at once (csv.ts, as the figures do): no
// entry is drawn, kept in the page or stored on the device.
import { h } from '../../../shared/dom'
import { csvLines, downloadCsv } from '../csv'
import { auditFileName, auditRows, checkPeriod, defaultPeriod, MAX_DAYS, type PeriodProblem } from '../state/audit'
import { failure, stringsOf, type Ctx } from './common'

export function auditSection(ctx: Ctx): HTMLElement {
  const t = stringsOf(ctx)
  const a = t.audit
  const start = defaultPeriod(Date.now())
  // The problem is read with the field it is about (aria-describedby), and announced (role=alert).
  const problem = h('p', { id: 'audit-problem', class: 'error', role: 'alert' })
  const status = h('p', { class: 'note', role: 'status' })
  const field = (id: string, value: string) => h('input', { type: 'date', id, value, required: true, 'aria-describedby': 'audit-problem' })
  const from = field('audit-from', start.from)
  const through = field('audit-through', start.through)
  const button = h('button', { type: 'button', class: 'small', text: a.download })

  const say = (text: string, invalid: HTMLInputElement | null = null) => {
    problem.textContent = text
    for (const input of [from, through]) input.removeAttribute('aria-invalid')
    invalid?.setAttribute('aria-invalid', 'true')
  }
  const problemText = (p: PeriodProblem) => (p === 'tooLong' ? a.problems.tooLong(MAX_DAYS) : a.problems[p])

  const download = async () => {
    status.textContent = ''
    const period = { from: from.value, through: through.value }
    const checked = checkPeriod(period)
    if (!checked.ok) {
      const input = checked.field === 'from' ? from : through
      say(problemText(checked.problem), input)
      input.focus()
      return
    }
    say('')
    button.disabled = true
    status.textContent = a.busy
    try {
      // JSON through the typed client, written as the API's own CSV here: the
      // answer lives only in this call.
      const answer = await ctx.api.get('audit', { ...checked.query, format: 'json' })
      downloadCsv(auditFileName(answer.org, period), csvLines(auditRows(answer)))
      // The retention as the functions apply it (a deployment may change it).
      status.textContent = `${a.done(answer.entries.length)} ${a.kept(answer.retentionDays)}`
    } catch (err) {
      status.textContent = ''
      // The functions' own Dutch message (audit_period, not_privacy_officer, …).
      say(failure(err, t))
    } finally {
      button.disabled = false
    }
  }
  button.addEventListener('click', () => void download())

  const controls = h(
    'div',
    { class: 'report-controls' },
    h('label', { for: 'audit-from', text: a.from }),
    from,
    h('label', { for: 'audit-through', text: a.through }),
    through,
    button,
  )
  const details = h(
    'details',
    { class: 'audit' },
    h('summary', { text: a.title }),
    h('p', { class: 'note', text: a.explain }),
    h('p', { class: 'note', text: `${a.keptNote} ${a.onlyYou}` }),
    controls,
    problem,
    status,
  )
  return h('section', { class: 'report-box', 'aria-label': a.title }, details)
}
