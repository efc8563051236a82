import { en } from './en'
import { nl, type Strings } from './nl'

export type Lang = 'nl' | 'en'
export const STRINGS: Record<Lang, Strings> = { nl, en }
export type { Strings }
