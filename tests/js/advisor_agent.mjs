#!/usr/bin/env node
// A headless advisor console for end-to-end tests and benchmarks: it signs in
// like the real console, reads through the same Firestore listeners (so
// firestore.rules apply), and calls the HTTP API with its ID token.
//
// Protocol: one JSON command per line on stdin, one JSON reply or event per
// line on stdout. Commands run one at a time in arrival order, so a test can
// pipe `signIn` and `watchQueue` without waiting for the first reply.
// A watch command replies after its listener's first snapshot (or error), so
// once the reply is in, later changes are guaranteed to arrive as events.
//
//   {"id":1,"cmd":"signIn","email":…,"password":…}  -> uid, email, role, org, claims
//   {"id":2,"cmd":"watchQueue"}      events {"event":"queue","sessions":[…],"at":ms}
//   {"id":3,"cmd":"watchChats"}      events {"event":"chats","sessions":[…],"at":ms}
//   {"id":4,"cmd":"watchMessages","sessionId":…}
//                                    events {"event":"message","sessionId","doc","at"}
//   {"id":5,"cmd":"unwatch","what":"queue"|"chats"|"messages","sessionId"?}
//   {"id":6,"cmd":"call","name":"accept","body":{…}}  -> status, body (HTTP answer)
//   {"id":7,"cmd":"quit"}            (stdin EOF also ends the process, exit 0)
// Replies are {"id","ok":true,…} or {"id","ok":false,"error","code"?}; a
// listener failure is {"event":"error","what","code","message","at"}.
import { createInterface } from 'node:readline';
import { initializeApp } from 'firebase/app';
import { connectAuthEmulator, getAuth, signInWithEmailAndPassword } from 'firebase/auth';
import {
  Timestamp,
  collection,
  connectFirestoreEmulator,
  getFirestore,
  onSnapshot,
  orderBy,
  query,
  where,
} from 'firebase/firestore';

// stdout belongs to the protocol. The Firebase logger and stray console.log
// calls would otherwise corrupt it, so route them to stderr.
const emit = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
console.log = console.info = console.debug = (...args) => console.error(...args);

// As the console: firestore.rules refuse a query that could return documents
// past their expireAt, so every query bounds it (web/console/src/app.ts).
const unexpired = () => where('expireAt', '>', Timestamp.fromMillis(Date.now() + 15 * 60_000));

const env = process.env;
const projectId = env.GOOGLE_CLOUD_PROJECT || 'demo-vtchat';
const apiUrl = (env.VTCHAT_API_URL || 'http://127.0.0.1:5001/api').replace(/\/+$/, '');

function hostPort(value) {
  const i = value.lastIndexOf(':');
  return { host: value.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(value.slice(i + 1)) };
}

// The agent only ever talks to emulators; the apiKey is required by the SDK
// but not checked by the Auth emulator.
const app = initializeApp({ projectId, apiKey: 'fake-api-key' });
const auth = getAuth(app);
connectAuthEmulator(auth, `http://${env.FIREBASE_AUTH_EMULATOR_HOST || '127.0.0.1:9099'}`, {
  disableWarnings: true,
});
const db = getFirestore(app);
const fs = hostPort(env.FIRESTORE_EMULATOR_HOST || '127.0.0.1:8080');
connectFirestoreEmulator(db, fs.host, fs.port);

let me = null; // { uid, role, org } after signIn
const watches = new Map(); // 'queue' | 'chats' | 'messages:<sessionId>' -> unsubscribe

