// The second factor's pure decisions (no Firebase, no DOM): which factor to
// ask for, what a typed code is, which message an error gets.

/**
 * Production: an authenticator app (TOTP), always (identity.tf: MANDATORY).
 * Emulators: SMS, the only second factor the Auth emulator has
 * (firebase-tools #6224), asked for only where the functions require one
 * (VTCHAT_STAFF_SECOND_FACTOR): the relaxed local stack signs in with a
 * password alone.
 */
export type SecondFactorMode = 'totp' | 'emulator-sms'

export const FACTOR_OF: Record<SecondFactorMode, 'totp' | 'phone'> = { totp: 'totp', 'emulator-sms': 'phone' }

/** The index of the enrolled factor to ask for: the mode's own, else -1. */
export function pickHint(hints: readonly { factorId: string }[], mode: SecondFactorMode): number {
  return hints.findIndex((hint) => hint.factorId === FACTOR_OF[mode])
}

/** Whether a signed-in account without a factor must enrol one before it gets in. */
export function mustEnrol(mode: SecondFactorMode, enrolled: number, functionsRequireIt: boolean): boolean {
  if (enrolled > 0) return false
  return mode === 'totp' || functionsRequireIt
}

/** A typed code: 6 digits, spaces and dashes allowed ("123 456"); null if not. */
export function cleanCode(raw: string): string | null {
  const code = raw.replace(/[\s-]/g, '')
  return /^\d{6}$/.test(code) ? code : null
}

/** A phone number as the emulator's SMS factor takes it (E.164); null if not. */
export function cleanPhone(raw: string): string | null {
  const phone = raw.replace(/[\s()-]/g, '')
  return /^\+[1-9]\d{7,14}$/.test(phone) ? phone : null
}

/** The shared secret in groups of four, easier to type into an authenticator app. */
export function groupSecret(secret: string): string {
  return secret.replace(/\s/g, '').match(/.{1,4}/g)?.join(' ') ?? ''
}

export type SecondFactorProblem =
  | 'badCode'
  | 'expired'
  | 'tooMany'
  | 'badPhone'
  | 'unverified'
  | 'unsupported'
  | 'recentLogin'
  | 'failed'

/** The message for a Firebase Auth error code met during the second factor. */
export function problemOf(code: string): SecondFactorProblem {
  switch (code) {
    case 'auth/invalid-verification-code':
    case 'auth/missing-code':
      return 'badCode'
    case 'auth/code-expired':
    case 'auth/invalid-multi-factor-session':
    case 'auth/missing-multi-factor-session':
    case 'auth/invalid-verification-id':
      return 'expired'
    case 'auth/too-many-requests':
      return 'tooMany'
    case 'auth/invalid-phone-number':
    case 'auth/missing-phone-number':
      return 'badPhone'
    case 'auth/unverified-email':
      return 'unverified'
    case 'auth/requires-recent-login':
      return 'recentLogin'
    default:
      return 'failed'
  }
}
