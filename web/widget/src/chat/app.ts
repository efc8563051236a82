// The chat itself, loaded by the loader when the visitor opens the launcher.
// Everything lives in memory: the session token, the resume code, the texts.
// Nothing is written to storage, cookies or the URL, and "Snel weg" throws it
// all away and replaces the page.
import type { RegionStatus } from '../config'
import { adoptStyles, append, clear, h, type Child } from '../dom'
import type { Strings } from '../i18n/nl'
import type { Launcher } from '../loader'
import { Api, ApiError, uuid4, type IntakeBody, type RegionInfo, type RegionRef, type SessionGrant } from './api'
import chatCss from './chat.css?inline'
import { solve } from './proof'
import { EventStream, type StreamEvent } from './sse'

type View = 'rules' | 'closed' | 'intake' | 'resume' | 'waiting' | 'chat' | 'ended'
// 'elsewhere': the chat was resumed with its code in another tab or device.
type EndedBy = 'visitor' | 'advisor' | 'system' | 'elsewhere'

interface Entry {
  key: string
  seq: number | null
  order: number
  kind: 'text' | 'note'
  sender: 'visitor' | 'advisor' | 'system'
  text: string
  name?: string
  at: Date | null
  status?: 'sending' | 'sent' | 'failed'
  error?: string
}

interface Session {
  grant: SessionGrant
  inDanger: boolean
  stream: EventStream
  entries: Entry[]
  outbox: Entry[]
  sending: boolean
  advisor: { name: string; org: string; fallback: boolean; regionName: string | null } | null
  queue: { position: number; estimatedWaitMinutes: number | null } | null
  afterHours: boolean
  state: 'waiting' | 'active' | 'ended'
  endedBy: EndedBy | null
  unread: number
  rateLimited: boolean
}

interface ClosedInfo {
  regionName: string | null
  opensAt: string | null
  hours: string[]
}

const ESCAPE_WINDOW_MS = 1500
const MAX_BACKOFF_MS = 15_000

let wakeSleepers: (() => void)[] = []

