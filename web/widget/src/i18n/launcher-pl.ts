// The launcher's texts in Polish, and the way to the Polish chat pack: a
// chunk of their own, loaded before the launcher shows only on a page whose
// tag says data-lang="pl", or when the visitor chooses Polish (launcher.ts).
import type { LauncherStrings } from './launcher'
import type { Strings } from './nl'

export const launcher: LauncherStrings = {
  launcherTitle: 'Czat z Veilig Thuis',
  launcherOpen: 'Teraz otwarty, anonimowo',
  launcherClosed: 'Teraz zamknięty. Zadzwoń za darmo: 0800 2000',
  launcherChecking: 'Anonimowa porada',
  launcherBack: 'Wróć do swojej rozmowy',
  launcherUnread: (n: number) => (n === 1 ? '1 nowa wiadomość' : `Nowe wiadomości: ${n}`),
  quickExit: 'Szybko wyjdź',
  quickExitLabel: 'Szybko wyjdź: zamknij czat i przejdź na inną stronę',
  genericError: 'Coś poszło nie tak. Spróbuj ponownie albo zadzwoń za darmo: 0800 2000.',
}

export const strings = (): Promise<Strings> => import('./pl').then((m) => m.pl)
