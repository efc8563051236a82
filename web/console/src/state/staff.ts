// Who signed in, from the ID token's claims (set by `vtchat.admin grant`).
import type { Me } from '../types'

/** The staff member, or null when the account has no console role or organisation. */
export function staffFromClaims(claims: Record<string, unknown>, user: { uid: string; displayName: string | null }, email: string): Me | null {
  const { role, org, langs, privacy } = claims
  if ((role !== 'advisor' && role !== 'supervisor' && role !== 'national') || typeof org !== 'string') return null
  const me: Me = { uid: user.uid, email, role, org, name: user.displayName ?? email, languages: claimLanguages(langs) }
  // Only a claim that is exactly true (`vtchat.admin grant --privacy`), as the functions read it.
  return privacy === true ? { ...me, privacy: true } : me
}

// The widget's languages, in the order `vtchat.admin grant` writes them.
export const LANGUAGES = ['nl', 'en', 'tr', 'ar', 'pl', 'uk'] as const

/** The `langs` claim as languages: Dutch always, unknown entries left out. */
export function claimLanguages(langs: unknown): string[] {
  const spoken = new Set(Array.isArray(langs) ? langs : [])
  return LANGUAGES.filter((lang) => lang === 'nl' || spoken.has(lang))
}