/** A pause that ends early when the connection comes back. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      wakeSleepers = wakeSleepers.filter((w) => w !== done)
      resolve()
    }
    wakeSleepers.push(done)
  })
}

export function mount(launcher: Launcher): { open(): void } {
  adoptStyles(launcher.root, chatCss)
  const api = new Api(launcher.config.api)
  const config = launcher.config
  let s: Strings = launcher.strings()

  let session: Session | null = null
  let view: View = 'rules'
  let isOpen = false
  let closed: ClosedInfo | null = null
  let regions: RegionInfo[] | null = null
  let entryCounter = 0
  let lastEscape = 0
  let offline = false
  let resumeOrigin: View = 'rules'

  // --- the frame ------------------------------------------------------------
  const titleEl = h('h2', { class: 'bar-title', id: 'vt-title' })
  const langButton = h('button', { type: 'button', class: 'link-button lang' })
  const minimiseButton = h('button', { type: 'button', class: 'icon-button minimise' })
  const exitButton = h('button', { type: 'button', class: 'exit' })
  const call112 = h('a', { class: 'call112', href: 'tel:112' })
  const connection = h('p', { class: 'connection', role: 'status' })
  const body = h('div', { class: 'body' })
  const panel = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'vt-title', hidden: true },
    h('header', { class: 'bar' }, titleEl, h('div', { class: 'bar-actions' }, langButton, minimiseButton)),
    h('div', { class: 'safety' }, call112, exitButton),
    connection,
    body,
  )
  launcher.slot.appendChild(panel)

  function renderFrame(): void {
    panel.lang = s.lang
    titleEl.textContent = s.panelTitle
    langButton.textContent = s.switchLanguage
    langButton.setAttribute('aria-label', s.switchLanguageLabel)
    langButton.lang = s.lang === 'nl' ? 'en' : 'nl'
    minimiseButton.setAttribute('aria-label', s.minimise)
    minimiseButton.title = s.minimise
    clear(minimiseButton)
    minimiseButton.appendChild(crossIcon())
    exitButton.textContent = s.quickExit
    exitButton.setAttribute('aria-label', s.quickExitLabel)
    exitButton.title = s.escHint
    call112.textContent = s.danger112
    connection.textContent = offline ? s.networkError : ''
  }

  // --- quick exit -----------------------------------------------------------
  function quickExit(): void {
    launcher.host.hidden = true
    launcher.host.remove()
    const current = session
    session = null
    if (current) {
      current.stream.stop()
      current.entries.length = 0
      current.outbox.length = 0
      api.leave(current.grant.token, current.grant.sessionId, true).catch(() => undefined)
    }
    clear(body)
    location.replace(config.exitUrl)
  }
  launcher.quickExit = quickExit
  exitButton.addEventListener('click', quickExit)
  document.addEventListener(
    'keydown',
    (event) => {
      if (event.key !== 'Escape') return
      const now = Date.now()
      if (now - lastEscape < ESCAPE_WINDOW_MS) quickExit()
      else lastEscape = now
    },
    true,
  )

  function setOffline(value: boolean): void {
    offline = value
    connection.textContent = offline ? s.networkError : ''
  }
  window.addEventListener('offline', () => {
    if (session && session.state !== 'ended') setOffline(true)
  })
  window.addEventListener('online', () => {
    setOffline(false)
    for (const wake of [...wakeSleepers]) wake()
    if (session && session.state !== 'ended') session.stream.reconnect()
  })

  // --- open, minimise, language ------------------------------------------------
  function open(): void {
    isOpen = true
    panel.hidden = false
    launcher.hide()
    if (session) {
      session.unread = 0
      renderView(session.state === 'active' || session.entries.length > 0 ? viewForSession() : view)
    } else if (view === 'ended') {
      renderView('ended')
    } else {
      renderView(openingView())
      void launcher.refreshStatus().then(() => {
        if (!session && isOpen && (view === 'rules' || view === 'closed')) {
          const next = openingView()
          if (next !== view) renderView(next)
        }
      })
    }
  }

  function minimise(): void {
    isOpen = false
    panel.hidden = true
    launcher.show({ session: session !== null, unread: session?.unread ?? 0 })
    launcher.focus()
  }

  minimiseButton.addEventListener('click', minimise)
  langButton.addEventListener('click', async () => {
    const saved = saveForm()
    await launcher.setLang(launcher.lang === 'nl' ? 'en' : 'nl')
    s = launcher.strings()
    renderFrame()
    renderView(view, { keepFocus: true })
    restoreForm(saved)
    langButton.focus()
  })

  function regionStatus(): RegionStatus | null {
    const regionsStatus = launcher.status?.regions ?? []
    if (config.region) return regionsStatus.find((r) => r.id === config.region) ?? null
    return null
  }

  function openingView(): View {
    const own = regionStatus()
    if (own && !own.open) {
      closed = { regionName: own.name, opensAt: own.opensAt, hours: own.hours }
      return 'closed'
    }
    return 'rules'
  }

  function viewForSession(): View {
    if (!session) return view
    if (session.state === 'ended') return 'ended'
    if (session.state === 'active' || session.advisor || session.entries.some((e) => e.kind === 'text'))
      return 'chat'
    return 'waiting'
  }

  // --- views ----------------------------------------------------------------------
  function heading(text: string): HTMLHeadingElement {
    return h('h3', { class: 'view-heading', tabindex: '-1', text })
  }

  function renderView(next: View, options: { keepFocus?: boolean; focus?: 'heading' | 'composer' } = {}): void {
    view = next
    clear(body)
    const builders: Record<View, () => HTMLElement> = {
      rules: rulesView,
      closed: closedView,
      intake: intakeView,
      resume: resumeView,
      waiting: waitingView,
      chat: chatView,
      ended: endedView,
    }
    const content = builders[next]()
    content.classList.add('view', `view-${next}`)
    body.appendChild(content)
    body.scrollTop = 0
    if (!isOpen || options.keepFocus) return
    if (options.focus === 'composer') {
      body.querySelector<HTMLTextAreaElement>('textarea')?.focus()
    } else {
      body.querySelector<HTMLElement>('.view-heading')?.focus()
    }
  }

  function rulesView(): HTMLElement {
    return h(
      'div',
      {},
      heading(s.rulesHeading),
      h('p', { text: s.rulesIntro }),
      h(
        'ul',
        { class: 'rules' },
        s.rulesList.map((rule) => h('li', { text: rule })),
      ),
      h('button', { type: 'button', class: 'primary', onclick: () => renderView('intake') }, s.rulesStart),
      h('p', {}, codeLink('rules')),
      h('p', { class: 'hint', text: s.escHint }),
    )
  }

  function codeLink(from: View): HTMLButtonElement {
    return h(
      'button',
      {
        type: 'button',
        class: 'link-button',
        onclick: () => {
          resumeOrigin = from
          renderView('resume')
        },
      },
      s.rulesHaveCode,
    )
  }

  function formatWhen(iso: string | null): string | null {
    if (!iso) return null
    const date = new Date(iso)
    if (Number.isNaN(date.getTime())) return null
    return new Intl.DateTimeFormat(s.lang === 'nl' ? 'nl-NL' : 'en-GB', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'Europe/Amsterdam',
    }).format(date)
  }

  function callLink(): HTMLAnchorElement {
    return h('a', { class: 'call-button', href: 'tel:08002000', text: s.callVT })
  }

  function closedView(): HTMLElement {
    const info = closed ?? { regionName: null, opensAt: null, hours: [] }
    const when = formatWhen(info.opensAt)
    return h(
      'div',
      {},
      heading(s.closedHeading),
      h('p', { text: s.closedText }),
      callLink(),
      when ? h('p', { class: 'opens-at', text: s.closedOpensAt(when) }) : null,
      info.hours.length
        ? h(
            'div',
            { class: 'hours' },
            h('h4', { text: info.regionName ? `${s.closedHours}: ${info.regionName}` : s.closedHours }),
            h('ul', { lang: 'nl' }, info.hours.map((line) => h('li', { text: line }))),
          )
        : null,
      h('p', {}, codeLink('closed')),
    )
  }

  // --- intake -------------------------------------------------------------------------
  interface Field {
    wrap: HTMLElement
    error: HTMLElement
    controls: HTMLElement[]
  }

  function field(
    name: string,
    label: string,
    control: HTMLInputElement | HTMLSelectElement,
    opts: { hint?: string; required?: boolean } = {},
  ): Field {
    const id = `f-${name}`
    control.id = id
    control.setAttribute('name', name)
    const hint = opts.hint ? h('p', { class: 'hint', id: `${id}-hint`, text: opts.hint }) : null
    const error = h('p', { class: 'error', id: `${id}-error`, hidden: true })
    control.setAttribute('aria-describedby', [hint ? `${id}-hint` : '', `${id}-error`].join(' ').trim())
    if (opts.required) control.setAttribute('aria-required', 'true')
    const wrap = h(
      'div',
      { class: 'field', 'data-field': name },
      h('label', { for: id }, label, ' ', h('span', { class: 'req', text: opts.required ? s.required : s.optional })),
      hint,
      error,
      control,
    )
    return { wrap, error, controls: [control] }
  }

  function radios(
    name: string,
    legend: string,
    options: [string, string][],
    opts: { required?: boolean; onchange?: () => void; inline?: boolean } = {},
  ): Field {
    const error = h('p', { class: 'error', id: `f-${name}-error`, hidden: true })
    const controls = options.map(([value]) => {
      const input = h('input', {
        type: 'radio',
        name,
        value,
        id: `f-${name}-${value}`,
        'aria-describedby': `f-${name}-error`,
      })
      if (opts.onchange) input.addEventListener('change', opts.onchange)
      return input
    })
    const wrap = h(
      'fieldset',
      { class: `field radios${opts.inline ? ' inline' : ''}`, 'data-field': name },
      h(
        'legend',
        {},
        legend,
        ' ',
        h('span', { class: 'req', text: opts.required ? s.required : s.optional }),
      ),
      error,
      options.map(([value, text], i) =>
        h('div', { class: 'choice' }, controls[i]!, h('label', { for: `f-${name}-${value}`, text })),
      ),
    )
    return { wrap, error, controls }
  }

  // The intake's puzzle (chat/proof.ts), solved while the form is filled in;
  // good for one intake, so every attempt takes a fresh one.
  let pendingProof: Promise<string> | null = null
  function solvedProof(): Promise<string> {
    if (!pendingProof) {
      const made = api.challenge().then((puzzle) => solve(puzzle))
      made.catch(() => {
        if (pendingProof === made) pendingProof = null
      })
      pendingProof = made
    }
    return pendingProof
  }

  function intakeView(): HTMLElement {
    void solvedProof().catch(() => undefined)
    const nickname = h('input', { type: 'text', maxlength: '30', autocomplete: 'off', spellcheck: 'false' })
    const age = h('input', { type: 'text', inputmode: 'numeric', maxlength: '3', autocomplete: 'off' })
    const postcode = h('input', { type: 'text', inputmode: 'numeric', maxlength: '4', autocomplete: 'off' })
    const regionSelect = h('select', {}, h('option', { value: '', text: s.regionChoose }))
    const fields: Record<string, Field> = {
      nickname: field('nickname', s.nickname, nickname, { hint: s.nicknameHint, required: true }),
      age: field('age', s.age, age, { required: true }),
      gender: radios(
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
        'where',
        s.whereHeading,
        [
          ['postcode', s.wherePostcode],
          ['region', s.whereRegion],
        ],
        { required: true, onchange: () => syncWhere() },
      ),
      postcode: field('postcode', s.postcode, postcode, { hint: s.postcodeHint, required: true }),
      region: field('region', s.region, regionSelect, { required: true }),
      inDanger: radios(
        'inDanger',
        s.inDanger,
        [
          ['yes', s.yes],
          ['no', s.no],
        ],
        { inline: true, onchange: () => syncDanger() },
      ),
      about: radios('about', s.about, [
        ['myself', s.aboutMyself],
        ['someone_else', s.aboutSomeoneElse],
        ['child', s.aboutChild],
        ['other', s.aboutOther],
      ]),
      firstContact: radios(
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
    const form = h(
      'form',
      { novalidate: true, class: 'intake' },
      heading(s.intakeHeading),
      h('p', { text: s.intakeIntro }),
      summary,
      fields.inDanger!.wrap,
      dangerBox,
      fields.nickname!.wrap,
      fields.age!.wrap,
      fields.gender!.wrap,
      fields.where!.wrap,
      fields.postcode!.wrap,
      fields.region!.wrap,
      fields.about!.wrap,
      fields.firstContact!.wrap,
      h(
        'div',
        { class: 'actions' },
        submit,
        h('button', { type: 'button', class: 'secondary', onclick: () => renderView('rules') }, s.intakeBack),
      ),
    )

    function where(): 'postcode' | 'region' {
      return whereControls[1]!.checked ? 'region' : 'postcode'
    }
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
      filling ??= loadRegions().finally(() => {
        if (regionSelect.options.length <= 1) filling = null
      })
      return filling
    }
    async function loadRegions(): Promise<void> {
      try {
        regions ??= await api.regions()
      } catch {
        return
      }
      const sorted = [...regions].sort((a, b) => a.name.localeCompare(b.name, 'nl'))
      for (const r of sorted) regionSelect.appendChild(h('option', { value: r.id, text: r.name }))
      if (config.region && !regionSelect.value) regionSelect.value = config.region
    }
    syncWhere()
    syncDanger()

    function showErrors(errors: Record<string, string>, formMessage?: string): void {
      for (const [name, f] of Object.entries(fields)) {
        const message = errors[name]
        f.error.hidden = !message
        f.error.textContent = message ?? ''
        f.wrap.classList.toggle('invalid', Boolean(message))
        for (const control of f.controls) {
          if (message) control.setAttribute('aria-invalid', 'true')
          else control.removeAttribute('aria-invalid')
        }
      }
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
      for (const name of fieldMessages) {
        const f = fields[name]!
        list.appendChild(
          h(
            'li',
            {},
            h(
              'a',
              {
                href: `#${f.controls[0]!.id}`,
                onclick: (event: Event) => {
                  event.preventDefault()
                  f.controls[0]!.focus()
                },
              },
              errors[name]!,
            ),
          ),
        )
      }
      for (const message of messages) list.appendChild(h('li', { text: message }))
      summary.appendChild(list)
      const firstInvalid = Object.keys(fields).find((name) => errors[name])
      if (firstInvalid) fields[firstInvalid]!.controls[0]!.focus()
      else summary.focus()
    }

    function checked(name: string): string | undefined {
      return (fields[name]!.controls as HTMLInputElement[]).find((c) => c.checked)?.value
    }

    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const errors: Record<string, string> = {}
      const nick = nickname.value.trim()
      if (!nick || nick.length > 30) errors.nickname = s.errNickname
      else if (/(:\/\/|www\.|\b[\w-]+\.(nl|com|net|org|eu|be|de|info|io|me|app|xyz|ly|co|tk|ru)\b)/i.test(nick))
        errors.nickname = s.errNicknameUrl
      const ageText = age.value.trim()
      const ageNumber = Number(ageText)
      if (!/^\d{1,3}$/.test(ageText)) errors.age = s.errAge
      else if (ageNumber < 6 || ageNumber > 120) errors.age = s.errAgeRange
      const gender = checked('gender')
      if (!gender) errors.gender = s.errGender
      const digits = postcode.value.trim()
      if (where() === 'postcode' && !/^[1-9][0-9]{3}$/.test(digits)) errors.postcode = s.errPostcode
      if (where() === 'region' && !regionSelect.value) errors.region = s.errRegion
      if (Object.keys(errors).length) {
        showErrors(errors)
        return
      }
      const about = checked('about')
      const firstContact = checked('firstContact')
      const inDanger = checked('inDanger') === 'yes'
      const request: IntakeBody = {
        nickname: nick,
        age: ageNumber,
        gender: gender as IntakeBody['gender'],
        ...(where() === 'postcode' ? { postcode: digits } : { region: regionSelect.value }),
        answers: { ...(about ? { about } : {}), ...(firstContact ? { firstContact } : {}) },
        inDanger,
      }
      submit.disabled = true
      submit.setAttribute('aria-busy', 'true')
      const proof = solvedProof()
      pendingProof = null
      api
        .intake(request, proof, () => showErrors({}, s.proofWorking))
        .then((grant) => startSession(grant, inDanger))
        .catch((error: unknown) => {
          submit.disabled = false
          submit.removeAttribute('aria-busy')
          if (!(error instanceof ApiError)) {
            showErrors({}, s.genericError)
            return
          }
          if (error.code === 'chat_closed') {
            const d = error.details as { region?: string; opensAt?: string; hours?: string[] }
            closed = { regionName: regionName(d.region), opensAt: d.opensAt ?? null, hours: d.hours ?? [] }
            renderView('closed')
          } else if (error.code === 'postcode_unknown' || error.code === 'postcodes_unavailable') {
            whereControls[1]!.checked = true
            syncWhere()
            showErrors({ region: serverText(error.fields.postcode ?? error.message, s.errRegion) })
          } else if (error.code === 'busy') {
            showErrors({}, s.busy(error.retryAfterSeconds ?? 60))
          } else if (error.status === 422 && Object.keys(error.fields).length) {
            const mapped: Record<string, string> = {}
            for (const [name, message] of Object.entries(error.fields)) {
              const key = name.startsWith('answers.') ? name.slice(8) : name
              mapped[key in fields ? key : name] = serverText(message, englishFor(key))
            }
            showErrors(mapped)
          } else {
            showErrors({}, error.status === 0 ? s.networkError : serverText(error.message, s.genericError))
          }
        })
    })
    return form
  }

  function regionName(id: string | undefined): string | null {
    if (!id) return null
    const known = regions?.find((r) => r.id === id) ?? launcher.status?.regions.find((r) => r.id === id)
    return known?.name ?? id
  }

  /** Server messages are Dutch: shown as they are in Dutch, replaced by our own text in English. */
  function serverText(message: string, english: string): string {
    return s.lang === 'nl' && message ? message : english
  }

  function englishFor(name: string): string {
    const byField: Record<string, string> = {
      nickname: s.errNickname,
      age: s.errAgeRange,
      gender: s.errGender,
      postcode: s.errPostcode,
      region: s.errRegion,
    }
    return byField[name] ?? s.genericError
  }

  // --- resume ---------------------------------------------------------------------------
  function resumeView(): HTMLElement {
    const input = h('input', {
      type: 'text',
      autocomplete: 'off',
      autocapitalize: 'characters',
      spellcheck: 'false',
      maxlength: '20',
      class: 'code-input',
    })
    const f = field('resumeCode', s.resumeCode, input, { hint: s.resumeHint, required: true })
    const submit = h('button', { type: 'submit', class: 'primary' }, s.resumeSubmit)
    const form = h(
      'form',
      { novalidate: true },
      heading(s.resumeHeading),
      h('p', { text: s.resumeIntro }),
      f.wrap,
      h(
        'div',
        { class: 'actions' },
        submit,
        h('button', { type: 'button', class: 'secondary', onclick: () => renderView(resumeOrigin) }, s.intakeBack),
      ),
    )
    function fail(message: string): void {
      f.error.textContent = message
      f.error.hidden = false
      f.wrap.classList.add('invalid')
      input.setAttribute('aria-invalid', 'true')
      input.focus()
    }
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const code = input.value.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1')
      if (!/^[0-9A-HJKMNP-TV-Z]{12}$/.test(code)) {
        fail(s.resumeInvalid)
        return
      }
      submit.disabled = true
      api
        .resume(code)
        .then((grant) => {
          input.value = ''
          startSession(grant, false)
        })
        .catch((error: unknown) => {
          submit.disabled = false
          if (!(error instanceof ApiError)) fail(s.genericError)
          else if (error.code === 'resume_unknown') fail(serverText(error.message, s.resumeUnknown))
          else if (error.code === 'busy') fail(s.resumeBusy)
          else if (error.status === 422) fail(s.resumeInvalid)
          else fail(error.status === 0 ? s.networkError : s.genericError)
        })
    })
    return form
  }

  // --- the session -----------------------------------------------------------------------
  function startSession(grant: SessionGrant, inDanger: boolean): void {
    session?.stream.stop()
    const current: Session = {
      grant,
      inDanger,
      // Never `${api}/stream`: that path is a Hosting rewrite, which buffers.
      stream: new EventStream(grant.streamUrl ?? '', grant.token, {
        onEvent: (event) => {
          if (session === current) handleEvent(current, event)
        },
        onConnection: (connected) => {
          if (session === current) setOffline(!connected)
        },
        onGone: (_status, code) => {
          if (session !== current || current.state === 'ended') return
          end(current, code === 'token_revoked' ? 'elsewhere' : (current.endedBy ?? 'system'))
        },
      }),
      entries: [],
      outbox: [],
      sending: false,
      advisor: null,
      queue: null,
      afterHours: false,
      state: grant.state === 'active' ? 'active' : 'waiting',
      endedBy: null,
      unread: 0,
      rateLimited: false,
    }
    session = current
    renderView('waiting')
    current.stream.start()
  }

  function handleEvent(current: Session, event: StreamEvent): void {
    const d = event.data
    const at = typeof d.at === 'string' ? new Date(d.at) : null
    const seq = typeof d.seq === 'number' ? d.seq : event.id
    switch (event.type) {
      case 'queue':
        current.queue = {
          position: Number(d.position) || 1,
          estimatedWaitMinutes: typeof d.estimatedWaitMinutes === 'number' ? d.estimatedWaitMinutes : null,
        }
        updateQueue()
        return
      case 'queued':
        if (current.state !== 'ended' && !current.advisor) current.state = 'waiting'
        if (view !== 'waiting' && !current.advisor && !current.entries.some((e) => e.kind === 'text'))
          showSessionView()
        return
      case 'assigned': {
        current.advisor = {
          name: String(d.advisorName ?? s.advisor),
          org: String(d.orgName ?? 'Veilig Thuis'),
          fallback: d.fallback === true,
          regionName: typeof d.regionName === 'string' ? d.regionName : null,
        }
        current.state = 'active'
        current.queue = null
        if (view !== 'chat') showSessionView('composer')
        else updateChatHeader()
        return
      }
      case 'message': {
        const sender = d.sender === 'advisor' ? 'advisor' : 'visitor'
        const text = typeof d.text === 'string' ? d.text : ''
        if (sender === 'visitor') {
          reconcileOwn(current, seq, text, at, typeof d.messageId === 'string' ? d.messageId : null)
        } else if (!current.entries.some((e) => e.seq === seq)) {
          addEntry(current, {
            key: `seq-${seq}`,
            seq,
            kind: 'text',
            sender: 'advisor',
            text,
            name: typeof d.advisorName === 'string' ? d.advisorName : current.advisor?.name,
            at,
          })
          if (!isOpen) {
            current.unread += 1
            launcher.show({ session: true, unread: current.unread })
          }
        }
        if (view !== 'chat' && current.state !== 'ended') showSessionView()
        else renderMessages()
        return
      }
      case 'after_hours':
        current.afterHours = true
        updateQueue()
        return
      case 'advisor_lost': {
        const name = String(d.advisorName ?? current.advisor?.name ?? s.advisor)
        current.advisor = null
        current.state = 'waiting'
        if (!current.entries.some((e) => e.seq === seq))
          addEntry(current, { key: `seq-${seq}`, seq, kind: 'note', sender: 'system', text: s.advisorLost(name), at })
        if (view === 'chat') {
          updateChatHeader()
          renderMessages()
        }
        return
      }
      case 'transferred': {
        // A colleague continues (advisorName), or another organisation's queue does.
        const org = String(d.orgName ?? 'Veilig Thuis')
        const colleague = typeof d.advisorName === 'string' ? d.advisorName : null
        if (colleague) {
          current.advisor = { name: colleague, org, fallback: false, regionName: null }
        } else {
          current.advisor = null
          current.state = 'waiting'
        }
        const text = colleague ? s.transferredTo(colleague, org) : s.transferredToOrg(org)
        if (!current.entries.some((e) => e.seq === seq))
          addEntry(current, { key: `seq-${seq}`, seq, kind: 'note', sender: 'system', text, at })
        if (view === 'chat') {
          updateChatHeader()
          renderMessages()
        }
        return
      }
      case 'ended':
        end(current, d.endedBy === 'advisor' || d.endedBy === 'visitor' ? d.endedBy : 'system')
        return
      case 'resumed':
        if (!current.entries.some((e) => e.seq === seq))
          addEntry(current, { key: `seq-${seq}`, seq, kind: 'note', sender: 'system', text: s.resumedNote, at })
        if (view === 'chat') renderMessages()
        return
      case 'revoked':
        end(current, 'elsewhere')
        return
      default:
        return
    }
  }

  function showSessionView(focus?: 'composer'): void {
    if (!isOpen) {
      view = viewForSession()
      return
    }
    const active = document.activeElement === launcher.host ? launcher.root.activeElement : null
    const typing = active instanceof HTMLTextAreaElement
    renderView(viewForSession(), { focus, keepFocus: typing })
  }

  function addEntry(current: Session, entry: Omit<Entry, 'order'>): Entry {
    const full = { ...entry, order: entryCounter++ }
    current.entries.push(full)
    current.entries.sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity) || a.order - b.order)
    return full
  }

  /** The stream echoes the visitor's own messages: match them to what is pending, never show twice. */
  function reconcileOwn(current: Session, seq: number | null, text: string, at: Date | null, messageId: string | null): void {
    if (current.entries.some((e) => e.seq === seq && seq !== null)) return
    const pending =
      (messageId && current.entries.find((e) => e.key === messageId)) ||
      current.entries.find((e) => e.sender === 'visitor' && e.kind === 'text' && e.seq === null && e.text === text)
    if (pending) {
      pending.seq = seq
      pending.at = at ?? pending.at
      pending.status = 'sent'
      current.outbox = current.outbox.filter((e) => e !== pending)
      current.entries.sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity) || a.order - b.order)
      return
    }
    addEntry(current, { key: `seq-${seq}`, seq, kind: 'text', sender: 'visitor', text, at, status: 'sent' })
  }

  function end(current: Session, endedBy: EndedBy): void {
    current.state = 'ended'
    current.endedBy = endedBy
    current.stream.finish()
    current.outbox.length = 0
    // The token and the code are useless now: drop them.
    current.grant = { ...current.grant, token: '', resumeCode: '' }
    offline = false
    connection.textContent = ''
    if (isOpen) renderView('ended')
    else {
      view = 'ended'
      launcher.show({ session: true, unread: current.unread + 1 })
    }
  }

  // --- sending ----------------------------------------------------------------------------
  function send(text: string): void {
    const current = session
    if (!current || current.state === 'ended') return
    const id = uuid4()
    const entry = addEntry(current, {
      key: id,
      seq: null,
      kind: 'text',
      sender: 'visitor',
      text,
      at: new Date(),
      status: 'sending',
    })
    current.outbox.push(entry)
    renderMessages()
    void pump(current)
  }

  /** One message in flight at a time, in order; each retried with its own id until stored. */
  async function pump(current: Session): Promise<void> {
    if (current.sending) return
    current.sending = true
    try {
      while (session === current && current.outbox.length > 0) {
        const entry = current.outbox[0]!
        if (entry.status === 'sent') {
          current.outbox.shift()
          continue
        }
        let attempt = 0
        for (;;) {
          if (session !== current || current.state === 'ended') return
          try {
            const accepted = await api.send(current.grant.token, current.grant.sessionId, entry.key, entry.text)
            if (entry.seq === null) {
              const echo = current.entries.find((e) => e !== entry && e.seq === accepted.seq)
              if (echo) current.entries.splice(current.entries.indexOf(echo), 1)
              entry.seq = accepted.seq
            }
            if (accepted.createdAt) entry.at = new Date(accepted.createdAt)
            entry.status = 'sent'
            if (offline && navigator.onLine) setOffline(false)
            current.entries.sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity) || a.order - b.order)
            if (current.rateLimited) {
              current.rateLimited = false
              updateComposerNote()
            }
            break
          } catch (error) {
            if (!(error instanceof ApiError)) throw error
            if (error.code === 'token_revoked') {
              end(current, 'elsewhere')
              return
            }
            if (error.code === 'rate_limited') {
              current.rateLimited = true
              updateComposerNote()
              await sleep(1000 * (error.retryAfterSeconds ?? 2))
              continue
            }
            if (error.transient || error.code === 'contention') {
              if (error.status === 0) setOffline(true)
              await sleep(Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt++))
              continue
            }
            entry.status = 'failed'
            entry.error =
              error.code === 'chat_ended' ? s.endedHeading : serverText(error.fields.text ?? error.message, s.sendError)
            break
          }
        }
        current.outbox.shift()
        renderMessages()
      }
    } finally {
      current.sending = false
    }
  }

  // --- waiting ---------------------------------------------------------------------------
  const queueEls = { position: null as HTMLElement | null, estimate: null as HTMLElement | null, notes: null as HTMLElement | null }

  function codeBox(collapsible: boolean): HTMLElement | null {
    const code = session?.grant.resumeCode
    if (!code) return null
    const content = [
      h('p', { class: 'code', text: code }),
      h('p', { class: 'hint', text: s.codeBoxText }),
      h('p', { class: 'hint code-warning', text: s.codeBoxWarning }),
    ]
    if (collapsible) {
      return h('details', { class: 'code-box' }, h('summary', { text: s.codeBoxHeading }), content)
    }
    return h('div', { class: 'code-box' }, h('h4', { text: s.codeBoxHeading }), content)
  }

  function endControls(label: string): HTMLElement {
    const box = h('div', { class: 'end-controls' })
    const ask = (): void => {
      clear(box)
      const no = h('button', { type: 'button', class: 'secondary', onclick: () => reset() }, s.endNo)
      box.append(
        h('p', { class: 'confirm', text: s.endConfirm }),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'danger-button', onclick: () => leave() }, s.endYes),
          no,
        ),
      )
      no.focus()
    }
    const reset = (): void => {
      clear(box)
      const button = h('button', { type: 'button', class: 'secondary end', onclick: ask }, label)
      box.appendChild(button)
      if (box.isConnected) button.focus()
    }
    clear(box)
    box.appendChild(h('button', { type: 'button', class: 'secondary end', onclick: ask }, label))
    return box
  }

  function leave(): void {
    const current = session
    if (!current) return
    const { token, sessionId } = current.grant
    end(current, 'visitor')
    api.leave(token, sessionId).catch(() => undefined)
  }

  function waitingView(): HTMLElement {
    queueEls.position = h('p', { class: 'position' })
    queueEls.estimate = h('p', { class: 'estimate' })
    queueEls.notes = h('div', { class: 'notes' })
    const el = h(
      'div',
      {},
      heading(s.waitingHeading),
      h('div', { class: 'queue', role: 'status', 'aria-live': 'polite' }, queueEls.position, queueEls.estimate),
      queueEls.notes,
      codeBox(false),
      h(
        'div',
        { class: 'read' },
        h('h4', { text: s.waitingReadHeading }),
        h('ul', {}, s.waitingRead.map((line) => h('li', { text: line }))),
        callLink(),
      ),
      endControls(s.stopWaiting),
    )
    updateQueue()
    return el
  }

  function updateQueue(): void {
    const current = session
    if (!current) return
    if (view === 'waiting' && queueEls.position && queueEls.estimate && queueEls.notes) {
      const q = current.queue
      queueEls.position.textContent = q ? s.waitingPosition(q.position) : s.waitingConnecting
      queueEls.estimate.textContent = q
        ? q.estimatedWaitMinutes === null
          ? s.waitingUnknown
          : s.waitingEstimate(q.estimatedWaitMinutes)
        : ''
      clear(queueEls.notes)
      if (current.inDanger)
        queueEls.notes.appendChild(
          h(
            'div',
            { class: 'danger-box' },
            h('p', { text: s.urgentNote }),
            h('a', { class: 'call-button danger', href: 'tel:112', text: s.dangerCall }),
          ),
        )
      if (current.afterHours) queueEls.notes.appendChild(h('p', { class: 'note', text: s.afterHours }))
    }
    if (view === 'chat') updateChatHeader()
  }

  // --- chatting -----------------------------------------------------------------------------
  const chatEls = {
    header: null as HTMLElement | null,
    log: null as HTMLDivElement | null,
    note: null as HTMLElement | null,
  }
  const rendered = new Map<Entry, HTMLElement>()
  const timeFormat = (): Intl.DateTimeFormat =>
    new Intl.DateTimeFormat(s.lang === 'nl' ? 'nl-NL' : 'en-GB', { hour: '2-digit', minute: '2-digit' })

  function chatView(): HTMLElement {
    chatEls.header = h('div', { class: 'advisor' })
    chatEls.log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': s.messagesLabel, tabindex: '0' })
    chatEls.note = h('p', { class: 'composer-note', role: 'status' })
    rendered.clear()
    const textarea = h('textarea', {
      id: 'f-message',
      name: 'message',
      rows: '2',
      maxlength: '2000',
      autocomplete: 'off',
    })
    const composer = h(
      'form',
      { class: 'composer', novalidate: true },
      h('label', { for: 'f-message', class: 'sr-only', text: s.messageLabel }),
      textarea,
      h('button', { type: 'submit', class: 'primary send' }, s.send),
    )
    const submit = (): void => {
      const text = textarea.value
      if (!text.trim()) return
      if (text.length > 2000) {
        chatEls.note!.textContent = s.messageTooLong
        return
      }
      textarea.value = ''
      send(text)
      textarea.focus()
    }
    composer.addEventListener('submit', (event) => {
      event.preventDefault()
      submit()
    })
    textarea.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault()
        submit()
      }
    })
    const el = h(
      'div',
      {},
      h('h3', { class: 'view-heading sr-only', tabindex: '-1', text: s.panelTitle }),
      chatEls.header,
      chatEls.log,
      chatEls.note,
      composer,
      codeBox(true),
      endControls(s.endChat),
    )
    updateChatHeader()
    renderMessages()
    updateComposerNote()
    return el
  }

  function updateChatHeader(): void {
    const current = session
    if (!current || !chatEls.header) return
    clear(chatEls.header)
    const a = current.advisor
    if (a) {
      chatEls.header.append(h('p', { class: 'advisor-name', text: s.chatWith(a.name, a.org) }))
      if (a.fallback && a.regionName) chatEls.header.append(h('p', { class: 'hint', text: s.chatFallback(a.regionName) }))
    } else {
      const q = current.queue
      chatEls.header.append(h('p', { class: 'advisor-name', text: s.waitingConnecting }))
      if (q) chatEls.header.append(h('p', { class: 'hint', text: s.waitingPosition(q.position) }))
    }
  }

  function updateComposerNote(): void {
    if (chatEls.note) chatEls.note.textContent = session?.rateLimited ? s.tooFast : ''
  }

  function renderMessages(): void {
    const current = session
    const log = chatEls.log
    if (!current || !log || view !== 'chat') return
    const format = timeFormat()
    current.entries.forEach((entry, index) => {
      let li = rendered.get(entry)
      const fresh = !li
      if (!li) {
        li = h('div', {})
        rendered.set(entry, li)
      }
      const own = entry.sender === 'visitor'
      li.className = `msg ${entry.kind === 'note' ? 'note' : own ? 'own' : 'theirs'}${entry.status ? ` ${entry.status}` : ''}`
      clear(li)
      if (entry.kind === 'note') {
        li.append(h('p', { class: 'text', text: entry.text }))
      } else {
        const time = entry.at ? format.format(entry.at) : ''
        append(li, [
          h(
            'p',
            { class: 'meta' },
            h('span', { class: 'who', text: own ? s.you : (entry.name ?? s.advisor) }),
            time ? h('span', { class: 'time' }, h('span', { class: 'sr-only', text: ' ' }), time) : null,
          ),
          h('p', { class: 'text', text: entry.text }),
          own
            ? h('p', {
                class: 'state',
                text:
                  entry.status === 'failed'
                    ? `${s.failed}: ${entry.error ?? s.sendError}`
                    : entry.status === 'sending'
                      ? s.sending
                      : s.sent,
              })
            : null,
        ])
      }
      if (log.children[index] !== li) log.insertBefore(li, log.children[index] ?? null)
      if (fresh) log.scrollTop = log.scrollHeight
    })
    while (log.children.length > current.entries.length) log.lastChild?.remove()
    log.scrollTop = log.scrollHeight
  }

  // --- ended -------------------------------------------------------------------------------
  function endedView(): HTMLElement {
    const current = session
    const by = current?.endedBy ?? 'system'
    const help = h('ul', { class: 'referrals' })
    const fill = (list: RegionInfo[]): void => {
      const region = list.find((r) => r.id === current?.grant.region.id)
      for (const referral of (region?.referrals ?? []).slice(0, 4)) {
        help.appendChild(
          h(
            'li',
            {},
            referral.url
              ? h('a', { href: referral.url, target: '_blank', rel: 'noopener noreferrer', text: referral.name })
              : h('strong', { text: referral.name }),
            referral.description ? h('span', { class: 'hint', text: ` ${referral.description}` }) : null,
          ),
        )
      }
    }
    if (regions) fill(regions)
    else
      api
        .regions()
        .then((list) => {
          regions = list
          fill(list)
        })
        .catch(() => undefined)
    return h(
      'div',
      {},
      heading(by === 'elsewhere' ? s.closedHereHeading : s.endedHeading),
      h('p', {
        class: 'ended-by',
        text:
          by === 'advisor'
            ? s.endedByAdvisor
            : by === 'visitor'
              ? s.endedByVisitor
              : by === 'elsewhere'
                ? s.endedElsewhere
                : s.endedBySystem,
      }),
      h('p', { text: s.endedMore }),
      callLink(),
      h(
        'div',
        { class: 'more-help' },
        h('h4', { text: s.moreHelp }),
        help,
        h('p', {}, h('a', { href: 'https://www.veiligthuis.nl/', target: '_blank', rel: 'noopener noreferrer', text: s.moreHelpSite })),
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'primary', onclick: () => forget('rules') }, s.newChat),
        h('button', { type: 'button', class: 'secondary', onclick: () => forget(null) }, s.close),
      ),
    )
  }

  /** After an ended chat: drop it from memory entirely. */
  function forget(next: View | null): void {
    session = null
    rendered.clear()
    if (next) renderView(next)
    else {
      view = 'rules'
      minimise()
    }
  }

  // --- language switch keeps what was typed ---------------------------------------------------
  function saveForm(): Map<string, string | boolean> {
    const saved = new Map<string, string | boolean>()
    body.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea').forEach((el) => {
      if (el instanceof HTMLInputElement && el.type === 'radio') saved.set(`${el.name}=${el.value}`, el.checked)
      else if (el.name || el.id) saved.set(el.name || el.id, el.value)
    })
    return saved
  }

  function restoreForm(saved: Map<string, string | boolean>): void {
    body.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea').forEach((el) => {
      if (el instanceof HTMLInputElement && el.type === 'radio') {
        const value = saved.get(`${el.name}=${el.value}`)
        if (typeof value === 'boolean') {
          el.checked = value
          if (value) el.dispatchEvent(new Event('change', { bubbles: true }))
        }
      } else {
        const value = saved.get(el.name || el.id)
        if (typeof value === 'string') el.value = value
      }
    })
  }

  renderFrame()
  return { open }
}

function crossIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg'
  const svg = document.createElementNS(ns, 'svg')
  svg.setAttribute('viewBox', '0 0 24 24')
  svg.setAttribute('width', '22')
  svg.setAttribute('height', '22')
  svg.setAttribute('aria-hidden', 'true')
  svg.setAttribute('focusable', 'false')
  const path = document.createElementNS(ns, 'path')
  path.setAttribute('d', 'M6 6l12 12M18 6L6 18')
  path.setAttribute('stroke', 'currentColor')
  path.setAttribute('stroke-width', '2.5')
  path.setAttribute('stroke-linecap', 'round')
  svg.appendChild(path)
  return svg
}

export type { RegionRef, Child }
