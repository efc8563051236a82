// The embed: one <script type="module" src=".../widget/loader.js" data-region="utrecht">.
// Small on purpose: it shows the launcher with the region's status and loads
// the chat code only when the visitor opens it. It writes nothing to storage,
// sets no cookie and puts everything inside a Shadow DOM.
import { adoptStyles, h } from '../../shared/dom'
import { Catalogs, dirOf } from '../../shared/i18n'
import { readConfig, type Config, type Lang, type StatusResponse } from './config'
import { LAUNCHER_PACKS, launcherNl, type LauncherPack, type LauncherStrings } from './i18n/launcher'
import type { Strings } from './i18n/nl'
import launcherCss from './launcher.css?inline'

export interface Launcher {
  root: ShadowRoot
  host: HTMLElement
  /** Where the chat panel goes. */
  slot: HTMLElement
  config: Config
  lang: Lang
  /** The chat's texts in the current language (loaded with the chat, and on a language switch). */
  strings(): Strings
  setLang(lang: Lang): Promise<void>
  status: StatusResponse | null
  refreshStatus(): Promise<StatusResponse | null>
  /** Show the launcher (panel closed): with a running chat it offers to go back. */
  show(state: { session: boolean; unread: number }): void
  hide(): void
  focus(): void
  /** Set by the chat once loaded: "Snel weg" next to a minimised chat. */
  quickExit: (() => void) | null
}

// Each language's launcher texts (Dutch in this file, the others a small
// chunk each), and through them its chat texts: one chunk per language,
// loaded together with the chat when the visitor opens it, or when they
// choose the language (i18n/launcher.ts).
const launcherPacks = new Catalogs<LauncherPack>((lang) => LAUNCHER_PACKS[lang]())
const chatStrings = new Catalogs<Strings>((lang) => launcherPacks.load(lang).then((pack) => pack.strings()))

/** The launcher's texts in a language once loaded, else Dutch. */
function launcherTexts(lang: Lang): LauncherStrings {
  return launcherPacks.get(lang)?.launcher ?? launcherNl
}

function boot(): void {
  if (document.querySelector('[data-vtchat-host]')) return // embedded twice
  const config = readConfig(import.meta.url)
  const host = h('div', { 'data-vtchat-host': '' })
  const root = host.attachShadow({ mode: 'open' })
  adoptStyles(root, launcherCss)

  const title = h('span', { class: 'title' })
  const statusLine = h('span', { class: 'status' })
  const dot = h('span', { class: 'dot', 'aria-hidden': 'true' })
  const badge = h('span', { class: 'badge', hidden: true })
  const button = h(
    'button',
    { type: 'button', class: 'launcher', 'aria-haspopup': 'dialog', 'aria-expanded': 'false' },
    title,
    h('span', { class: 'status-row' }, dot, statusLine),
    badge,
  )
  const exitButton = h('button', { type: 'button', class: 'exit', hidden: true })
  const wrap = h('div', { class: 'wrap', lang: config.lang, dir: dirOf(config.lang), hidden: true }, exitButton, button)
  const slot = h('div', { class: 'slot' })
  root.append(wrap, slot)

  let session = false
  let unread = 0
  let chat: Promise<{ open(): void }> | null = null

  const launcher: Launcher = {
    root,
    host,
    slot,
    config,
    lang: config.lang,
    strings: () => chatStrings.get(launcher.lang)!,
    async setLang(lang) {
      await chatStrings.load(lang)
      launcher.lang = lang
      wrap.lang = lang
      wrap.dir = dirOf(lang)
      render()
    },
    status: null,
    async refreshStatus() {
      try {
        const query = config.region ? `?region=${encodeURIComponent(config.region)}` : ''
        const response = await fetch(`${config.api}/status${query}`, {
          credentials: 'omit',
          referrerPolicy: 'no-referrer',
        })
        if (response.ok) launcher.status = (await response.json()) as StatusResponse
      } catch {
        // offline: the launcher still opens; the chat explains
      }
      render()
      return launcher.status
    },
    show(state) {
      session = state.session
      unread = state.unread
      wrap.hidden = false
      render()
    },
    hide() {
      wrap.hidden = true
      button.setAttribute('aria-expanded', 'true')
    },
    focus() {
      button.focus()
    },
    quickExit: null,
  }

  function isOpen(): boolean | null {
    const regions = launcher.status?.regions
    if (!regions || regions.length === 0) return null
    const own = config.region ? regions.find((r) => r.id === config.region) : undefined
    return own ? own.open : regions.some((r) => r.open)
  }

  function render(): void {
    const s = launcherTexts(launcher.lang)
    const open = isOpen()
    title.textContent = session ? s.launcherBack : s.launcherTitle
    statusLine.textContent = session
      ? ''
      : open === null
        ? s.launcherChecking
        : open
          ? s.launcherOpen
          : s.launcherClosed
    dot.className = `dot ${open === null || session ? 'unknown' : open ? 'open' : 'closed'}`
    badge.hidden = unread === 0
    badge.textContent = unread ? s.launcherUnread(unread) : ''
    exitButton.hidden = !session
    exitButton.textContent = s.quickExit
    exitButton.setAttribute('aria-label', s.quickExitLabel)
    button.setAttribute('aria-expanded', 'false')
  }

  async function openChat(): Promise<void> {
    // The chat's code and its texts in parallel: one round trip, not two.
    chat ??= Promise.all([import('./chat/app'), chatStrings.load(launcher.lang)]).then(([module]) =>
      module.mount(launcher),
    )
    button.setAttribute('aria-busy', 'true')
    try {
      ;(await chat).open()
    } catch {
      chat = null
      statusLine.textContent = launcherTexts(launcher.lang).genericError
    } finally {
      button.removeAttribute('aria-busy')
    }
  }

  button.addEventListener('click', () => void openChat())
  exitButton.addEventListener('click', () => launcher.quickExit?.())

  document.body.appendChild(host)
  // Dutch is in this file; another language's few launcher texts arrive
  // first (one small chunk), so the launcher never shows in the wrong language.
  void launcherPacks.load(config.lang)
    .catch(() => undefined)
    .then(() => {
      wrap.hidden = false
      render()
    })
  void launcher.refreshStatus()
  // Keep "open"/"closed" honest on a page left open; the answer is cacheable for 5 s.
  setInterval(() => {
    if (!wrap.hidden && !session && document.visibilityState === 'visible') void launcher.refreshStatus()
  }, 60_000)
}

function start(): void {
  if (document.body) boot()
  else document.addEventListener('DOMContentLoaded', boot, { once: true })
}

start()
