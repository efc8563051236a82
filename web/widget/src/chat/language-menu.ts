// The language menu in the title bar. A native <select>: keyboards, screen
// readers and phones all know it, and it stays small. Each language is listed
// in its own name with its own lang (and dir) attribute, so a screen reader
// reads "Türkçe" in Turkish and a visitor who reads no Dutch finds their own
// language; a globe in front says what the menu is for.
import { h } from '../../../shared/dom'
import { dirOf, WIDGET_LANGS, type WidgetLang } from '../../../shared/i18n'
import type { Strings } from '../i18n/nl'
import { LANGUAGE_NAMES } from '../i18n/languages'

export interface LanguageMenu {
  el: HTMLElement
  render(s: Strings, lang: WidgetLang): void
}

function isWidgetLang(value: string): value is WidgetLang {
  return (WIDGET_LANGS as readonly string[]).includes(value)
}

function globe(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg'
  const svg = document.createElementNS(ns, 'svg')
  for (const [k, v] of Object.entries({ viewBox: '0 0 24 24', width: '18', height: '18', 'aria-hidden': 'true', focusable: 'false' }))
    svg.setAttribute(k, v)
  const path = document.createElementNS(ns, 'path')
  const d = 'M12 3a9 9 0 100 18 9 9 0 000-18zM3 12h18M12 3c2.5 2.5 3.5 5.5 3.5 9s-1 6.5-3.5 9c-2.5-2.5-3.5-5.5-3.5-9s1-6.5 3.5-9z'
  for (const [k, v] of Object.entries({ d, fill: 'none', stroke: 'currentColor', 'stroke-width': '1.6' })) path.setAttribute(k, v)
  svg.appendChild(path)
  return svg
}

/** `choose` loads the language's pack and redraws; when it fails the menu shows the language still in use. */
export function languageMenu(choose: (lang: WidgetLang) => Promise<void>): LanguageMenu {
  const select = h(
    'select',
    { class: 'lang-select' },
    WIDGET_LANGS.map((lang) => {
      return h('option', { value: lang, lang, dir: dirOf(lang), text: LANGUAGE_NAMES[lang] })
    }),
  )
  let current: WidgetLang = 'nl'
  select.addEventListener('change', () => {
    const wanted = select.value
    if (!isWidgetLang(wanted) || wanted === current) return
    void choose(wanted).catch(() => {
      select.value = current
    })
  })
  return {
    el: h('span', { class: 'lang' }, globe(), select),
    render(s, lang) {
      current = lang
      select.value = lang
      select.setAttribute('aria-label', s.languageLabel)
      select.title = s.languageLabel
    },
  }
}
