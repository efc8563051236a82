// The anonymous registration after a chat: its fields, and the request body
// from what was ticked (or which fields still lack an answer).
import type { RequestOf } from '../../../shared/api/client'

type RegistrationBody = RequestOf<'register'>
export const REG_FIELDS = [
  { key: 'contact', multi: false, values: ['victim', 'bystander', 'perpetrator', 'professional', 'other'] },
  {
    key: 'topics',
    multi: true,
    values: [
      'partner_violence', 'psychological_pressure', 'child_abuse', 'child_contact_arrangement', 'elder_abuse',
      'sexual_violence', 'honour_related_violence', 'stalking', 'other',
    ],
  },
  {
    key: 'advice',
    multi: true,
    values: [
      'information', 'safety_plan', 'talk_to_someone_close', 'call_veilig_thuis', 'official_report_by_phone',
      'call_police_112', 'other',
    ],
  },
  {
    key: 'referrals',
    multi: true,
    values: [
      'none', 'wijkteam', 'huisarts', 'slachtofferhulp', 'kindertelefoon', 'police', 'veilig_thuis_phone',
      'local_organisation', 'other',
    ],
  },
  { key: 'outcome', multi: false, values: ['advice_given', 'referred', 'report_advised', 'visitor_left', 'no_question'] },
] as const

export type RegField = (typeof REG_FIELDS)[number]['key']

/** The body of POST /api/register, or the fields (in form order) still unanswered. */
export function registrationBody(
  sessionId: string,
  ticked: (key: RegField) => string[],
): { ok: true; body: RegistrationBody } | { ok: false; missing: RegField[] } {
  const body: Record<string, unknown> = { sessionId }
  const missing: RegField[] = []
  for (const field of REG_FIELDS) {
    const values = ticked(field.key)
    if (!values.length) missing.push(field.key)
    body[field.key] = field.multi ? values : values[0]
  }
  // The values are REG_FIELDS' own (the server checks them again).
  return missing.length ? { ok: false, missing } : { ok: true, body: body as RegistrationBody }
}
