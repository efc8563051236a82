// "Regio beheren": the supervisor's draft of the organisation's referral list
// and standard texts, and their team. Pure logic (no DOM, no network): the
// view (views/regionadmin.ts) edits a Draft with these functions and sends
// toRequest(draft); the server checks everything again (vtchat/content.py).
import type { RequestOf, ResponseOf } from '../../../shared/api/client'

export type Content = ResponseOf<'content', 'GET'>
export type SaveRequest = RequestOf<'savecontent'>
export type Account = ResponseOf<'team', 'GET'>['accounts'][number]

export interface ReferralDraft {
  name: string
  description: string
  url: string
  phone: string
}

export interface TextDraft {
  id: string
  title: string
  body: string
}

export interface Draft {
  /** The version this draft was made from: saving names it (409 if someone saved since). */
  baseVersion: number
  referrals: ReferralDraft[]
  texts: TextDraft[]
}

export const MAX_REFERRALS = 15
export const MAX_TEXTS = 10

export function fromContent(content: Content): Draft {
  return {
    baseVersion: content.version,
    referrals: content.referrals.map((r) => ({ name: r.name, description: r.description ?? '', url: r.url ?? '', phone: r.phone ?? '' })),
    texts: content.texts.map((t) => ({ id: t.id, title: t.title, body: t.body })),
  }
}

export const emptyReferral = (): ReferralDraft => ({ name: '', description: '', url: '', phone: '' })

/** A copy of `list` with the item at `index` moved by `delta` places (clamped). */
export function move<T>(list: readonly T[], index: number, delta: number): T[] {
  const to = Math.max(0, Math.min(list.length - 1, index + delta))
  const out = [...list]
  if (index < 0 || index >= list.length || to === index) return out
  const [item] = out.splice(index, 1)
  out.splice(to, 0, item as T)
  return out
}

export const removeAt = <T>(list: readonly T[], index: number): T[] => list.filter((_, i) => i !== index)

/** A text's code from its title: lower case, a-z0-9 and dashes, unique among `taken`. */
export function slugId(title: string, taken: ReadonlySet<string>): string {
  const base =
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 32) || 'tekst'
  let id = base
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`
  return id
}

/** A new text with a code no national or own text has. */
export function newText(draft: Draft, nationalIds: readonly string[], title: string): TextDraft {
  const taken = new Set([...nationalIds, ...draft.texts.map((t) => t.id)])
  return { id: slugId(title, taken), title, body: '' }
}

/** The request body: trimmed, empty optional fields left out. */
export function toRequest(draft: Draft): SaveRequest {
  return {
    baseVersion: draft.baseVersion,
    referrals: draft.referrals.map((r) => ({
      name: r.name.trim(),
      description: r.description.trim(),
      url: r.url.trim() || null,
      phone: r.phone.trim() || null,
    })),
    texts: draft.texts.map((t) => ({ id: t.id, title: t.title.trim(), body: t.body.trim() })),
  }
}

/** The server's field errors ("referrals.2.url") by list, index and field, for the view to put beside each input. */
export function errorAt(fields: Readonly<Record<string, string>>, list: 'referrals' | 'texts', index: number, field: string): string | null {
  return fields[`${list}.${index}.${field}`] ?? null
}

/** Errors about a whole list ("referrals": too many; "texts": a code twice). */
export const listError = (fields: Readonly<Record<string, string>>, list: 'referrals' | 'texts'): string | null => fields[list] ?? null

/** Whether the draft differs from what it was made from. */
export function changed(draft: Draft, content: Content): boolean {
  return JSON.stringify(toRequest(draft)) !== JSON.stringify(toRequest(fromContent(content)))
}

/** The team for the list: supervisors first, then by name; disabled ones last within each. */
export function sortedTeam(accounts: readonly Account[]): Account[] {
  return [...accounts].sort(
    (a, b) =>
      Number(a.role !== 'supervisor') - Number(b.role !== 'supervisor') ||
      Number(a.disabled) - Number(b.disabled) ||
      (a.displayName ?? '').localeCompare(b.displayName ?? '', 'nl'),
  )
}

/** Only advisors of the organisation can be disabled here, never the caller's own account. */
export const canToggle = (account: Account, myUid: string): boolean => account.role === 'advisor' && account.uid !== myUid
