import { describe, expect, it } from 'vitest'
import { csvLines } from '../csv'
import { staffFromClaims } from './staff'
import { auditFileName, auditRows, auditTime, checkPeriod, dayStart, defaultPeriod, type AuditResponse } from './audit'

// 2026-12-02 18:41 UTC (19:41 in Utrecht).
const NOW = Date.UTC(2026, 11, 2, 18, 41)

describe('the audit period', () => {
  it('is the last 30 days by default, today included, as the API counts them', () => {
    expect(defaultPeriod(NOW)).toEqual({ from: '2026-11-03', through: '2026-12-02' })
    const checked = checkPeriod(defaultPeriod(NOW))
    expect(checked).toEqual({ ok: true, query: { from: '2026-11-03', to: '2026-12-03' }, days: 30 })
  })

  it('uses the UTC day, so that just after midnight in Utrecht today is still whole', () => {
    // 00:30 on 3 December in Utrecht is 23:30 UTC on the 2nd.
    expect(defaultPeriod(Date.UTC(2026, 11, 2, 23, 30)).through).toBe('2026-12-02')
  })

  it('asks the API for the day after the last one (`to` is exclusive); one day is fine', () => {
    expect(checkPeriod({ from: '2026-12-31', through: '2026-12-31' })).toEqual({ ok: true, query: { from: '2026-12-31', to: '2027-01-01' }, days: 1 })
  })

  it('allows a whole leap year, 366 days, and not one day more', () => {
    expect(checkPeriod({ from: '2028-01-01', through: '2028-12-31' })).toMatchObject({ ok: true, days: 366 })
    expect(checkPeriod({ from: '2026-01-01', through: '2027-01-01' })).toMatchObject({ ok: true, days: 366 })
    expect(checkPeriod({ from: '2026-01-01', through: '2027-01-02' })).toEqual({ ok: false, problem: 'tooLong', field: 'from' })
  })

  it('refuses a missing or impossible date, and an end before the start', () => {
    expect(checkPeriod({ from: '', through: '2026-12-02' })).toEqual({ ok: false, problem: 'fromMissing', field: 'from' })
    expect(checkPeriod({ from: '2026-02-30', through: '2026-12-02' })).toMatchObject({ problem: 'fromMissing' })
    expect(checkPeriod({ from: '2026-11-01', through: '' })).toEqual({ ok: false, problem: 'throughMissing', field: 'through' })
    expect(checkPeriod({ from: '2026-11-01', through: '2-12-2026' })).toMatchObject({ problem: 'throughMissing' })
    expect(checkPeriod({ from: '2026-12-02', through: '2026-12-01' })).toEqual({ ok: false, problem: 'reversed', field: 'through' })
  })

  it('reads only real dates', () => {
    expect(dayStart('2028-02-29')).toBe(Date.UTC(2028, 1, 29))
    expect(dayStart('2026-02-29')).toBeNull()
    expect(dayStart('2026-12-02T00:00')).toBeNull()
  })
})

describe('the audit CSV', () => {
  const response: AuditResponse = {
    org: 'utrecht',
    from: '2026-11-03',
    to: '2026-12-03',
    retentionDays: 365,
    entries: [
      { at: '2026-12-02T18:41:30.123456Z', uid: 'u1', name: '=HYPERLINK(1)', org: 'utrecht', sessionId: 's1', what: 'opened', why: 'danger' },
      { at: '2026-12-02T19:00:00+00:00', uid: 'u2', name: 'Sanne; de Vries', org: 'utrecht', sessionId: 's2', what: 'takeover', why: 'takeover' },
    ],
  }

  it('has the API CSV columns and cells: UTC time to the second, formulas defused, quoting', () => {
    expect(csvLines(auditRows(response))).toBe(
      'tijd (UTC);medewerker;uid;organisatie;chat;wat;waarom\r\n' +
        "2026-12-02 18:41:30;'=HYPERLINK(1);u1;utrecht;s1;opened;danger\r\n" +
        '2026-12-02 19:00:00;"Sanne; de Vries";u2;utrecht;s2;takeover;takeover\r\n',
    )
  })

  it('is only the header when nothing was logged', () => {
    expect(auditRows({ ...response, entries: [] })).toHaveLength(1)
  })

  it('writes times in UTC whatever offset the answer uses', () => {
    expect(auditTime('2026-12-02T19:41:30+01:00')).toBe('2026-12-02 18:41:30')
  })

  it('names the file after the organisation and the days it covers', () => {
    expect(auditFileName('utrecht', { from: '2026-11-03', through: '2026-12-02' })).toBe('auditlog-utrecht-2026-11-03-2026-12-02.csv')
    expect(auditFileName('../x', { from: 'a', through: 'b' })).toBe('auditlog-x-a-b.csv')
  })
})

describe('who gets the export', () => {
  const user = { uid: 'u1', displayName: 'Pim' }
  it('is the account whose token says privacy: true, whatever its role', () => {
    expect(staffFromClaims({ role: 'advisor', org: 'utrecht', privacy: true }, user, 'p@vt.nl')?.privacy).toBe(true)
    expect(staffFromClaims({ role: 'national', org: 'landelijk', privacy: true }, user, 'p@vt.nl')?.privacy).toBe(true)
  })

  it('is nobody else: no claim, or anything but true (as the functions read it)', () => {
    for (const privacy of [undefined, false, 'true', 1, [true]]) {
      expect(staffFromClaims({ role: 'supervisor', org: 'utrecht', privacy }, user, 's@vt.nl')?.privacy).toBeUndefined()
    }
  })
})
