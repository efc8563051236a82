// The launcher's texts in Turkish, and the way to the Turkish chat pack: a
// chunk of their own, loaded before the launcher shows only on a page whose
// tag says data-lang="tr", or when the visitor chooses Turkish (launcher.ts).
import type { LauncherStrings } from './launcher'
import type { Strings } from './nl'

export const launcher: LauncherStrings = {
  launcherTitle: 'Veilig Thuis ile sohbet',
  launcherOpen: 'Şimdi açık, anonim',
  launcherClosed: 'Şimdi kapalı. Ücretsiz ara: 0800 2000',
  launcherChecking: 'Anonim danışmanlık',
  launcherBack: 'Sohbetine geri dön',
  launcherUnread: (n: number) => (n === 1 ? '1 yeni mesaj' : `${n} yeni mesaj`),
  quickExit: 'Hızlı çık',
  quickExitLabel: 'Hızlı çık: sohbeti kapat ve başka bir web sitesine git',
  genericError: 'Bir sorun oldu. Lütfen tekrar dene ya da ücretsiz 0800 2000’i ara.',
}

export const strings = (): Promise<Strings> => import('./tr').then((m) => m.tr)
