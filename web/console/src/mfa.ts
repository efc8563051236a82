// The console's second factor: the code at sign-in and at the idle lock, and
// the first enrolment. Production uses an authenticator app (TOTP); the Auth
// emulator knows only SMS second factors, so there the same screens use SMS
// (codes from the emulator, no text message is sent, no reCAPTCHA is loaded:
// main.ts sets appVerificationDisabledForTesting).
import {
  EmailAuthProvider,
  PhoneAuthProvider,
  PhoneMultiFactorGenerator,
  RecaptchaVerifier,
  TotpMultiFactorGenerator,
  getMultiFactorResolver,
  multiFactor,
  reauthenticateWithCredential,
  signInWithEmailAndPassword,
  type Auth,
  type MultiFactorError,
  type MultiFactorResolver,
  type PhoneMultiFactorInfo,
  type User,
} from 'firebase/auth'
import { encode } from 'uqr'
import { append, clear, h } from '../../shared/dom'
import type { Strings } from './i18n'
import {
  cleanCode,
  cleanPhone,
  groupSecret,
  mustEnrol,
  pickHint,
  problemOf,
  type SecondFactorMode,
  type SecondFactorProblem,
} from './secondfactor'

export type { SecondFactorMode }

/** The staff member went back to the password form. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled')
  }
}

/** A second-factor step that cannot go on; its message is `t.mfa[problem]`. */
export class SecondFactorError extends Error {
  constructor(readonly problem: SecondFactorProblem) {
    super(problem)
  }
}

const codeOf = (err: unknown): string =>
  typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : ''

const isMfaRequired = (err: unknown): err is MultiFactorError => codeOf(err) === 'auth/multi-factor-auth-required'

const ISSUER = 'Veilig Thuis chat'

interface Screen {
  title: string
  notice?: string
  body?: (Node | null)[]
}

export class SecondFactor {
  constructor(
    private readonly auth: Auth,
    readonly mode: SecondFactorMode,
    private readonly strings: () => Strings,
  ) {}

  /** Password sign-in, then the code of the account's second factor where it has one. */
  async signIn(email: string, password: string, page: HTMLElement): Promise<User> {
    try {
      return (await signInWithEmailAndPassword(this.auth, email, password)).user
    } catch (err) {
      if (!isMfaRequired(err)) throw err
      return (await this.resolve(getMultiFactorResolver(this.auth, err), page)).user
    }
  }

  /** The idle lock's re-authentication: the password, and the code again. */
  async reauthenticate(user: User, email: string, password: string, page: HTMLElement): Promise<void> {
    try {
      await reauthenticateWithCredential(user, EmailAuthProvider.credential(email, password))
    } catch (err) {
      if (!isMfaRequired(err)) throw err
      await this.resolve(getMultiFactorResolver(this.auth, err), page)
    }
  }

  mustEnrol(user: User, functionsRequireIt: boolean): boolean {
    return mustEnrol(this.mode, multiFactor(user).enrolledFactors.length, functionsRequireIt)
  }

  /** Enrol the signed-in account's first factor; it then signs in again with it. */
  async enrol(user: User, page: HTMLElement, notice: string): Promise<void> {
    const t = this.strings().mfa
    const session = await multiFactor(user).getSession().catch(this.fail)
    if (this.mode === 'totp') {
      const secret = await TotpMultiFactorGenerator.generateSecret(session).catch(this.fail)
      const url = secret.generateQrCodeUrl(user.email ?? 'medewerker', ISSUER)
      const body = [
        h('p', { text: t.enrolIntro }),
        h('p', { text: t.totpScan }),
        h('p', { class: 'totp-key', text: groupSecret(secret.secretKey) }),
        qrCode(url, t.qrAlt),
        h('p', {}, h('a', { href: url, text: t.totpLink })),
        h('p', { text: t.totpConfirm }),
      ]
      await this.askCode(page, { title: t.enrolTitle, notice, body }, (code) =>
        multiFactor(user).enroll(TotpMultiFactorGenerator.assertionForEnrollment(secret, code), t.factorName),
      )
      return
    }
    const { verificationId, phone } = await this.askPhone(page, notice, (phoneNumber) =>
      this.withVerifier(page, (verifier) =>
        new PhoneAuthProvider(this.auth).verifyPhoneNumber({ phoneNumber, session }, verifier),
      ),
    )
    await this.askCode(page, { title: t.enrolTitle, body: [h('p', { text: t.smsAsk(phone) })] }, (code) =>
      multiFactor(user).enroll(PhoneMultiFactorGenerator.assertion(PhoneAuthProvider.credential(verificationId, code)), 'SMS'),
    )
  }

  private async resolve(resolver: MultiFactorResolver, page: HTMLElement) {
    const t = this.strings().mfa
    const hint = resolver.hints[pickHint(resolver.hints, this.mode)]
    if (!hint) throw new SecondFactorError('unsupported')
    if (hint.factorId === PhoneMultiFactorGenerator.FACTOR_ID) {
      const verificationId = await this.withVerifier(page, (verifier) =>
        new PhoneAuthProvider(this.auth).verifyPhoneNumber({ multiFactorHint: hint, session: resolver.session }, verifier),
      ).catch(this.fail)
      const phone = (hint as PhoneMultiFactorInfo).phoneNumber
      return this.askCode(page, { title: t.title, body: [h('p', { text: t.smsAsk(phone) })] }, (code) =>
        resolver.resolveSignIn(PhoneMultiFactorGenerator.assertion(PhoneAuthProvider.credential(verificationId, code))),
      )
    }
    return this.askCode(page, { title: t.title, body: [h('p', { text: t.totpAsk })] }, (code) =>
      resolver.resolveSignIn(TotpMultiFactorGenerator.assertionForSignIn(hint.uid, code)),
    )
  }

