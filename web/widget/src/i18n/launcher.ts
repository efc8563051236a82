// The few texts the launcher shows on every page view. Dutch is part of
// loader.js itself, so a Dutch host page loads no strings chunk until the
// visitor opens the chat (issue 17: at most 3 kB gzipped before that). Each
// other language is one small chunk (launcher-en.ts, launcher-tr.ts, …) with
// its launcher texts and the way to its chat pack, loaded before the launcher
// shows only on a page whose tag asks for it (data-lang="tr"), or when the
// visitor chooses it. One dynamic import per language in the loader, not two:
// each costs the loader a chunk name. Every pack (nl.ts, tr.ts, …) includes these texts.
import type { Catalog, WidgetLang } from '../../../shared/i18n'
import type { Strings } from './nl'

export const launcherNl = {
  launcherTitle: 'Chat met Veilig Thuis',
  launcherOpen: 'Nu open, anoniem',
  launcherClosed: 'Nu gesloten. Bel gratis 0800 2000',
  launcherChecking: 'Anoniem advies',
  launcherBack: 'Ga terug naar je gesprek',
  launcherUnread: (n: number) => (n === 1 ? '1 nieuw bericht' : `${n} nieuwe berichten`),
  quickExit: 'Snel weg',
  quickExitLabel: 'Snel weg: sluit de chat en ga naar een andere website',
  genericError: 'Er ging iets mis. Probeer het opnieuw, of bel gratis 0800 2000.',
} as const

export type LauncherStrings = Catalog<typeof launcherNl>

/** A language's launcher texts, and its chat pack (loaded when the chat opens). */
export interface LauncherPack {
  launcher: LauncherStrings
  strings(): Promise<Strings>
}

export const LAUNCHER_PACKS: Record<WidgetLang, () => Promise<LauncherPack>> = {
  nl: () => Promise.resolve({ launcher: launcherNl, strings: () => import('./nl').then((m) => m.nl) }),
  en: () => import('./launcher-en'),
  tr: () => import('./launcher-tr'),
  ar: () => import('./launcher-ar'),
  pl: () => import('./launcher-pl'),
  uk: () => import('./launcher-uk'),
}
