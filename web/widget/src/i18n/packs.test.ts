// Every language pack has every key of nl.ts, with the same placeholders
// (issue 18). TypeScript checks the keys when it compiles; this test checks
// what it cannot: a function called with marker arguments shows each marker
// the Dutch shows, lists have the Dutch length, no text is empty, and the
// numbers that matter (phone numbers, 112, limits, counts passed in) are the
// same in every language. It also holds the packs' metadata and
// docs/languages.md together.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { WIDGET_LANGS, type WidgetLang } from '../../../shared/i18n'
import { serverText } from '../chat/components'
import type { PackMeta } from './languages'
import { LAUNCHER_PACKS } from './launcher'
import type { Strings } from './nl'

type Pack = { meta: PackMeta } & Record<string, unknown>
const modules = import.meta.glob<Pack>('./*.ts', { eager: true })

function pack(lang: WidgetLang): { texts: Record<string, unknown>; meta: PackMeta } {
  const module = modules[`./${lang}.ts`]
  if (!module) throw new Error(`no pack web/widget/src/i18n/${lang}.ts`)
  return { texts: module[lang] as Record<string, unknown>, meta: module.meta }
}

const STRING_MARKERS = ['⟦a⟧', '⟦b⟧', '⟦c⟧']
// Numbers passed in: 1 (the singular branches), then values no text contains by itself.
const NUMBER_ARGS = [1, 4242, 424200]

const markersIn = (text: string): string[] => STRING_MARKERS.filter((m) => text.includes(m))
/** Placeholders in the {name} style, should a text ever use them. */
const bracesIn = (text: string): string[] => (text.match(/\{\w+\}/g) ?? []).sort()
/** Numbers of 3 digits or more: 0800, 2000, 112, 3511, 120, and the ones passed in. */
const numbersIn = (text: string): string[] => [...new Set(text.match(/\d{3,}/g) ?? [])].sort()

function compareText(path: string, dutch: string, other: unknown, problems: string[]): void {
  if (typeof other !== 'string' || !other.trim()) return void problems.push(`${path}: missing or empty`)
  if (bracesIn(dutch).join() !== bracesIn(other).join()) problems.push(`${path}: {placeholders} differ`)
  if (markersIn(dutch).join() !== markersIn(other).join()) problems.push(`${path}: arguments shown differ`)
  if (numbersIn(dutch).join() !== numbersIn(other).join())
    problems.push(`${path}: numbers differ (${numbersIn(dutch).join(' ')} / ${numbersIn(other).join(' ')})`)
}

/** Differences between the Dutch value and another pack's, as readable lines. */
function compare(path: string, dutch: unknown, other: unknown, problems: string[]): void {
  if (typeof dutch === 'string') return compareText(path, dutch, other, problems)
  if (typeof dutch === 'function') {
    if (typeof other !== 'function') return void problems.push(`${path}: not a function`)
    if (other.length !== dutch.length) return void problems.push(`${path}: ${other.length} arguments, not ${dutch.length}`)
    const calls = [STRING_MARKERS.slice(0, dutch.length), ...NUMBER_ARGS.map((n) => Array<number>(dutch.length).fill(n))]
    for (const args of calls) {
      compareText(`${path}(${args.join(', ')})`, String(dutch(...args)), String(other(...args)), problems)
    }
    return
  }
  if (Array.isArray(dutch)) {
    if (!Array.isArray(other)) return void problems.push(`${path}: not a list`)
    if (other.length !== dutch.length) return void problems.push(`${path}: ${other.length} items, not ${dutch.length}`)
    dutch.forEach((item, i) => compare(`${path}[${i}]`, item, other[i], problems))
    return
  }
  if (typeof dutch === 'object' && dutch !== null) {
    if (typeof other !== 'object' || other === null) return void problems.push(`${path}: not an object`)
    const theirs = other as Record<string, unknown>
    for (const key of Object.keys(theirs)) if (!(key in dutch)) problems.push(`${path}.${key}: not in nl.ts`)
    for (const [key, value] of Object.entries(dutch)) compare(`${path}.${key}`, value, theirs[key], problems)
  }
}

