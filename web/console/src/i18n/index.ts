// The console's texts, Dutch and English, both in the bundle (the console is
// one page for staff; the widget's loader is where lazy languages pay off).
import type { Catalog, ConsoleLang as Lang } from '../../../shared/i18n'
import { en } from './en'
import { nl } from './nl'

export type { Lang }
export type Strings = Catalog<typeof nl>
export const STRINGS: Record<Lang, Strings> = { nl, en }
