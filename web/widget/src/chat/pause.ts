// The discreet pause (issue 18): one button in the title bar, or Alt+P
// anywhere on the page (signals.ts, isPauseKey), covers the open chat with a
// small plain card holding one "Verder" button. The panel is `hidden`, so the
// conversation is neither visible nor in the accessibility tree, and its live
// regions say nothing; the stream goes on behind it, so what arrives
// meanwhile is there on return. Nothing else changes: no sound, no badge (the
// panel counts as open, so nothing is counted unread), no page title. Unlike
// "Snel weg" the chat goes on; Esc twice still leaves at once.
//
// Why a blank card and not, say, a weather report: anything with content is
// content someone can read and question (a forecast that is wrong for today, a
// news item in the wrong language), and it would have to be invented. A card
// with one "Verder" button looks like the rest of a web page: a form step,
// a survey, a cookie notice. Its name says nothing of a chat, for screen
// readers too; the chat's own words stay in the hidden panel.
import { h } from '../../../shared/dom'
import type { Strings } from '../i18n/nl'
import type { Sessions } from './session'
import { isPauseKey } from './signals'
import type { ChatState } from './state'
import type { Store } from './store'

export interface PauseControls {
  /** "Pauze" for the title bar. */
  button: HTMLButtonElement
  /** The neutral card, next to the panel. */
  cover: HTMLElement
  render(s: Strings): void
}

export function pauseControls(store: Store<ChatState>, sessions: Sessions): PauseControls {
  const button = h('button', { type: 'button', class: 'pause', 'aria-keyshortcuts': 'Alt+P' })
  const resume = h('button', { type: 'button' })
  // Focus goes to the card itself, not to "Verder": a keystroke meant for the
  // message box must not bring the chat back.
  const cover = h('div', { class: 'pause-cover', tabindex: '-1', hidden: true }, resume)

  button.addEventListener('click', () => sessions.pause(true))
  resume.addEventListener('click', () => sessions.pause(false))
  document.addEventListener(
    'keydown',
    (event) => {
      // Only pauses: a second press never uncovers the chat by accident.
      if (!isPauseKey(event) || !store.state.open || store.state.paused) return
      event.preventDefault()
      sessions.pause(true)
    },
    true,
  )
  store.subscribe((next, previous) => {
    if (next.paused === previous.paused && next.open === previous.open) return
    cover.hidden = !(next.open && next.paused)
    if (next.paused && !previous.paused) cover.focus()
  })

  return {
    button,
    cover,
    render(s) {
      button.textContent = s.pause
      button.setAttribute('aria-label', s.pauseLabel)
      button.title = s.pauseLabel
      cover.lang = s.lang
      resume.textContent = s.pauseContinue
    },
  }
}
