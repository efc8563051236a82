// The sign-in screen (the second factor's screens replace its form: mfa.ts).
import { h } from '../../../shared/dom'
import type { Lang, Strings } from '../i18n'
import { langSelect } from './common'

export interface SignInScreen {
  t: Strings
  lang: Lang
  message: string
  notice: string
  changeLang(lang: Lang): void
  /** Sign in; a rejection's message is shown in the form (or on a fresh one, `again`). */
  submit(email: string, password: string, page: HTMLElement): Promise<void>
  failed(err: unknown, form: HTMLFormElement, show: (said: string) => void): void
}

export function signInPage(o: SignInScreen): HTMLElement {
  const t = o.t
  const error = h('p', { class: 'error', role: 'alert', id: 'signin-error', text: o.message })
  const email = h('input', { id: 'email', type: 'email', autocomplete: 'username', required: true })
  const password = h('input', { id: 'password', type: 'password', autocomplete: 'current-password', required: true })
  const button = h('button', { type: 'submit', class: 'primary', text: t.signIn })
  const form = h(
    'form',
    { class: 'signin', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'email', text: t.email }), email),
    h('div', { class: 'field' }, h('label', { for: 'password', text: t.password }), password),
    error,
    button,
  )
  const page = h(
    'main',
    { class: 'signin-page' },
    h('h1', { text: t.title }),
    h('h2', { text: t.signInTitle }),
    o.notice ? h('p', { class: 'notice', role: 'status', text: o.notice }) : null,
    form,
    langSelect(o.lang, t, o.changeLang),
  )
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    button.disabled = true
    error.textContent = ''
    o.submit(email.value.trim(), password.value, page).catch((err: unknown) => {
      button.disabled = false
      o.failed(err, form, (said) => (error.textContent = said))
    })
  })
  queueMicrotask(() => email.focus())
  return page
}
