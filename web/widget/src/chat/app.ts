// The chat itself, loaded by the loader when the visitor opens the launcher.
// Everything lives in memory: the session token, the resume code, the texts.
// Nothing is written to storage, cookies or the URL, and "Snel weg" throws it
// all away and replaces the page.
//
// The shape (web/README.md): state.ts holds the state and its pure changes,
// store.ts the current state, session.ts the conversation's I/O, views/ one
// module per screen. This file is the frame around them: the title bar,
// quick exit, open/minimise, the language, and which screen is drawn.
import { adoptStyles, clear, h } from '../../../shared/dom'
import { dirOf, type WidgetLang } from '../../../shared/i18n'
import type { Launcher } from '../loader'
import { Api } from './api'
import frameCss from './frame.css?inline'
import screensCss from './screens.css?inline'
import { crossIcon, Regions, type View, type ViewContext } from './components'
import { languageMenu } from './language-menu'
import { pauseControls } from './pause'
import { Sessions } from './session'
import * as S from './state'
import { Store } from './store'
import { conversationView } from './views/conversation'
import { endedView } from './views/ended'
import { intakeView, Proofs } from './views/intake'
import { resumeView } from './views/resume'
import { waitingView } from './views/waiting'
import { closedView, rulesView } from './views/welcome'

const ESCAPE_WINDOW_MS = 1500

