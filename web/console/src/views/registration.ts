// The anonymous registration of an ended chat, and the note once it is saved.
import { h } from '../../../shared/dom'
import { REG_FIELDS, registrationBody } from '../state/registration'
import type { Session } from '../types'
import { failure, stringsOf } from './common'
import type { ChatCtx } from './chat'

export function registrationForm(ctx: ChatCtx, s: Session, saved: () => void): HTMLElement {
  const t = stringsOf(ctx)
  const form = h('form', { class: 'registration', novalidate: true, 'aria-labelledby': `reg-${s.id}` })
  form.append(h('h4', { id: `reg-${s.id}`, text: t.registration }), h('p', { class: 'note', text: t.ended }))
  const errors = new Map<string, HTMLElement>()
  for (const field of REG_FIELDS) {
    const legendId = `${field.key}-${s.id}`
    const err = h('p', { class: 'error', id: `${legendId}-err` })
    errors.set(field.key, err)
    const fs = h('fieldset', { class: `reg-${field.key}`, 'aria-describedby': `${legendId}-err` }, h('legend', { id: legendId, text: t[field.key] }))
    for (const value of field.values) {
      const id = `${field.key}-${value}-${s.id}`
      fs.append(
        h(
          'span',
          { class: 'choice' },
          h('input', { type: field.multi ? 'checkbox' : 'radio', name: `${field.key}-${s.id}`, id, value }),
          h('label', { for: id, text: t.choices[field.key]?.[value] ?? value }),
        ),
      )
    }
    fs.append(err)
    fs.addEventListener('change', () => (err.textContent = ''))
    form.append(fs)
  }
  const submit = h('button', { type: 'submit', class: 'primary', text: t.save })
  const formError = h('p', { class: 'error', role: 'alert' })
  form.append(formError, submit)
  const inputs = (key: string, which = '') => [...form.querySelectorAll<HTMLInputElement>(`input[name="${key}-${s.id}"]${which}`)]
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const answer = registrationBody(s.id, (key) => inputs(key, ':checked').map((i) => i.value))
    for (const field of REG_FIELDS) errors.get(field.key)!.textContent = answer.ok || !answer.missing.includes(field.key) ? '' : t.required
    if (!answer.ok) {
      inputs(answer.missing[0]!)[0]?.focus()
      return
    }
    submit.disabled = true
    submit.textContent = t.saving
    formError.textContent = ''
    // The session's `registered` may arrive before the answer: keep the panel.
    ctx.markSaved(s.id, true)
    ctx.api
      .call('register', answer.body)
      .then(saved)
      .catch((err: unknown) => {
        ctx.markSaved(s.id, false)
        submit.disabled = false
        submit.textContent = t.save
        formError.textContent = failure(err, t)
      })
  })
  return form
}

export function savedNote(ctx: ChatCtx, sessionId: string): HTMLElement {
  const t = stringsOf(ctx)
  const close = h('button', { type: 'button', class: 'primary', text: t.close })
  close.addEventListener('click', () => ctx.dismiss(sessionId))
  return h('div', { class: 'saved' }, h('p', { role: 'status', class: 'ok', text: t.saved }), close)
}
