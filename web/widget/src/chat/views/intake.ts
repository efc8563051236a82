// The intake: a few questions before the queue. Checked here first
// (intake-check.ts), then by the server, whose answers map onto the fields.
import { clear, h } from '../../../../shared/dom'
import { ApiError, type Api } from '../api'
import { field, goTo, heading, markField, radios, serverText, type Field, type View, type ViewContext } from '../components'
import { checkIntake, formFieldName } from '../intake-check'
import { solve } from '../proof'
import { closedBy } from '../state'

/**
 * The intake's puzzle (chat/proof.ts), solved while the form is filled in;
 * good for one intake, so every attempt takes a fresh one.
 */
export class Proofs {
  private pending: Promise<string> | null = null

  constructor(private readonly api: Api) {}

  solved(): Promise<string> {
    if (!this.pending) {
      const made = this.api.challenge().then((puzzle) => solve(puzzle))
      made.catch(() => {
        if (this.pending === made) this.pending = null
      })
      this.pending = made
    }
    return this.pending
  }

  take(): Promise<string> {
    const proof = this.solved()
    this.pending = null
    return proof
  }
}

export function intakeView(ctx: ViewContext, proofs: Proofs): View {
  const s = ctx.s
  void proofs.solved().catch(() => undefined)
  const nickname = h('input', { type: 'text', maxlength: '30', autocomplete: 'off', spellcheck: 'false', dir: 'auto' })
  const age = h('input', { type: 'text', inputmode: 'numeric', maxlength: '3', autocomplete: 'off' })
  const postcode = h('input', { type: 'text', inputmode: 'numeric', maxlength: '4', autocomplete: 'off' })
  const regionSelect = h('select', {}, h('option', { value: '', text: s.regionChoose }))
  const fields: Record<string, Field> = {
    nickname: field(s, 'nickname', s.nickname, nickname, { hint: s.nicknameHint, required: true }),
    age: field(s, 'age', s.age, age, { required: true }),
    gender: radios(
      s,
      'gender',
      s.gender,
      [
        ['woman', s.genderWoman],
        ['man', s.genderMan],
        ['other', s.genderOther],
        ['unspecified', s.genderUnspecified],
      ],
      { required: true },
    ),
    where: radios(
      s,
      'where',
      s.whereHeading,
      [
        ['postcode', s.wherePostcode],
        ['region', s.whereRegion],
      ],
      { required: true, onchange: () => syncWhere() },
    ),
    postcode: field(s, 'postcode', s.postcode, postcode, { hint: s.postcodeHint, required: true }),
    region: field(s, 'region', s.region, regionSelect, { required: true }),
    inDanger: radios(
      s,
      'inDanger',
      s.inDanger,
      [
        ['yes', s.yes],
        ['no', s.no],
      ],
      { inline: true, onchange: () => syncDanger() },
    ),
    about: radios(s, 'about', s.about, [
      ['myself', s.aboutMyself],
      ['someone_else', s.aboutSomeoneElse],
      ['child', s.aboutChild],
      ['other', s.aboutOther],
    ]),
    firstContact: radios(
      s,
      'firstContact',
      s.firstContact,
      [
        ['yes', s.firstYes],
        ['no', s.firstNo],
        ['unknown', s.firstUnknown],
      ],
      { inline: true },
    ),
  }
  const whereControls = fields.where!.controls as HTMLInputElement[]
  whereControls[0]!.checked = true
  const dangerBox = h(
    'div',
    { class: 'danger-box', role: 'alert', hidden: true },
    h('p', { text: s.dangerNow }),
    h('a', { class: 'call-button danger', href: 'tel:112', text: s.dangerCall }),
  )
  const summary = h('div', { class: 'summary', role: 'alert', tabindex: '-1', hidden: true })
  const submit = h('button', { type: 'submit', class: 'primary' }, s.intakeSubmit)
  const back = h('button', { type: 'button', class: 'secondary', onclick: () => goTo(ctx, 'rules') }, s.intakeBack)
  const form = h(
    'form',
    { novalidate: true, class: 'intake' },
    heading(s.intakeHeading),
    h('p', { text: s.intakeIntro }),
    summary,
    fields.inDanger!.wrap,
    dangerBox,
    ['nickname', 'age', 'gender', 'where', 'postcode', 'region', 'about', 'firstContact'].map((name) => fields[name]!.wrap),
    h('div', { class: 'actions' }, submit, back),
  )

  const where = (): 'postcode' | 'region' => (whereControls[1]!.checked ? 'region' : 'postcode')
  function syncWhere(): void {
    fields.postcode!.wrap.hidden = where() !== 'postcode'
    fields.region!.wrap.hidden = where() !== 'region'
    if (where() === 'region') void fillRegions()
  }
  function syncDanger(): void {
    dangerBox.hidden = !(fields.inDanger!.controls[0] as HTMLInputElement).checked
  }
  let filling: Promise<void> | null = null
  function fillRegions(): Promise<void> {
    filling ??= ctx.regions
      .load()
      .then((list) => {
        const sorted = [...list].sort((a, b) => a.name.localeCompare(b.name, 'nl'))
        for (const r of sorted) regionSelect.appendChild(h('option', { value: r.id, text: r.name }))
        if (ctx.config.region && !regionSelect.value) regionSelect.value = ctx.config.region
      })
      .catch(() => undefined)
      .finally(() => {
        if (regionSelect.options.length <= 1) filling = null
      })
    return filling
  }
  syncWhere()
  syncDanger()

  function errorLink(f: Field, message: string): HTMLElement {
    const focus = (event: Event): void => {
      event.preventDefault()
      f.controls[0]!.focus()
    }
    return h('li', {}, h('a', { href: `#${f.controls[0]!.id}`, onclick: focus }, message))
  }

  function showErrors(errors: Record<string, string>, formMessage?: string): void {
    for (const [name, f] of Object.entries(fields)) markField(f, errors[name])
    const messages = Object.entries(errors)
      .filter(([name]) => !(name in fields))
      .map(([, message]) => message)
    if (formMessage) messages.unshift(formMessage)
    const fieldMessages = Object.keys(errors).filter((name) => name in fields)
    clear(summary)
    if (messages.length === 0 && fieldMessages.length === 0) {
      summary.hidden = true
      return
    }
    summary.hidden = false
    if (fieldMessages.length) summary.appendChild(h('p', { class: 'summary-title', text: s.errorsHeading }))
    const list = h('ul', {})
    for (const name of fieldMessages) list.appendChild(errorLink(fields[name]!, errors[name]!))
    for (const message of messages) list.appendChild(h('li', { text: message }))
    summary.appendChild(list)
    const firstInvalid = Object.keys(fields).find((name) => errors[name])
    if (firstInvalid) fields[firstInvalid]!.controls[0]!.focus()
    else summary.focus()
  }

  const checked = (name: string): string | undefined =>
    (fields[name]!.controls as HTMLInputElement[]).find((c) => c.checked)?.value

  /** The widget's own text for a field the server refused (shown instead of its Dutch outside Dutch). */
  function ownTextFor(name: string): string {
    const byField: Record<string, string> = {
      nickname: s.errNickname,
      age: s.errAgeRange,
      gender: s.errGender,
      postcode: s.errPostcode,
      region: s.errRegion,
    }
    return byField[name] ?? s.genericError
  }

  function refused(error: unknown): void {
    submit.disabled = false
    submit.removeAttribute('aria-busy')
    if (!(error instanceof ApiError)) {
      showErrors({}, s.genericError)
    } else if (error.code === 'chat_closed') {
      const d = error.details as { region?: string; opensAt?: string; hours?: string[] }
      ctx.store.update(closedBy, { regionName: ctx.regions.name(d.region), opensAt: d.opensAt ?? null, hours: d.hours ?? [] })
    } else if (error.code === 'postcode_unknown' || error.code === 'postcodes_unavailable') {
      whereControls[1]!.checked = true
      syncWhere()
      showErrors({ region: serverText(s, error.fields.postcode ?? error.message, s.errRegion) })
    } else if (error.code === 'busy') {
      showErrors({}, s.busy(error.retryAfterSeconds ?? 60))
    } else if (error.status === 422 && Object.keys(error.fields).length) {
      const mapped: Record<string, string> = {}
      for (const [name, message] of Object.entries(error.fields)) {
        const key = formFieldName(name, (n) => n in fields)
        mapped[key] = serverText(s, message, ownTextFor(name.startsWith('answers.') ? name.slice(8) : name))
      }
      showErrors(mapped)
    } else {
      showErrors({}, error.status === 0 ? s.networkError : serverText(s, error.message, s.genericError))
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const check = checkIntake({
      nickname: nickname.value,
      age: age.value,
      gender: checked('gender'),
      where: where(),
      postcode: postcode.value,
      region: regionSelect.value,
      about: checked('about'),
      firstContact: checked('firstContact'),
      inDanger: checked('inDanger'),
      language: ctx.lang,
    })
    if (!check.ok) {
      showErrors(Object.fromEntries(Object.entries(check.errors).map(([name, problem]) => [name, s[problem]])))
      return
    }
    submit.disabled = true
    submit.setAttribute('aria-busy', 'true')
    ctx.api
      .intake(check.request, proofs.take(), () => showErrors({}, s.proofWorking))
      .then((grant) => ctx.sessions.start(grant, check.request.inDanger === true))
      .catch(refused)
  })
  return { el: form }
}
