// The launcher's texts in English, and the way to the English chat pack: a
// chunk of their own, loaded before the launcher shows only on a page whose
// tag says data-lang="en", or when the visitor chooses English (launcher.ts).
import type { LauncherStrings } from './launcher'
import type { Strings } from './nl'

export const launcher: LauncherStrings = {
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

export const strings = (): Promise<Strings> => import('./en').then((m) => m.en)
