// Back to a running chat with its resume code (this device or another one).
import { h } from '../../../../shared/dom'
import { ApiError } from '../api'
import { field, goTo, heading, markField, serverText, type View, type ViewContext } from '../components'

/** The code as typed, normalised; null when it cannot be a code. */
export function normaliseCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1')
  return /^[0-9A-HJKMNP-TV-Z]{12}$/.test(code) ? code : null
}

export function resumeView(ctx: ViewContext): View {
  const s = ctx.s
  const input = h('input', {
    type: 'text',
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    maxlength: '20',
    class: 'code-input',
    dir: 'ltr', // the code reads left to right, in Arabic too
  })
  const f = field(s, 'resumeCode', s.resumeCode, input, { hint: s.resumeHint, required: true })
  const submit = h('button', { type: 'submit', class: 'primary' }, s.resumeSubmit)
  const back = (): void => goTo(ctx, ctx.store.state.resumeOrigin)
  const form = h(
    'form',
    { novalidate: true },
    heading(s.resumeHeading),
    h('p', { text: s.resumeIntro }),
    f.wrap,
    h('div', { class: 'actions' }, submit, h('button', { type: 'button', class: 'secondary', onclick: back }, s.intakeBack)),
  )
  function fail(message: string): void {
    markField(f, message)
    input.focus()
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const code = normaliseCode(input.value)
    if (!code) {
      fail(s.resumeInvalid)
      return
    }
    submit.disabled = true
    ctx.api
      .resume(code)
      .then((grant) => {
        input.value = ''
        ctx.sessions.start(grant, false)
      })
      .catch((error: unknown) => {
        submit.disabled = false
        if (!(error instanceof ApiError)) fail(s.genericError)
        else if (error.code === 'resume_unknown') fail(serverText(s, error.message, s.resumeUnknown))
        else if (error.code === 'busy') fail(s.resumeBusy)
        else if (error.status === 422) fail(s.resumeInvalid)
        else fail(error.status === 0 ? s.networkError : s.genericError)
      })
  })
  return { el: form }
}
