// The launcher's texts in Ukrainian, and the way to the Ukrainian chat pack: a
// chunk of their own, loaded before the launcher shows only on a page whose
// tag says data-lang="uk", or when the visitor chooses Ukrainian (launcher.ts).
import type { LauncherStrings } from './launcher'
import type { Strings } from './nl'

export const launcher: LauncherStrings = {
  launcherTitle: 'Чат з Veilig Thuis',
  launcherOpen: 'Зараз відкрито, анонімно',
  launcherClosed: 'Зараз закрито. Дзвони безкоштовно: 0800 2000',
  launcherChecking: 'Анонімна порада',
  launcherBack: 'Повернутися до розмови',
  launcherUnread: (n: number) => (n === 1 ? '1 нове повідомлення' : `Нові повідомлення: ${n}`),
  quickExit: 'Швидко вийти',
  quickExitLabel: 'Швидко вийти: закрити чат і перейти на інший сайт',
  genericError: 'Щось пішло не так. Спробуй ще раз або зателефонуй безкоштовно: 0800 2000.',
}

export const strings = (): Promise<Strings> => import('./uk').then((m) => m.uk)