// Timestamps become epoch ms so consumers can compare and subtract directly.
function plain(value) {
  if (value instanceof Timestamp) return value.toMillis();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object' && value.constructor === Object) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}
const docJson = (snap) => ({ id: snap.id, ...plain(snap.data()) });

function requireSignedIn() {
  if (!me) throw new Error('not signed in');
  return me;
}

function unwatch(key) {
  watches.get(key)?.();
  return watches.delete(key);
}

function unwatchAll() {
  for (const key of [...watches.keys()]) unwatch(key);
}

// Starts a listener under `key` (replacing an older one) and resolves after
// the first snapshot; a first error rejects, later errors become events.
function watch(key, what, q, onSnap) {
  unwatch(key);
  return new Promise((resolve, reject) => {
    let first = true;
    const unsubscribe = onSnapshot(
      q,
      (snap) => {
        onSnap(snap);
        if (first) resolve({});
        first = false;
      },
      (err) => {
        emit({ event: 'error', what, code: err.code, message: err.message, at: Date.now() });
        // A failed listener is dead; forget it so `unwatch` reports that.
        if (watches.get(key) === unsubscribe) watches.delete(key);
        if (first) reject(err);
        first = false;
      },
    );
    watches.set(key, unsubscribe);
  });
}

const commands = {
  async signIn({ email, password }) {
    // Listeners belong to whoever started them; a new identity starts clean.
    unwatchAll();
    me = null;
    const { user } = await signInWithEmailAndPassword(auth, email, password);
    const { claims } = await user.getIdTokenResult();
    const role = claims.role ?? null;
    const org = claims.org ?? null;
    me = { uid: user.uid, role, org };
    return { uid: user.uid, email: user.email, role, org, claims: { role, org } };
  },

  watchQueue() {
    const { org } = requireSignedIn();
    const q = query(
      collection(db, 'sessions'),
      where('org', '==', org),
      where('state', '==', 'waiting'),
      unexpired(),
      orderBy('queuedAt'),
    );
    return watch('queue', 'queue', q, (snap) =>
      emit({ event: 'queue', sessions: snap.docs.map(docJson), at: Date.now() }),
    );
  },

  watchChats() {
    const { uid } = requireSignedIn();
    const q = query(collection(db, 'sessions'), where('advisorUid', '==', uid), unexpired());
    return watch('chats', 'chats', q, (snap) =>
      emit({ event: 'chats', sessions: snap.docs.map(docJson), at: Date.now() }),
    );
  },

  watchMessages({ sessionId }) {
    requireSignedIn();
    if (typeof sessionId !== 'string' || !sessionId) throw new Error('sessionId required');
    const q = query(collection(db, 'sessions', sessionId, 'messages'), unexpired(), orderBy('seq'));
    return watch(`messages:${sessionId}`, 'messages', q, (snap) => {
      // Timeline documents are append-only: only additions are news.
      const added = snap
        .docChanges()
        .filter((change) => change.type === 'added')
        .map((change) => docJson(change.doc))
        .sort((a, b) => a.seq - b.seq);
      const at = Date.now();
      for (const doc of added) emit({ event: 'message', sessionId, doc, at });
    });
  },

  unwatch({ what, sessionId }) {
    if (what === 'messages') {
      if (typeof sessionId !== 'string' || !sessionId) throw new Error('sessionId required');
      return { stopped: unwatch(`messages:${sessionId}`) };
    }
    if (what === 'queue' || what === 'chats') return { stopped: unwatch(what) };
    throw new Error(`unknown watch "${what}"`);
  },

  async call({ name, body }) {
    if (typeof name !== 'string' || !/^[a-z][a-zA-Z0-9_-]*$/.test(name)) throw new Error('invalid name');
    const headers = { 'Content-Type': 'application/json' };
    // Without a user the call still goes out, so tests can check the 401.
    if (auth.currentUser) headers.Authorization = `Bearer ${await auth.currentUser.getIdToken()}`;
    const res = await fetch(`${apiUrl}/${name}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body ?? {}),
    });
    const text = await res.text();
    let parsed = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Non-JSON answers (e.g. a bare 500) are reported as null.
    }
    return { status: res.status, body: parsed };
  },
};

let quitting = false;

function quit(reply) {
  if (quitting) return;
  quitting = true;
  unwatchAll();
  if (reply) emit(reply);
  // The Firestore client keeps gRPC handles open, so leave explicitly once
  // stdout has been flushed.
  process.stdout.write('', () => process.exit(0));
}

async function handle(line) {
  if (!line.trim() || quitting) return;
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    emit({ id: null, ok: false, error: 'invalid JSON' });
    return;
  }
  const id = msg?.id ?? null;
  if (msg?.cmd === 'quit') return quit({ id, ok: true });
  const fn = Object.hasOwn(commands, msg?.cmd) ? commands[msg.cmd] : null;
  if (!fn) {
    emit({ id, ok: false, error: `unknown command "${msg?.cmd}"` });
    return;
  }
  try {
    emit({ id, ok: true, ...(await fn(msg)) });
  } catch (err) {
    emit({ id, ok: false, error: err.message ?? String(err), ...(err.code ? { code: err.code } : {}) });
  }
}

let queue = Promise.resolve();
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  queue = queue.then(() => handle(line));
});
// EOF: finish what was sent, then leave quietly.
rl.on('close', () => {
  queue = queue.then(() => quit(null));
});
process.on('unhandledRejection', (err) => console.error('advisor_agent: unhandled', err));