/** nl.ts's keys that are not texts to translate. */
const NOT_TRANSLATED = new Set(['lang', 'locale'])

describe('the widget’s language packs', () => {
  const dutch = pack('nl').texts

  it.each(WIDGET_LANGS.filter((lang) => lang !== 'nl'))('%s has every key and placeholder of nl.ts', (lang) => {
    const texts = pack(lang).texts
    const problems: string[] = []
    const keys = Object.keys(dutch).filter((key) => !NOT_TRANSLATED.has(key))
    compare(lang, Object.fromEntries(keys.map((k) => [k, dutch[k]])), Object.fromEntries(keys.map((k) => [k, texts[k]])), problems)
    for (const key of Object.keys(texts)) if (!(key in dutch)) problems.push(`${lang}.${key}: not in nl.ts`)
    expect(problems).toEqual([])
    expect(texts.lang).toBe(lang)
    expect(() => new Intl.DateTimeFormat(String(texts.locale))).not.toThrow()
  })

  it('finds the differences it is meant to find', () => {
    const problems: string[] = []
    const broken = {
      ...dutch,
      closedOpensAt: () => 'De chat gaat weer open.', // the argument dropped (and one argument fewer)
      chatWith: (name: string) => `Je praat met ${name}`, // org dropped
      waitingPosition: (n: number) => `Nummer ${n + 1}`, // another number
      rulesList: ['één'], // too short
      callVT: 'Bel 0800 2001', // a wrong phone number
      rulesStart: '', // empty
    }
    compare('broken', dutch, broken, problems)
    const paths = new Set(problems.map((p) => p.split(/[(:]/)[0]))
    expect([...paths].sort()).toEqual([
      'broken.callVT',
      'broken.chatWith',
      'broken.closedOpensAt',
      'broken.rulesList',
      'broken.rulesStart',
      'broken.waitingPosition',
    ])
  })

  it.each(WIDGET_LANGS)('%s: the launcher’s texts are the ones the loader shows, and lead to the pack', async (lang) => {
    const { launcher, strings } = await LAUNCHER_PACKS[lang]()
    const texts = pack(lang).texts
    for (const [key, value] of Object.entries(launcher)) {
      const theirs = texts[key]
      if (typeof value === 'function' && typeof theirs === 'function') expect(theirs(3)).toBe(value(3))
      else expect(theirs, key).toBe(value)
    }
    expect(await strings()).toBe(texts)
  })

  it.each(WIDGET_LANGS)('%s: "can you chat safely?" names the buttons as they are labelled', (lang) => {
    const s = pack(lang).texts as unknown as Strings
    expect(s.safeList[0]).toContain(s.quickExit)
    expect(s.safeTip).toContain(s.quickExit)
    expect(s.safeList[1]).toContain(s.pause)
    expect(s.safeList[2]).toContain('112')
  })

  it.each(WIDGET_LANGS)('%s: a Dutch server message shows only in Dutch', (lang) => {
    const s = pack(lang).texts as unknown as Strings
    const shown = serverText(s, 'Vul een geldige postcode in.', s.errPostcode)
    expect(shown).toBe(lang === 'nl' ? 'Vul een geldige postcode in.' : s.errPostcode)
  })

  it('each pack says whether a native speaker checked it, and docs/languages.md says the same', () => {
    const docs = readFileSync(new URL('../../../../docs/languages.md', import.meta.url), 'utf8')
    for (const lang of WIDGET_LANGS) {
      const { meta } = pack(lang)
      expect(typeof meta.checkedByNativeSpeaker, lang).toBe('boolean')
      const row = docs.split('\n').find((line) => line.startsWith(`| \`${lang}\` |`))
      expect(row, `docs/languages.md has a row for ${lang}`).toBeDefined()
      const cells = (row ?? '').split('|').map((cell) => cell.trim())
      expect(cells[3], `checked by a native speaker (${lang})`).toBe(meta.checkedByNativeSpeaker ? 'yes' : 'no')
    }
  })
})
