// No chat left unanswered (issue 19): the `reassigned` entry, told calmly.
import { describe, expect, it } from 'vitest'
import type { SessionGrant } from './api'
import { noteText } from './components'
import { applyEvent } from './events'
import * as S from './state'
import { ar } from '../i18n/ar'
import { en } from '../i18n/en'
import { nl } from '../i18n/nl'
import { pl } from '../i18n/pl'
import { tr } from '../i18n/tr'
import { uk } from '../i18n/uk'

const PACKS = [nl, en, tr, ar, pl, uk]

const grant: SessionGrant = {
  sessionId: 's1',
  token: 'secret-token',
  expiresAt: '2026-12-02T18:00:00Z',
  region: { id: 'utrecht', name: 'Utrecht' },
  resumeCode: 'ABCD-EFGH-JKMN',
  streamUrl: 'https://stream.example/stream',
}

const ev = (type: string, data: Record<string, unknown> = {}): S.StreamEvent => ({ id: null, type, data })

describe('a chat passed to a colleague', () => {
  it('waits again, first in line, with one calm note however often the entry comes', () => {
    const chatting = [ev('assigned', { advisorName: 'Anna' })].reduce(applyEvent, S.started({ ...S.initialState, open: true }, grant, false))
    const told = ev('reassigned', { seq: 3, advisorName: 'Anna' })
    const state = [told, told].reduce(applyEvent, chatting)
    expect(state.conversation?.phase).toBe('waiting')
    expect(state.conversation?.advisor).toBeNull()
    const notes = state.conversation?.entries.filter((e) => e.note) ?? []
    expect(notes.map((e) => e.note)).toEqual([{ type: 'reassigned' }])
    for (const s of PACKS) {
      const text = noteText(s, { type: 'reassigned' })
      expect(text.length).toBeGreaterThan(20)
      // Calm: no blame and no advisor's name in it.
      expect(text).not.toContain('Anna')
    }
  })
})
