// The launcher's texts in Arabic, and the way to the Arabic chat pack: a
// chunk of their own, loaded before the launcher shows only on a page whose
// tag says data-lang="ar", or when the visitor chooses Arabic (launcher.ts).
// Phone numbers sit in a left-to-right isolate (U+2066 … U+2069): in a
// right-to-left line "0800 2000" would otherwise read "2000 0800".
import type { LauncherStrings } from './launcher'
import type { Strings } from './nl'

export const PHONE_AR = '\u20660800 2000\u2069'

export const launcher: LauncherStrings = {
  launcherTitle: 'دردشة مع Veilig Thuis',
  launcherOpen: 'مفتوحة الآن، دون كشف هويتك',
  launcherClosed: `مغلقة الآن. الاتصال مجاني: ${PHONE_AR}`,
  launcherChecking: 'نصيحة دون كشف الهوية',
  launcherBack: 'العودة إلى محادثتك',
  launcherUnread: (n: number) => (n === 1 ? 'رسالة جديدة واحدة' : `رسائل جديدة: ${n}`),
  quickExit: 'خروج سريع',
  quickExitLabel: 'خروج سريع: إغلاق الدردشة والانتقال إلى موقع آخر',
  genericError: `حدث خطأ ما. يُرجى المحاولة مرة أخرى، أو الاتصال مجانًا بالرقم ${PHONE_AR}.`,
}

export const strings = (): Promise<Strings> => import('./ar').then((m) => m.ar)
