// The idle lock: after some minutes without input the console hides behind a
// password (and second factor) form; nothing of the chats shows meanwhile.
import { clear, h } from '../../../shared/dom'
import type { Strings } from '../i18n'

export interface LockScreen {
  t: Strings
  email: string
  message: string
  /** Re-authenticate; resolves when unlocked. */
  unlock(password: string, page: HTMLElement): Promise<void>
  /** What to say after a failed attempt ('' for none), or null to draw the lock anew. */
  failed(err: unknown, stillShown: boolean): string | null
  signOut(): void
}

export function drawLock(box: HTMLElement, o: LockScreen): void {
  const t = o.t
  clear(box)
  const password = h('input', { id: 'unlock-password', type: 'password', autocomplete: 'current-password' })
  const error = h('p', { class: 'error', role: 'alert', text: o.message })
  const form = h(
    'form',
    { class: 'signin' },
    h('p', { text: t.lockedText }),
    h('p', { class: 'who', text: o.email }),
    h('div', { class: 'field' }, h('label', { for: 'unlock-password', text: t.password }), password),
    error,
    h('button', { type: 'submit', class: 'primary', text: t.unlock }),
  )
  const signOutButton = h('button', { type: 'button', class: 'quiet', text: t.signOut })
  signOutButton.addEventListener('click', () => o.signOut())
  const page = h('main', { class: 'signin-page' }, h('h1', { text: t.locked }), form, signOutButton)
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    o.unlock(password.value, page).catch((err: unknown) => {
      const said = o.failed(err, form.isConnected)
      if (said === null) return
      error.textContent = said
      password.value = ''
      password.focus()
    })
  })
  box.append(page)
  box.hidden = false
  password.focus()
}

/** Input that keeps the console awake. */
export function watchInput(touch: () => void): void {
  for (const type of ['keydown', 'pointerdown', 'wheel', 'touchstart']) document.addEventListener(type, touch, { capture: true, passive: true })
}
