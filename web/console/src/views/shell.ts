// The signed-in screen's frame: the header (who, availability, sound,
// language, sign out) and the work area of the role.
import { h } from '../../../shared/dom'
import type { Lang } from '../i18n'
import { regionName } from '../state/org'
import { confirmRow, langSelect, stringsOf, type Ctx } from './common'

export interface ShellParts {
  /** Availability (advisor and supervisor only). */
  status: HTMLElement | null
  /** The desktop notifications' control (advisor and supervisor only; notify.ts). */
  alerts: HTMLElement | null
  /** The work area's sections, left to right. */
  work: HTMLElement
  changeLang(lang: Lang): void
  /** Chats still running (signing out asks first). */
  running(): number
  signOut(): void
}

export function shell(ctx: Ctx, parts: ShellParts): HTMLElement {
  const t = stringsOf(ctx)
  const { me, regions, lang, sound } = ctx.store.state
  if (!me) throw new Error('not signed in')
  const role = me.role === 'supervisor' ? t.roleSupervisor : me.role === 'national' ? t.roleNational : t.roleAdvisor
  const signOutButton = h('button', { type: 'button', class: 'quiet', text: t.signOut })
  // With chats still running, signing out asks first: going offline hands
  // them back to the front of their queues at once (advisor_lost).
  signOutButton.addEventListener('click', () => {
    const running = parts.running()
    if (!running) return parts.signOut()
    const row: HTMLElement = confirmRow(t.signOut, t.signOutActive(running), t.signOutAnyway, t, parts.signOut, () => {
      row.replaceWith(signOutButton)
      signOutButton.focus()
    })
    signOutButton.replaceWith(row)
  })
  const soundBox = h('input', { type: 'checkbox', id: 'sound', checked: sound })
  soundBox.addEventListener('change', () => ctx.store.set({ sound: soundBox.checked }))
  const header = h(
    'header',
    { class: 'top' },
    h('h1', { text: t.title }),
    h('p', { class: 'who' }, `${me.name} · ${role} · ${regionName(regions, me.org)}`,
      // Whom chats in another language are offered to: the advisor sees their own languages.
      me.role === 'national' ? null : h('span', { class: 'languages', text: ` · ${t.myLanguages(me.languages.map((l) => t.languageNames[l] ?? l).join(', '))}` })),
    parts.status,
    parts.alerts,
    me.role === 'national' ? null : h('div', { class: 'sound' }, soundBox, h('label', { for: 'sound', text: t.sound })),
    langSelect(lang, t, parts.changeLang),
    signOutButton,
  )
  return h('div', { class: 'shell' }, header, parts.work)
}
