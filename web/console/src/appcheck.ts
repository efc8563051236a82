// App Check for the console: infra/identity.tf enforces it on Firestore and
// Firebase Auth, so without a token staff could neither sign in nor listen.
//
// Production: reCAPTCHA Enterprise (score-based, no challenge) with the site
// key the page carries in data-app-check-site-key (Terraform output
// recaptcha_site_key). App Check also needs the web app's id (data-app-id).
//
// Emulators: App Check is not started at all. The Auth and Firestore emulators
// do not check App Check tokens, and every provider would call Google: the
// reCAPTCHA provider loads Google's script, and the debug provider exchanges
// its token at content-firebaseappcheck.googleapis.com (exchangeDebugToken in
// @firebase/app-check), which a demo project (demo-vtchat) does not have. A
// CustomProvider returning a made-up token would only pretend. So local runs
// make no network call to Google, and what cannot be tested locally is said in
// docs/deploy.md.
import type { FirebaseApp } from 'firebase/app'
import { ReCaptchaEnterpriseProvider, getToken, initializeAppCheck, type AppCheck } from 'firebase/app-check'

export type AppCheckPlan =
  | { kind: 'off'; reason: 'emulators' }
  | { kind: 'missing'; what: string }
  | { kind: 'recaptcha-enterprise'; siteKey: string }

/** What the page's configuration asks for (pure: unit-testable). */
export function appCheckPlan(opts: { emulated: boolean; siteKey?: string | undefined; appId?: string | undefined }): AppCheckPlan {
  if (opts.emulated) return { kind: 'off', reason: 'emulators' }
  const siteKey = opts.siteKey?.trim() ?? ''
  if (!siteKey) return { kind: 'missing', what: 'data-app-check-site-key' }
  if (!opts.appId?.trim()) return { kind: 'missing', what: 'data-app-id' }
  return { kind: 'recaptcha-enterprise', siteKey }
}

/**
 * Start App Check before Auth and Firestore make their first request (they
 * ask for a token on each request once it is initialised).
 */
export function startAppCheck(app: FirebaseApp, plan: AppCheckPlan): AppCheck | null {
  if (plan.kind === 'off') return null
  if (plan.kind === 'missing') {
    // Signing in will be refused where App Check is enforced: say why.
    console.error(`App Check not started: the page lacks ${plan.what}`)
    return null
  }
  return initializeAppCheck(app, {
    provider: new ReCaptchaEnterpriseProvider(plan.siteKey),
    isTokenAutoRefreshEnabled: true,
  })
}

/**
 * The token for the functions' calls (api.ts), or null without App Check.
 * A token that cannot be had is sent as none: the functions then answer
 * `app_check_missing` with a Dutch message the console shows, rather than the
 * call failing here without a word.
 */
export function appCheckTokens(appCheck: AppCheck | null): () => Promise<string | null> {
  if (!appCheck) return async () => null
  return async () => {
    try {
      return (await getToken(appCheck, false)).token
    } catch (err) {
      console.error('App Check token unavailable', err)
      return null
    }
  }
}