export function mount(launcher: Launcher): { open(): void } {
  adoptStyles(launcher.root, frameCss + screensCss)
  const config = launcher.config
  const api = new Api(config.api)
  const store = new Store<S.ChatState>(S.initialState)
  const sessions = new Sessions(store, api)
  const pause = pauseControls(store, sessions)
  const regions = new Regions(api, (id) => launcher.status?.regions.find((r) => r.id === id)?.name)
  const proofs = new Proofs(api)
  let s = launcher.strings()
  let lastEscape = 0

  // --- the frame ------------------------------------------------------------
  const titleEl = h('h2', { class: 'bar-title', id: 'vt-title' })
  const langMenu = languageMenu(chooseLanguage)
  const minimiseButton = h('button', { type: 'button', class: 'icon-button minimise' })
  const exitButton = h('button', { type: 'button', class: 'exit' })
  const call112 = h('a', { class: 'call112', href: 'tel:112' })
  const connection = h('p', { class: 'connection', role: 'status' })
  const body = h('div', { class: 'body' })
  const panel = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'vt-title', hidden: true },
    h('header', { class: 'bar' }, titleEl, h('div', { class: 'bar-actions' }, pause.button, langMenu.el, minimiseButton)),
    h('div', { class: 'safety' }, call112, exitButton),
    connection,
    body,
  )
  launcher.slot.append(panel, pause.cover)

  function renderFrame(): void {
    pause.render(s)
    panel.lang = s.lang
    // Arabic mirrors the panel (the CSS uses logical properties); the pause card follows.
    panel.dir = pause.cover.dir = dirOf(launcher.lang)
    titleEl.textContent = s.panelTitle
    langMenu.render(s, launcher.lang)
    minimiseButton.setAttribute('aria-label', s.minimise)
    minimiseButton.title = s.minimise
    clear(minimiseButton)
    minimiseButton.appendChild(crossIcon())
    exitButton.textContent = s.quickExit
    exitButton.setAttribute('aria-label', s.quickExitLabel)
    exitButton.title = s.escHint
    call112.textContent = s.danger112
    connection.textContent = store.state.offline ? s.networkError : ''
  }

  // --- the screens ------------------------------------------------------------
  const screens: Record<S.Screen, (ctx: ViewContext) => View> = {
    rules: rulesView,
    closed: closedView,
    intake: (ctx) => intakeView(ctx, proofs),
    resume: resumeView,
    waiting: waitingView,
    chat: conversationView,
    ended: endedView,
  }
  let current: View | null = null

  function renderScreen(state: S.ChatState): void {
    const ctx: ViewContext = { s, lang: launcher.lang, store, sessions, api, config, regions }
    clear(body)
    current = screens[state.screen](ctx)
    current.el.classList.add('view', `view-${state.screen}`)
    body.appendChild(current.el)
    body.scrollTop = 0
  }

  /** The visitor is typing a message: a change the stream causes leaves the focus there. */
  function typing(): boolean {
    const active = document.activeElement === launcher.host ? launcher.root.activeElement : null
    return active instanceof HTMLTextAreaElement
  }

  function moveFocus(focus: S.Focus | null): void {
    if (!focus || !store.state.open || store.state.paused) return
    if (focus.to === 'composer') body.querySelector<HTMLTextAreaElement>('textarea')?.focus()
    else body.querySelector<HTMLElement>('.view-heading')?.focus()
  }

  store.subscribe((next, previous) => {
    if (next.offline !== previous.offline) connection.textContent = next.offline ? s.networkError : ''
    if (next.open !== previous.open || next.paused !== previous.paused) panel.hidden = !next.open || next.paused
    const c = next.conversation
    if (!next.open) {
      if (previous.open) {
        launcher.show({ session: c !== null, unread: c?.unread ?? 0 })
        launcher.focus()
      } else if (c && c.unread !== previous.conversation?.unread) {
        launcher.show({ session: true, unread: c.unread })
      }
      return
    }
    const polite = next.focus?.polite === true && typing()
    const fresh = !current || !previous.open || next.screen !== previous.screen
    if (fresh || (c !== null && previous.conversation === null)) {
      renderScreen(next)
      if (!polite) moveFocus(next.focus)
    } else {
      current?.update?.(next, previous)
    }
    if (previous.paused && !next.paused) moveFocus(next.focus)
  })

  // --- quick exit -----------------------------------------------------------
  function quickExit(): void {
    launcher.host.hidden = true
    launcher.host.remove()
    sessions.drop()
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
  window.addEventListener('offline', () => store.update(S.connection, false))
  window.addEventListener('online', () => {
    store.update((state) => ({ ...state, offline: false }))
    sessions.online()
  })

  // --- open, minimise, language ------------------------------------------------
  /** The site's own region, when closed now. */
  function closedNow(): S.ClosedInfo | null {
    const own = config.region ? launcher.status?.regions.find((r) => r.id === config.region) : undefined
    return own && !own.open ? { regionName: own.name, opensAt: own.opensAt, hours: own.hours } : null
  }

  function open(): void {
    launcher.hide()
    const hadConversation = store.state.conversation !== null
    store.update(S.opened, closedNow())
    if (!hadConversation && store.state.screen !== 'ended') {
      void launcher.refreshStatus().then(() => store.update(S.statusKnown, closedNow()))
    }
  }

  minimiseButton.addEventListener('click', () => store.update(S.minimised))
  /** The visitor chose a language in the menu: its pack loads (once), the screen is redrawn with what they typed. */
  async function chooseLanguage(lang: WidgetLang): Promise<void> {
    const saved = saveForm()
    try {
      await launcher.setLang(lang)
    } catch (error) {
      connection.textContent = s.networkError // the pack did not load: the menu goes back
      throw error
    }
    s = launcher.strings()
    renderFrame()
    renderScreen(store.state)
    restoreForm(saved)
    langMenu.el.querySelector('select')?.focus()
  }

  // --- language switch keeps what was typed ---------------------------------------------------
  type FormControl = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement
  function saveForm(): Map<string, string | boolean> {
    const saved = new Map<string, string | boolean>()
    body.querySelectorAll<FormControl>('input, select, textarea').forEach((el) => {
      if (el instanceof HTMLInputElement && el.type === 'radio') saved.set(`${el.name}=${el.value}`, el.checked)
      else if (el.name || el.id) saved.set(el.name || el.id, el.value)
    })
    return saved
  }

  function restoreForm(saved: Map<string, string | boolean>): void {
    body.querySelectorAll<FormControl>('input, select, textarea').forEach((el) => {
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
