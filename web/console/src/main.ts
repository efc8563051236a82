// Entry of the advisor console: reads the page's configuration, starts
// Firebase (memory-only auth: nothing survives a reload or sign-out) and the app.
import { initializeApp } from 'firebase/app'
import { connectAuthEmulator, inMemoryPersistence, initializeAuth } from 'firebase/auth'
import { connectFirestoreEmulator, getFirestore } from 'firebase/firestore'
import { Api } from './api'
import { ConsoleApp } from './app'
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
  projectId: data.project ?? 'demo-vtchat',
  apiKey: data.apiKey ?? 'fake-api-key',
  authDomain: data.authDomain ?? location.host,
})
const auth = initializeAuth(app, { persistence: inMemoryPersistence })
const db = getFirestore(app)
if (emulators?.auth) connectAuthEmulator(auth, `http://${emulators.auth}`, { disableWarnings: true })
if (emulators?.firestore) {
  const i = emulators.firestore.lastIndexOf(':')
  connectFirestoreEmulator(db, emulators.firestore.slice(0, i), Number(emulators.firestore.slice(i + 1)))
}

const idle = Number(data.idleMinutes ?? '10')
new ConsoleApp(root, {
  auth,
  db,
  api: new Api((data.api ?? '/api').replace(/\/+$/, ''), auth),
  idleMinutes: Number.isFinite(idle) && idle > 0 ? idle : 10,
  lang: data.lang === 'en' ? 'en' : 'nl',
}).start()
