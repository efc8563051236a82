// The few texts the launcher shows on every page view, in both languages.
// They are part of loader.js itself, so a host page loads no strings chunk
// until the visitor opens the chat (issue 17: at most 3 kB gzipped before
// that). nl.ts and en.ts include them for the chat.
import type { Catalog, Lang } from '../../../shared/i18n'

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

export const launcherEn: LauncherStrings = {
  launcherTitle: 'Chat with Veilig Thuis',
  launcherOpen: 'Open now, anonymous',
  launcherClosed: 'Closed now. Call 0800 2000 for free',
  launcherChecking: 'Anonymous advice',
  launcherBack: 'Go back to your chat',
  launcherUnread: (n: number) => (n === 1 ? '1 new message' : `${n} new messages`),
  quickExit: 'Leave quickly',
  quickExitLabel: 'Leave quickly: close the chat and go to another website',
  genericError: 'Something went wrong. Please try again, or call 0800 2000 for free.',
}

export const LAUNCHER: Record<Lang, LauncherStrings> = { nl: launcherNl, en: launcherEn }
