// The intake form's own checks, pure: what was filled in goes in, either the
// request for POST /api/intake or the errors (keys of the strings) come out.
// The server checks again (functions/vtchat/models.py); these only spare a
// round trip and say it in the visitor's language.
import type { WidgetLang } from '../../../shared/i18n'
import type { IntakeBody } from './api'

type Answers = IntakeBody['answers']

export interface IntakeInput {
  nickname: string
  age: string
  gender: string | undefined
  where: 'postcode' | 'region'
  postcode: string
  region: string
  about: string | undefined
  firstContact: string | undefined
  inDanger: string | undefined
  // The language the widget shows: other than Dutch, the chat goes to advisors
  // who speak it. The widget's list must be one the server accepts: a
  // WidgetLang the API's Language does not know fails to compile where the
  // request is built below.
  language: WidgetLang
}

export type IntakeProblem = 'errNickname' | 'errNicknameUrl' | 'errAge' | 'errAgeRange' | 'errGender' | 'errPostcode' | 'errRegion'

export type IntakeCheck = { ok: true; request: IntakeBody } | { ok: false; errors: Record<string, IntakeProblem> }

// A nickname that looks like a link or a website: refused (no advertising, no tracking links).
const LOOKS_LIKE_A_LINK = /(:\/\/|www\.|\b[\w-]+\.(nl|com|net|org|eu|be|de|info|io|me|app|xyz|ly|co|tk|ru)\b)/i

export function checkIntake(input: IntakeInput): IntakeCheck {
  const errors: Record<string, IntakeProblem> = {}
  const nickname = input.nickname.trim()
  if (!nickname || nickname.length > 30) errors.nickname = 'errNickname'
  else if (LOOKS_LIKE_A_LINK.test(nickname)) errors.nickname = 'errNicknameUrl'
  const ageText = input.age.trim()
  const age = Number(ageText)
  if (!/^\d{1,3}$/.test(ageText)) errors.age = 'errAge'
  else if (age < 6 || age > 120) errors.age = 'errAgeRange'
  if (!input.gender) errors.gender = 'errGender'
  const postcode = input.postcode.trim()
  if (input.where === 'postcode' && !/^[1-9][0-9]{3}$/.test(postcode)) errors.postcode = 'errPostcode'
  if (input.where === 'region' && !input.region) errors.region = 'errRegion'
  if (Object.keys(errors).length) return { ok: false, errors }
  const { about, firstContact } = input
  return {
    ok: true,
    request: {
      nickname,
      age,
      gender: input.gender as IntakeBody['gender'],
      ...(input.where === 'postcode' ? { postcode } : { region: input.region }),
      answers: {
        ...(about ? { about: about as Answers['about'] } : {}),
        ...(firstContact ? { firstContact: firstContact as Answers['firstContact'] } : {}),
      },
      inDanger: input.inDanger === 'yes',
      language: input.language,
    },
  }
}

/** The server's 422 field names, as the form's fields are named ("answers.about" is "about"). */
export function formFieldName(serverName: string, known: (name: string) => boolean): string {
  const key = serverName.startsWith('answers.') ? serverName.slice(8) : serverName
  return known(key) ? key : serverName
}
