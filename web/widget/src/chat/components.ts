// Pieces the screens share: headings, call links, form fields, the resume
// code's box, "end the chat?" and what every view is given to work with.
import { clear, h } from '../../../shared/dom'
import type { WidgetLang } from '../../../shared/i18n'
import type { Config } from '../config'
import type { Strings } from '../i18n/nl'
import type { Api, RegionInfo } from './api'
import type { Sessions } from './session'
import { go, type ChatState, type Note, type Screen } from './state'
import type { Store } from './store'

/** What a screen is built with. The screens are rebuilt on a language switch. */
export interface ViewContext {
  s: Strings
  /** The language shown (the intake sends it: other than Dutch, advisors who speak it are asked first). */
  lang: WidgetLang
  store: Store<ChatState>
  sessions: Sessions
  api: Api
  config: Config
  regions: Regions
}

/** A screen: its element, and how it follows a change of state without being rebuilt. */
export interface View {
  el: HTMLElement
  update?(next: ChatState, previous: ChatState): void
}

/** The regions with their referrals, fetched once for the intake and the end screen. */
export class Regions {
  list: RegionInfo[] | null = null
  private pending: Promise<RegionInfo[]> | null = null

  constructor(
    private readonly api: Api,
    private readonly statusName: (id: string) => string | undefined,
  ) {}

  load(): Promise<RegionInfo[]> {
    if (this.list) return Promise.resolve(this.list)
    this.pending ??= this.api.regions().then(
      (list) => (this.list = list),
      (error: unknown) => {
        this.pending = null
        throw error
      },
    )
    return this.pending
  }

  name(id: string | undefined): string | null {
    if (!id) return null
    return this.list?.find((r) => r.id === id)?.name ?? this.statusName(id) ?? id
  }
}

export function heading(text: string): HTMLHeadingElement {
  return h('h3', { class: 'view-heading', tabindex: '-1', text })
}

export function callLink(s: Strings): HTMLAnchorElement {
  return h('a', { class: 'call-button', href: 'tel:08002000', text: s.callVT })
}

/** "I have a code to go back to my chat". */
export function codeLink(ctx: ViewContext): HTMLButtonElement {
  return h('button', { type: 'button', class: 'link-button', onclick: () => goTo(ctx, 'resume') }, ctx.s.rulesHaveCode)
}

export function goTo(ctx: ViewContext, screen: Screen): void {
  ctx.store.update(go, screen)
}

export function formatWhen(s: Strings, iso: string | null): string | null {
  if (!iso) return null
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return null
  return new Intl.DateTimeFormat(s.locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/Amsterdam',
  }).format(date)
}

/**
 * Server messages are Dutch: shown as they are when the widget speaks Dutch,
 * replaced by the widget's own text (`own`, in the visitor's language) in every other language.
 */
export function serverText(s: Strings, message: string, own: string): string {
  return s.lang === 'nl' && message ? message : own
}

export function noteText(s: Strings, note: Note): string {
  if (note.type === 'advisorLost') return s.advisorLost(note.name ?? s.advisor)
  if (note.type === 'transferred')
    return note.advisor ? s.transferredTo(note.advisor, note.org) : s.transferredToOrg(note.org)
  if (note.type === 'languageUnmatched') return s.languageUnmatched
  if (note.type === 'reassigned') return s.reassigned
  return s.resumedNote
}

/** The resume code, in a box; in the chat a folded one. */
export function codeBox(s: Strings, code: string | undefined, collapsible: boolean): HTMLElement | null {
  if (!code) return null
  const content = [
    h('p', { class: 'code', dir: 'ltr', text: code }), // a code reads left to right, in Arabic too
    h('p', { class: 'hint', text: s.codeBoxText }),
    h('p', { class: 'hint code-warning', text: s.codeBoxWarning }),
  ]
  if (collapsible) return h('details', { class: 'code-box' }, h('summary', { text: s.codeBoxHeading }), content)
  return h('div', { class: 'code-box' }, h('h4', { text: s.codeBoxHeading }), content)
}

/** "Stop" with a confirmation step in place. */
export function endControls(ctx: ViewContext, label: string): HTMLElement {
  const s = ctx.s
  const box = h('div', { class: 'end-controls' })
  const ask = (): void => {
    clear(box)
    const no = h('button', { type: 'button', class: 'secondary', onclick: () => reset() }, s.endNo)
    box.append(
      h('p', { class: 'confirm', text: s.endConfirm }),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'danger-button', onclick: () => ctx.sessions.leave() }, s.endYes),
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
  box.appendChild(h('button', { type: 'button', class: 'secondary end', onclick: ask }, label))
  return box
}

// --- form fields --------------------------------------------------------------------

export interface Field {
  wrap: HTMLElement
  error: HTMLElement
  controls: HTMLElement[]
}

export function field(
  s: Strings,
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

export function radios(
  s: Strings,
  name: string,
  legend: string,
  options: [string, string][],
  opts: { required?: boolean; onchange?: () => void; inline?: boolean } = {},
): Field {
  const error = h('p', { class: 'error', id: `f-${name}-error`, hidden: true })
  const controls = options.map(([value]) => {
    const input = h('input', { type: 'radio', name, value, id: `f-${name}-${value}`, 'aria-describedby': `f-${name}-error` })
    if (opts.onchange) input.addEventListener('change', opts.onchange)
    return input
  })
  const wrap = h(
    'fieldset',
    { class: `field radios${opts.inline ? ' inline' : ''}`, 'data-field': name },
    h('legend', {}, legend, ' ', h('span', { class: 'req', text: opts.required ? s.required : s.optional })),
    error,
    options.map(([value, text], i) =>
      h('div', { class: 'choice' }, controls[i]!, h('label', { for: `f-${name}-${value}`, text })),
    ),
  )
  return { wrap, error, controls }
}

/** Mark a field wrong (or right again: message undefined). */
export function markField(f: Field, message: string | undefined): void {
  f.error.hidden = !message
  f.error.textContent = message ?? ''
  f.wrap.classList.toggle('invalid', Boolean(message))
  for (const control of f.controls) {
    if (message) control.setAttribute('aria-invalid', 'true')
    else control.removeAttribute('aria-invalid')
  }
}

export function crossIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg'
  const svg = document.createElementNS(ns, 'svg')
  for (const [k, v] of Object.entries({ viewBox: '0 0 24 24', width: '22', height: '22', 'aria-hidden': 'true', focusable: 'false' }))
    svg.setAttribute(k, v)
  const path = document.createElementNS(ns, 'path')
  for (const [k, v] of Object.entries({ d: 'M6 6l12 12M18 6L6 18', stroke: 'currentColor', 'stroke-width': '2.5', 'stroke-linecap': 'round' }))
    path.setAttribute(k, v)
  svg.appendChild(path)
  return svg
}
