import { describe, expect, it } from 'vitest'
import { toAdvisor, type Region } from '../types'
import { session } from './fixtures.test-support'
import { board, fillText, otherOrgs, regionName, remoteAvailability } from './org'
import { registrationBody } from './registration'
import { staffFromClaims } from './staff'
import { localDate, minutesSince, monthRange, pastMonths } from './time'

const refer = (name: string, phone: string | null) => ({ name, description: '', url: null, phone })
const schedule = { opensAt: null, closesAt: null, servedBy: null, hours: [] }
const regions: Region[] = [
  { id: 'utrecht', name: 'Veilig Thuis Utrecht', shortName: 'Utrecht', referrals: [refer('Wijkteam', '030 1'), refer('Huisarts', null)] },
  { id: 'haaglanden', name: 'Veilig Thuis Haaglanden', shortName: 'Haaglanden', referrals: [] },
]
const me = { uid: 'u1', email: 'a@vt.nl', role: 'advisor' as const, org: 'utrecht', name: 'Anna', languages: ['nl'] }

describe('organisations and texts', () => {
  it('names regions, falling back to the id', () => {
    expect(regionName(regions, 'utrecht')).toBe('Utrecht')
    expect(regionName(regions, 'twente')).toBe('twente')
    expect(regionName(regions, null)).toBe('–')
    expect(otherOrgs(regions, 'utrecht').map((r) => r.id)).toEqual(['haaglanden'])
  })

  it('fills a standard text for the chat', () => {
    const text = fillText('{regio}/{organisatie}/{telefoon}\n{lokale_hulp}', session('s', { region: 'utrecht' }), regions, [], me)
    expect(text).toBe('Utrecht/Utrecht/0800 2000\n- Wijkteam (030 1)\n- Huisarts')
  })

  it('sums and sorts the national board', () => {
    const b = board([
      { ...schedule, id: 'a', name: 'A', open: true, queueLength: 1, advisorsOnline: 2, estimatedWaitMinutes: 3 },
      { ...schedule, id: 'b', name: 'B', open: true, queueLength: 4, advisorsOnline: 1, estimatedWaitMinutes: null },
    ])
    expect(b).toMatchObject({ waiting: 5, online: 3 })
    expect(b.rows.map((r) => r.id)).toEqual(['b', 'a'])
  })

  it('takes over the availability set elsewhere, not right after our own change', () => {
    const advisors = [toAdvisor('u1', { status: 'offline' })]
    expect(remoteAvailability(advisors, 'u1', 3, 60_000)).toEqual({ status: 'offline', capacity: 3 })
    expect(remoteAvailability(advisors, 'u1', 3, 1_000)).toBeNull()
    expect(remoteAvailability([], 'u1', 3, 60_000)).toBeNull()
  })
})

describe('sign-in, registration and dates', () => {
  it('lets in only a role with an organisation', () => {
    const user = { uid: 'u1', displayName: null }
    expect(staffFromClaims({ role: 'supervisor', org: 'utrecht' }, user, 'b@vt.nl')).toEqual({ uid: 'u1', email: 'b@vt.nl', role: 'supervisor', org: 'utrecht', name: 'b@vt.nl', languages: ['nl'] })
    // The languages the advisor chats in: Dutch always, unknown ones left out.
    expect(staffFromClaims({ role: 'advisor', org: 'utrecht', langs: ['nl', 'tr', 'xx'] }, user, 'a')?.languages).toEqual(['nl', 'tr'])
    expect(staffFromClaims({ role: 'admin', org: 'utrecht' }, user, 'x')).toBeNull()
    expect(staffFromClaims({ role: 'advisor' }, user, 'x')).toBeNull()
  })

  it('builds the registration, or says what is missing', () => {
    const answers: Record<string, string[]> = { contact: ['victim'], topics: ['stalking', 'other'], advice: [], referrals: ['none'], outcome: ['referred'] }
    expect(registrationBody('s', (k) => answers[k] ?? [])).toEqual({ ok: false, missing: ['advice'] })
    answers.advice = ['information']
    expect(registrationBody('s', (k) => answers[k] ?? [])).toEqual({
      ok: true,
      body: { sessionId: 's', contact: 'victim', topics: ['stalking', 'other'], advice: ['information'], referrals: ['none'], outcome: 'referred' },
    })
  })

  it('offers whole past months only', () => {
    expect(pastMonths(2, new Date(2026, 0, 15))).toEqual(['2025-12-01', '2025-11-01'])
    expect(monthRange('2025-12-01')).toEqual({ from: '2025-12-01', to: '2026-01-01' })
    expect(localDate(new Date(2026, 1, 3))).toBe('2026-02-03')
    expect(minutesSince(null, 5)).toBe(0)
    expect(minutesSince(0, 125_000)).toBe(2)
    expect(minutesSince(10, 0)).toBe(0)
  })
})
