// The dialog that hands a chat to a colleague or to another organisation.
import { h } from '../../../shared/dom'
import { otherOrgs } from '../state/org'
import { colleagues } from '../state/supervisor'
import type { Session } from '../types'
import { failure, stringsOf, type Ctx } from './common'

export function openTransfer(ctx: Ctx, s: Session, done: () => void): void {
  const t = stringsOf(ctx)
  const { advisors, regions, me } = ctx.store.state
  const dialog = h('dialog', { class: 'transfer', 'aria-labelledby': `tr-${s.id}` })
  const people = colleagues(advisors, me?.uid)
  const orgs = otherOrgs(regions, me?.org)
  const toAdvisor = h('input', { type: 'radio', name: `target-${s.id}`, id: `to-adv-${s.id}`, value: 'advisor', checked: people.length > 0, disabled: !people.length })
  const toOrg = h('input', { type: 'radio', name: `target-${s.id}`, id: `to-org-${s.id}`, value: 'org', checked: !people.length })
  const advisorSelect = h('select', { id: `tr-adv-${s.id}` }, ...people.map((a) => h('option', { value: a.id, text: a.displayName ?? a.id })))
  const orgSelect = h('select', { id: `tr-org-${s.id}` }, ...orgs.map((r) => h('option', { value: r.id, text: r.shortName })))
  const note = h('textarea', { id: `tr-note-${s.id}`, rows: 3, maxlength: 500 })
  const error = h('p', { class: 'error', role: 'alert' })
  const submit = h('button', { type: 'submit', class: 'primary', text: t.transfer })
  const cancel = h('button', { type: 'button', text: t.cancel })
  const form = h(
    'form',
    { method: 'dialog' },
    h('h3', { id: `tr-${s.id}`, text: `${t.transferTitle}: ${s.nickname ?? ''}` }),
    h('fieldset', {}, h('legend', { class: 'sr-only', text: t.transferTitle }),
      h('div', { class: 'field' }, h('span', { class: 'choice' }, toAdvisor, h('label', { for: `to-adv-${s.id}`, text: t.toColleague })),
        h('label', { for: `tr-adv-${s.id}`, class: 'sr-only', text: t.colleague }), advisorSelect),
      h('div', { class: 'field' }, h('span', { class: 'choice' }, toOrg, h('label', { for: `to-org-${s.id}`, text: t.toOrg })),
        h('label', { for: `tr-org-${s.id}`, class: 'sr-only', text: t.organisation }), orgSelect)),
    h('div', { class: 'field' }, h('label', { for: `tr-note-${s.id}`, text: t.note }), note),
    error,
    h('div', { class: 'row' }, submit, cancel),
  )
  advisorSelect.addEventListener('change', () => (toAdvisor.checked = true))
  orgSelect.addEventListener('change', () => (toOrg.checked = true))
  cancel.addEventListener('click', () => dialog.close())
  dialog.addEventListener('close', () => dialog.remove())
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const to = toAdvisor.checked ? { toAdvisor: advisorSelect.value } : { toOrg: orgSelect.value }
    const body = { sessionId: s.id, note: note.value.trim(), ...to }
    submit.disabled = true
    ctx.api
      .call('transfer', body)
      .then(() => {
        dialog.close()
        done()
      })
      .catch((err: unknown) => {
        submit.disabled = false
        error.textContent = failure(err, t)
      })
  })
  dialog.append(form)
  document.body.append(dialog)
  dialog.showModal()
}
