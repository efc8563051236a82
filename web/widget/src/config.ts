// What the embedding <script> tag says, and the shapes the loader shares with the chat.

import { langFrom, WIDGET_LANGS, type WidgetLang } from '../../shared/i18n'

/** The widget's languages: nl, en, tr, ar, pl, uk (web/shared/i18n.ts). */
export type Lang = WidgetLang

export interface Config {
  /** The host site's region (organisation id), for the launcher's status and the region choice. */
  region: string | null
  /** Base URL of the functions, e.g. https://chat.example/api; default /api on this origin. */
  api: string
  /** Where "Snel weg" goes: a neutral site. */
  exitUrl: string
  lang: Lang
}

export interface RegionStatus {
  id: string
  name: string
  open: boolean
  opensAt: string | null
  closesAt: string | null
  servedBy: string | null
  hours: string[]
  queueLength: number
  advisorsOnline: number
  estimatedWaitMinutes: number | null
}

export interface StatusResponse {
  generatedAt: string
  phone: string
  regions: RegionStatus[]
}

export const DEFAULT_EXIT_URL = 'https://www.google.nl/'

function ownScript(moduleUrl: string): HTMLScriptElement | null {
  const current = document.currentScript
  if (current instanceof HTMLScriptElement) return current
  for (const script of Array.from(document.querySelectorAll('script[src]'))) {
    if (script instanceof HTMLScriptElement && script.src === moduleUrl) return script
  }
  return document.querySelector<HTMLScriptElement>('script[data-vtchat], script[src*="loader"]')
}

function safeHttpUrl(value: string | undefined, fallback: string): string {
  if (!value) return fallback
  try {
    const url = new URL(value, document.baseURI)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : fallback
  } catch {
    return fallback
  }
}

export function readConfig(moduleUrl: string): Config {
  const data = ownScript(moduleUrl)?.dataset ?? {}
  const region = data.region && /^[a-z0-9-]{1,64}$/.test(data.region) ? data.region : null
  const api = safeHttpUrl(data.api, new URL('/api', document.baseURI).href).replace(/\/+$/, '')
  const lang = langFrom(data.lang, WIDGET_LANGS)
  return { region, api, exitUrl: safeHttpUrl(data.exitUrl, DEFAULT_EXIT_URL), lang }
}
