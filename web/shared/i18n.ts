// The i18n machinery of both front ends: every text of a front end lives in
// one object per language (`nl` first, the others typed after it), and a
// language's texts load as their own chunk only when they are shown.

export type Lang = 'nl' | 'en'
export const LANGS: readonly Lang[] = ['nl', 'en']

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
export class Catalogs<S> {
  private readonly loaded: Partial<Record<Lang, S>> = {}

  constructor(private readonly loaders: Record<Lang, () => Promise<S>>) {}

  async load(lang: Lang): Promise<S> {
    this.loaded[lang] ??= await this.loaders[lang]()
    return this.loaded[lang]
  }

  /** The texts of a language already loaded, or undefined. */
  get(lang: Lang): S | undefined {
    return this.loaded[lang]
  }
}

/** The language a tag asks for; Dutch unless it says English. */
export function langFrom(value: string | null | undefined): Lang {
  return value === 'en' ? 'en' : 'nl'
}
