// Regions and organisations: names, the national board, standard texts' blanks.
import type { Advisor, Me, Region, RegionStatus, Session, Status } from '../types'

export function regionName(regions: readonly Region[], id: string | undefined | null): string {
  if (!id) return '–'
  return regions.find((r) => r.id === id)?.shortName ?? id
}

export function otherOrgs(regions: readonly Region[], org: string | undefined): Region[] {
  return regions.filter((r) => r.id !== org).sort((a, b) => a.shortName.localeCompare(b.shortName))
}

export function sortedRegions(regions: readonly Region[]): Region[] {
  return [...regions].sort((a, b) => a.shortName.localeCompare(b.shortName))
}

/** The national board: totals, and the regions with the longest queues first. */
export function board(regions: readonly RegionStatus[]): { waiting: number; online: number; rows: RegionStatus[] } {
  return {
    waiting: regions.reduce((n, r) => n + r.queueLength, 0),
    online: regions.reduce((n, r) => n + r.advisorsOnline, 0),
    rows: [...regions].sort((a, b) => b.queueLength - a.queueLength || a.name.localeCompare(b.name)),
  }
}

/** A standard text with its blanks filled in for this chat. */
export function fillText(body: string, s: Session, regions: readonly Region[], advisors: readonly Advisor[], me: Me): string {
  const region = s.region ? regions.find((r) => r.id === s.region) : undefined
  const orgName = regions.find((r) => r.id === me.org)?.shortName ?? advisors.find((a) => a.id === me.uid)?.orgName ?? me.org
  const local = (region?.referrals ?? []).map((r) => `- ${r.name}${r.phone ? ` (${r.phone})` : ''}`).join('\n')
  return body
    .replaceAll('{regio}', region?.shortName ?? regionName(regions, s.region))
    .replaceAll('{organisatie}', orgName)
    .replaceAll('{lokale_hulp}', local)
    .replaceAll('{telefoon}', '0800 2000')
}

// The advisors listener tells about changes made elsewhere (the tick setting a
// silent console offline); right after our own change it may still deliver
// the state before it, which must not undo it.
export const OWN_CHANGE_MS = 5_000

/** The availability to take over from our own advisor document, if any. */
export function remoteAvailability(
  advisors: readonly Advisor[],
  uid: string,
  capacity: number,
  sinceOwnChange: number,
): { status: Status; capacity: number } | null {
  const mine = advisors.find((a) => a.id === uid)
  if (!mine?.status || sinceOwnChange <= OWN_CHANGE_MS) return null
  return { status: mine.status, capacity: mine.capacity ?? capacity }
}
