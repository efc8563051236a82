// Who signed in, from the ID token's claims (set by `vtchat.admin grant`).
import type { Me } from '../types'

/** The staff member, or null when the account has no console role or organisation. */
export function staffFromClaims(claims: Record<string, unknown>, user: { uid: string; displayName: string | null }, email: string): Me | null {
  const { role, org } = claims
  if ((role !== 'advisor' && role !== 'supervisor' && role !== 'national') || typeof org !== 'string') return null
  return { uid: user.uid, email, role, org, name: user.displayName ?? email }
}