  private fail = (err: unknown): never => {
    throw err instanceof SecondFactorError ? err : new SecondFactorError(problemOf(codeOf(err)))
  }

  /** An invisible verifier for the emulator's SMS factor (a mock there: no script loads). */
  private async withVerifier<T>(page: HTMLElement, use: (verifier: RecaptchaVerifier) => Promise<T>): Promise<T> {
    const holder = h('div', { class: 'verifier' })
    page.append(holder)
    const verifier = new RecaptchaVerifier(this.auth, holder, { size: 'invisible' })
    try {
      return await use(verifier)
    } finally {
      verifier.clear()
      holder.remove()
    }
  }

  private frame(page: HTMLElement, screen: Screen, form: HTMLFormElement, reject: (err: Error) => void): void {
    const t = this.strings()
    const back = h('button', { type: 'button', class: 'quiet', text: t.mfa.back })
    back.addEventListener('click', () => reject(new Cancelled()))
    clear(page)
    append(page, [
      h('h1', { text: t.title }),
      h('h2', { text: screen.title }),
      screen.notice ? h('p', { class: 'notice', role: 'status', text: screen.notice }) : null,
      ...(screen.body ?? []),
      form,
      back,
    ])
  }

  /** Ask for a code until `submit` accepts it; a wrong code may be typed again. */
  private askCode<T>(page: HTMLElement, screen: Screen, submit: (code: string) => Promise<T>): Promise<T> {
    const t = this.strings().mfa
    return new Promise<T>((resolve, reject) => {
      const input = h('input', { id: 'mfa-code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 9, required: true })
      const error = h('p', { class: 'error', role: 'alert' })
      const button = h('button', { type: 'submit', class: 'primary', text: t.confirm })
      const form = h('form', { class: 'signin', novalidate: true }, h('div', { class: 'field' }, h('label', { for: 'mfa-code', text: t.codeLabel }), input), error, button)
      form.addEventListener('submit', (e) => {
        e.preventDefault()
        const code = cleanCode(input.value)
        if (!code) {
          error.textContent = t.codeFormat
          return input.focus()
        }
        button.disabled = true
        error.textContent = ''
        submit(code).then(resolve, (err: unknown) => {
          button.disabled = false
          const problem = problemOf(codeOf(err))
          if (problem !== 'badCode') return reject(new SecondFactorError(problem))
          error.textContent = t.badCode
          input.value = ''
          input.focus()
        })
      })
      this.frame(page, screen, form, reject)
      input.focus()
    })
  }

  /** Ask for the mobile number of the emulator's SMS factor until a code could be sent. */
  private askPhone(page: HTMLElement, notice: string, send: (phone: string) => Promise<string>): Promise<{ verificationId: string; phone: string }> {
    const t = this.strings().mfa
    return new Promise((resolve, reject) => {
      const input = h('input', { id: 'mfa-phone', type: 'tel', autocomplete: 'tel', required: true })
      const error = h('p', { class: 'error', role: 'alert' })
      const button = h('button', { type: 'submit', class: 'primary', text: t.sendCode })
      const form = h('form', { class: 'signin', novalidate: true }, h('div', { class: 'field' }, h('label', { for: 'mfa-phone', text: t.phoneLabel }), input), error, button)
      form.addEventListener('submit', (e) => {
        e.preventDefault()
        const phone = cleanPhone(input.value)
        if (!phone) {
          error.textContent = t.badPhone
          return input.focus()
        }
        button.disabled = true
        error.textContent = ''
        send(phone).then(
          (verificationId) => resolve({ verificationId, phone }),
          (err: unknown) => {
            button.disabled = false
            const problem = problemOf(codeOf(err))
            if (problem !== 'badPhone') return reject(new SecondFactorError(problem))
            error.textContent = t.badPhone
            input.focus()
          },
        )
      })
      const body = [h('p', { text: t.enrolIntro }), h('p', { text: t.smsIntro })]
      this.frame(page, { title: t.enrolTitle, notice, body }, form, reject)
      input.focus()
    })
  }
}

/** The otpauth:// URL as a QR code in inline SVG (drawn here: nothing leaves the page). */
function qrCode(url: string, label: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg'
  const { data, size } = encode(url, { ecc: 'M', border: 2 })
  const svg = document.createElementNS(ns, 'svg')
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`)
  svg.setAttribute('width', '200')
  svg.setAttribute('height', '200')
  svg.setAttribute('role', 'img')
  svg.setAttribute('aria-label', label)
  svg.setAttribute('class', 'totp-qr')
  svg.setAttribute('shape-rendering', 'crispEdges')
  const background = document.createElementNS(ns, 'rect')
  background.setAttribute('width', String(size))
  background.setAttribute('height', String(size))
  background.setAttribute('fill', '#fff')
  const path = document.createElementNS(ns, 'path')
  let d = ''
  data.forEach((row, y) => row.forEach((dark, x) => (d += dark ? `M${x} ${y}h1v1h-1z` : '')))
  path.setAttribute('d', d)
  path.setAttribute('fill', '#000')
  svg.append(background, path)
  return svg
}
