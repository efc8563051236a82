// The privacy officer's audit export (issue 19, item 3): the period they
// choose, checked before anything is asked, and the CSV of GET /api/audit's
// answer. Pure: no DOM, no network, no texts (views/audit.ts puts a problem
// into words). Days are UTC days, as the API counts them and the file's
// times are written (functions/vtchat/supervision.py: export, csv_rows).
import type { Schemas } from '../../../shared/api/client'
import type { CsvCell } from '../csv'

export type AuditResponse = Schemas['AuditResponse']
export type AuditEntry = Schemas['AuditEntry']

/** The longest period the API answers at once (supervision.MAX_PERIOD): a whole leap year. */
export const MAX_DAYS = 366
/** The default period: the last 30 days, today included (the API's own default). */
export const DEFAULT_DAYS = 30

/** What the officer sees in the form: first and last day, both included (YYYY-MM-DD). */
export interface Period {
  from: string
  through: string
}

export type PeriodProblem = 'fromMissing' | 'throughMissing' | 'reversed' | 'tooLong'

export type Checked =
  | { ok: true; query: { from: string; to: string }; days: number }
  | { ok: false; problem: PeriodProblem; field: 'from' | 'through' }

const DAY = 86_400_000
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** YYYY-MM-DD of the UTC day of `ms`. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

/** Epoch ms of a YYYY-MM-DD's UTC midnight, or null when it is no real date. */
export function dayStart(day: string): number | null {
  const m = ISO_DAY.exec(day)
  if (!m) return null
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  // 2026-02-30 would roll over to March: not a date.
  return utcDay(ms) === day ? ms : null
}

/** The last `DEFAULT_DAYS` days up to and including today. */
export function defaultPeriod(now: number): Period {
  return { from: utcDay(now - (DEFAULT_DAYS - 1) * DAY), through: utcDay(now) }
}

/** The form's period as the API's query (`to` is the day after the last), or what is wrong with it. */
export function checkPeriod(period: Period): Checked {
  const from = dayStart(period.from.trim())
  const through = dayStart(period.through.trim())
  if (from === null) return { ok: false, problem: 'fromMissing', field: 'from' }
  if (through === null) return { ok: false, problem: 'throughMissing', field: 'through' }
  if (through < from) return { ok: false, problem: 'reversed', field: 'through' }
  const days = Math.round((through - from) / DAY) + 1
  if (days > MAX_DAYS) return { ok: false, problem: 'tooLong', field: 'from' }
  return { ok: true, query: { from: utcDay(from), to: utcDay(through + DAY) }, days }
}

/** The columns of the API's own CSV (supervision.CSV_COLUMNS): one file, whichever way it was made. */
export const AUDIT_COLUMNS = ['tijd (UTC)', 'medewerker', 'uid', 'organisatie', 'chat', 'wat', 'waarom'] as const

/** "2026-12-02 18:41:30": the entry's time in UTC, to the second. */
export function auditTime(at: string): string {
  const ms = Date.parse(at)
  return Number.isNaN(ms) ? at : new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

/** The export as rows, header first: who, which chat id, when, what and why; there is no content to leave out. */
export function auditRows(response: AuditResponse): CsvCell[][] {
  return [[...AUDIT_COLUMNS], ...response.entries.map((e) => [auditTime(e.at), e.name, e.uid, e.org, e.sessionId, e.what, e.why])]
}

/** The file's name: the organisation and the days it covers (both included). */
export function auditFileName(org: string, period: Period): string {
  return `auditlog-${org.replace(/[^a-z0-9-]/gi, '')}-${period.from}-${period.through}.csv`
}
