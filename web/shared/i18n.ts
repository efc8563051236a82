// The i18n machinery of both front ends: every text of a front end lives in
// one object per language (`nl` first, the others typed after it), and a
// language's texts load as their own chunk only when they are shown.

/** The widget's languages (docs/languages.md); the server's list is models/common.py `Language`. */
export const WIDGET_LANGS = ['nl', 'en', 'tr', 'ar', 'pl', 'uk'] as const
export type WidgetLang = (typeof WIDGET_LANGS)[number]

/** The widget's languages written right to left: their panel gets dir="rtl". */
export const RTL_LANGS: readonly WidgetLang[] = ['ar']

export function dirOf(lang: WidgetLang): 'ltr' | 'rtl' {
  return RTL_LANGS.includes(lang) ? 'rtl' : 'ltr'
}

/** The console's languages: staff read Dutch or English. */
export const CONSOLE_LANGS = ['nl', 'en'] as const
export type ConsoleLang = (typeof CONSOLE_LANGS)[number]

/**
 * The shape every language must fill, from the Dutch object: literal strings
 * widen to string, functions keep their arguments, lists become string lists.
 */
export type Catalog<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => string
    ? (...args: A) => string
    : T[K] extends readonly string[]
      ? readonly string[]
      : T[K] extends string
        ? string
        : Catalog<T[K]>
}

/** Texts per language, each loaded once on first use (a dynamic import per language). */
export class Catalogs<S, L extends string = WidgetLang> {
  private readonly loaded: Partial<Record<L, S>> = {}

  constructor(private readonly loader: (lang: L) => Promise<S>) {}

  async load(lang: L): Promise<S> {
    const texts = this.loaded[lang] ?? (await this.loader(lang))
    this.loaded[lang] = texts
    return texts
  }

  /** The texts of a language already loaded, or undefined. */
  get(lang: L): S | undefined {
    return this.loaded[lang]
  }
}

/** The language a tag asks for, if it is one of `langs`; else Dutch. */
export function langFrom<L extends string>(value: string | null | undefined, langs: readonly L[]): L | 'nl' {
  const tag = (value ?? '').trim().toLowerCase()
  return (langs as readonly string[]).includes(tag) ? (tag as L) : 'nl'
}
