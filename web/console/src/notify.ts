// Desktop notifications through the browser's Notification API: the control
// that asks for permission (only on a click, which browsers require), and the
// notifications themselves, whose words come only from state/alerts.ts.
import { h } from '../../shared/dom'
import { alertView, alertsFrom, permissionView, shouldNotify, type AlertKind, type Permission } from './state/alerts'
import type { ConsoleState } from './store'
import type { Strings } from './i18n'

function permission(): Permission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission
}

/** Out of sight: another tab, a minimised window, or another application in front. */
function inBackground(): boolean {
  return document.visibilityState !== 'visible' || !document.hasFocus()
}

export class Notifier {
  private before: ConsoleState | null = null

  constructor(private readonly strings: () => Strings) {}

  /** Compare the lists with the last ones and notify of what is new. */
  observe(state: ConsoleState): void {
    const kinds = alertsFrom(this.before, state)
    this.before = state
    for (const kind of kinds) this.show(kind)
  }

  /** A visitor wrote in one of the advisor's chats (views/chat.ts calls this). */
  show(kind: AlertKind): void {
    if (!shouldNotify(permission(), inBackground())) return
    const t = this.strings().alerts
    const view = alertView(kind, t)
    try {
      const note = new Notification(view.title, { body: view.body, tag: view.tag, lang: document.documentElement.lang })
      note.onclick = () => {
        window.focus()
        note.close()
      }
    } catch {
      // Some mobile browsers allow notifications only from a service worker: the sound and the screen remain.
    }
  }

  /** The control in the header: ask, or say why it cannot. */
  control(): HTMLElement {
    const box = h('div', { class: 'alerts-control' })
    const draw = (): void => {
      const t = this.strings().alerts
      box.replaceChildren()
      const view = permissionView(permission())
      if (view === 'offer') {
        const button = h('button', { type: 'button', class: 'quiet', text: t.enable })
        button.addEventListener('click', () => {
          void Notification.requestPermission().then(draw, draw)
        })
        box.append(button)
      } else {
        box.append(h('span', { class: view === 'on' ? 'alerts-on' : 'alerts-off', role: 'status', text: t[view] }))
      }
    }
    draw()
    return box
  }
}
