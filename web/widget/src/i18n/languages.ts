// The widget's languages as the chat's menu lists them: each in its own name
// (the writing direction: dirOf in shared/i18n.ts, which the loader needs
// too; the locale for dates: each pack's `locale`). Part of the chat chunk,
// not the loader: the menu needs every name before a pack is loaded.
import type { WidgetLang } from '../../../shared/i18n'

/** Each language's name in itself, as the menu shows it. */
export const LANGUAGE_NAMES: Record<WidgetLang, string> = {
  nl: 'Nederlands',
  en: 'English',
  tr: 'Türkçe',
  ar: 'العربية',
  pl: 'Polski',
  uk: 'Українська',
}

/**
 * What a pack says about itself (each pack exports `meta`). A pack that no
 * native speaker has checked says so; docs/languages.md lists them and the
 * packs' test holds the two together.
 */
export interface PackMeta {
  checkedByNativeSpeaker: boolean
  /** Who wrote it, and what a reviewer should look at. */
  note: string
}
