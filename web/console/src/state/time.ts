// Times for the console's screens, in the browser's local time zone.

/** Whole minutes from `at` (epoch ms) to `now`, never negative; 0 when unknown. */
export function minutesSince(at: number | null, now: number): number {
  return at === null ? 0 : Math.max(0, Math.floor((now - at) / 60_000))
}

export function startOfDay(now: number): number {
  const d = new Date(now)
  d.setHours(0, 0, 0, 0)
  return d.getTime()
}

/** YYYY-MM-DD of a local date. */
export function localDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/** The first days of the last `n` calendar months that are over, the latest first (local dates). */
export function pastMonths(n: number, now: Date): string[] {
  return Array.from({ length: n }, (_, i) => localDate(new Date(now.getFullYear(), now.getMonth() - 1 - i, 1)))
}

/** The report's range for one month (its first day): that month, `to` exclusive. */
export function monthRange(first: string): { from: string; to: string } {
  const d = new Date(`${first}T12:00:00`)
  return { from: first, to: localDate(new Date(d.getFullYear(), d.getMonth() + 1, 1)) }
}
