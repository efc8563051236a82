import { describe, expect, it } from 'vitest'
import { canToggle, changed, errorAt, fromContent, listError, move, newText, removeAt, slugId, sortedTeam, toRequest, type Account, type Content } from './regionadmin'

const content: Content = {
  org: 'utrecht',
  version: 3,
  referrals: [
    { name: 'Wijkteam', description: 'Dichtbij', url: 'https://wijkteam.nl/', phone: '030 123 4567' },
    { name: 'Huisarts', description: '', url: null, phone: null },
  ],
  texts: [{ id: 'avond', title: "Ook 's avonds", body: 'Bel {telefoon}.' }],
  savedAt: '2026-12-01T10:00:00Z',
  savedByName: 'Sanne',
  nationalTextIds: ['welkom', 'gevaar'],
  placeholders: {},
  history: [],
}

const account = (uid: string, role: Account['role'], name: string, disabled = false): Account => ({
  uid,
  role,
  displayName: name,
  email: `${uid}@vt.test`,
  languages: ['nl'],
  disabled,
  createdAt: null,
  lastSignInAt: null,
})

describe('the region draft', () => {
  it('starts from the stored version and sends it back unchanged', () => {
    const draft = fromContent(content)
    expect(draft.baseVersion).toBe(3)
    expect(changed(draft, content)).toBe(false)
    expect(toRequest(draft).referrals[1]).toEqual({ name: 'Huisarts', description: '', url: null, phone: null })
  })

  it('trims, and leaves out empty links and numbers', () => {
    const draft = fromContent(content)
    draft.referrals[0] = { name: '  Wijkteam ', description: ' x ', url: '  ', phone: ' ' }
    expect(toRequest(draft).referrals[0]).toEqual({ name: 'Wijkteam', description: 'x', url: null, phone: null })
    expect(changed(draft, content)).toBe(true)
  })

  it('reorders and removes', () => {
    expect(move(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c'])
    expect(move(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c'])
    expect(move(['a', 'b', 'c'], 2, -5)).toEqual(['c', 'a', 'b'])
    expect(removeAt(['a', 'b', 'c'], 1)).toEqual(['a', 'c'])
  })

  it('gives a new text a code that no national or own text has', () => {
    expect(slugId('Één keer per week!', new Set())).toBe('een-keer-per-week')
    expect(slugId('???', new Set())).toBe('tekst')
    const draft = fromContent(content)
    expect(newText(draft, content.nationalTextIds ?? [], 'Welkom').id).toBe('welkom-2')
    expect(newText(draft, content.nationalTextIds ?? [], 'Avond').id).toBe('avond-2')
  })

  it('finds the server’s message for each field and list', () => {
    const fields = { 'referrals.1.url': 'Alleen links die met https:// beginnen.', texts: 'Maximaal 10 eigen standaardteksten.' }
    expect(errorAt(fields, 'referrals', 1, 'url')).toContain('https://')
    expect(errorAt(fields, 'referrals', 0, 'url')).toBeNull()
    expect(listError(fields, 'texts')).toContain('10')
    expect(listError(fields, 'referrals')).toBeNull()
  })
})

describe('the team', () => {
  it('lists supervisors first, disabled advisors after the others', () => {
    const team = sortedTeam([account('b', 'advisor', 'Bram', true), account('a', 'advisor', 'Anna'), account('s', 'supervisor', 'Sanne')])
    expect(team.map((a) => a.uid)).toEqual(['s', 'a', 'b'])
  })

  it('lets a supervisor switch advisors only, never their own account', () => {
    expect(canToggle(account('a', 'advisor', 'Anna'), 's')).toBe(true)
    expect(canToggle(account('s2', 'supervisor', 'Karim'), 's')).toBe(false)
    expect(canToggle(account('s', 'advisor', 'Zelf'), 's')).toBe(false)
  })
})
