// Entry of the advisor console: reads the page's configuration, starts
// Firebase (memory-only auth: nothing survives a reload or sign-out) and the app.
import { initializeApp } from 'firebase/app'
import { connectAuthEmulator, inMemoryPersistence, initializeAuth } from 'firebase/auth'
import { connectFirestoreEmulator, getFirestore } from 'firebase/firestore'
import { Api } from './api'
import { ConsoleApp } from './app'
import { appCheckPlan, appCheckTokens, startAppCheck } from './appcheck'
import './console.css'

const root = document.getElementById('console')
if (!root) throw new Error('#console missing')
const data = root.dataset

// Emulators only on a loopback page: a production page that kept the
// attribute by accident still talks to production.
const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(location.hostname)
const emulators = loopback && data.emulators ? Object.fromEntries(
  data.emulators.split(/[\s;]+/).filter(Boolean).map((pair) => pair.split('=') as [string, string]),
) : null

const app = initializeApp({
  // No fallback: a page without its configuration fails loudly, never on a demo project.
  projectId: data.project ?? '',
  apiKey: data.apiKey ?? '',
  authDomain: data.authDomain ?? location.host,
  ...(data.appId ? { appId: data.appId } : {}),
})
// Before Auth and Firestore: their requests carry its token from the first on.
const appCheck = startAppCheck(app, appCheckPlan({ emulated: Boolean(emulators?.auth), siteKey: data.appCheckSiteKey, appId: data.appId }))
const auth = initializeAuth(app, { persistence: inMemoryPersistence })
const db = getFirestore(app)
if (emulators?.auth) {
  connectAuthEmulator(auth, `http://${emulators.auth}`, { disableWarnings: true })
  // The emulator's SMS second factor needs no reCAPTCHA: no script from Google
  // (connectAuthEmulator sets this too; said here because mfa.ts relies on it).
  auth.settings.appVerificationDisabledForTesting = true
}
if (emulators?.firestore) {
  const i = emulators.firestore.lastIndexOf(':')
  connectFirestoreEmulator(db, emulators.firestore.slice(0, i), Number(emulators.firestore.slice(i + 1)))
}

const idle = Number(data.idleMinutes ?? '10')
new ConsoleApp(root, {
  auth,
  db,
  api: new Api((data.api ?? '/api').replace(/\/+$/, ''), auth, appCheckTokens(appCheck)),
  idleMinutes: Number.isFinite(idle) && idle > 0 ? idle : 10,
  lang: data.lang === 'en' ? 'en' : 'nl',
  // On the emulators the second factor is SMS (no TOTP there) and only asked
  // for where the functions require it; in production it is always TOTP.
  secondFactor: emulators?.auth ? 'emulator-sms' : 'totp',
}).start()
