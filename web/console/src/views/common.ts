// What the console's views share: their context, the language switch, a
// confirmation row, the screen reader's announcer and the sound cue.
import { ApiError, type Api } from '../api'
import { h } from '../../../shared/dom'
import { STRINGS, type Lang, type Strings } from '../i18n'
import type { AlertKind } from '../state/alerts'
import type { Store } from '../store'

/** What a view may use: the state (read, and set through the store), the API, the announcer. */
export interface Ctx {
  readonly store: Store
  readonly api: Api
  announce(text: string): void
  /** A desktop notification, if allowed and the console is out of sight (notify.ts): the kind only. */
  alert(kind: AlertKind): void
}

export const stringsOf = (ctx: Ctx): Strings => STRINGS[ctx.store.state.lang]

/** The message to show for a failed call: the functions' own (Dutch) one, else a generic one (no answer, or no error body). */
export const failure = (err: unknown, t: Strings): string => (err instanceof ApiError && err.status && err.message ? err.message : t.error)

export function langSelect(lang: Lang, t: Strings, change: (lang: Lang) => void): HTMLElement {
  const select = h(
    'select',
    { id: 'lang' },
    h('option', { value: 'nl', text: 'Nederlands', selected: lang === 'nl' }),
    h('option', { value: 'en', text: 'English', selected: lang === 'en' }),
  )
  select.addEventListener('change', () => {
    const next = select.value === 'en' ? 'en' : 'nl'
    document.documentElement.lang = next
    change(next)
  })
  return h('div', { class: 'lang' }, h('label', { for: 'lang', text: t.language }), select)
}

/** "Are you sure" in place: a text, a yes and a cancel button, yes focused. */
export function confirmRow(label: string, text: string, yesText: string, t: Strings, yes: () => void, no: () => void): HTMLElement {
  const yesButton = h('button', { type: 'button', class: 'primary small', text: yesText })
  const noButton = h('button', { type: 'button', class: 'small', text: t.cancel })
  yesButton.addEventListener('click', yes)
  noButton.addEventListener('click', no)
  const row = h('div', { class: 'confirm', role: 'group', 'aria-label': label }, h('span', { text }), yesButton, noButton)
  queueMicrotask(() => yesButton.focus())
  return row
}

/** A polite live region; each text is set anew so that it is read even when repeated. */
export function announcer(): { el: HTMLElement; say: (text: string) => void } {
  const el = h('div', { class: 'sr-only', 'aria-live': 'polite', role: 'status' })
  return {
    el,
    say: (text) => {
      el.textContent = ''
      window.setTimeout(() => (el.textContent = text), 50)
    },
  }
}

/** Run an API call from a button, disabled meanwhile; a failure is announced. */
export async function act(ctx: Ctx, button: HTMLButtonElement, call: () => Promise<unknown>): Promise<void> {
  button.disabled = true
  try {
    await call()
  } catch (err) {
    ctx.announce(failure(err, stringsOf(ctx)))
  } finally {
    button.disabled = false
  }
}

let audio: AudioContext | null = null
export function beep(): void {
  try {
    audio ??= new AudioContext()
    const osc = audio.createOscillator()
    const gain = audio.createGain()
    osc.frequency.value = 660
    gain.gain.value = 0.05
    osc.connect(gain).connect(audio.destination)
    osc.start()
    osc.stop(audio.currentTime + 0.12)
  } catch {
    // No audio: the visual marker remains.
  }
}
