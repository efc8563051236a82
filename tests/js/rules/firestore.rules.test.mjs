// The firestore.rules matrix: every (role, target, operation) is one test
// row, generated from the tables below. Expectations are written out by hand
// per target rather than derived from a helper, so a mistake in the rules
// cannot be mirrored by the same mistake here.
//
// It tests the rules as deployed (the file itself): staff tokens carry the
// second factor of a production sign-in. VTCHAT_RULES_FILE runs the same
// matrix against another file (e.g. the rules before a change).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
} from '@firebase/rules-unit-testing';
import {
  Timestamp,
  collection,
  collectionGroup,
  deleteDoc,
  doc,
  getDoc,
  getDocs,
  orderBy,
  query,
  setDoc,
  updateDoc,
  where,
  writeBatch,
} from 'firebase/firestore';

const PROJECT_ID = 'demo-vtchat-rules';
const RULES_PATH = process.env.VTCHAT_RULES_FILE || new URL('../../../firestore.rules', import.meta.url);
const EMULATOR = process.env.FIRESTORE_EMULATOR_HOST || '127.0.0.1:8080';
const HOST = EMULATOR.slice(0, EMULATOR.lastIndexOf(':'));
const PORT = EMULATOR.slice(EMULATOR.lastIndexOf(':') + 1);

const UTRECHT = 'utrecht';
const AMSTERDAM = 'amsterdam';

// --- roles ------------------------------------------------------------------
// null claims = signed out. Variants of advA1 keep the uid of the assigned
// advisor, so they show that the uid alone (without valid claims) opens nothing.
// Staff tokens as a production sign-in makes them: password, then TOTP.
const MFA = { firebase: { sign_in_provider: 'password', sign_in_second_factor: 'totp' } };
const staff = (role, org) => ({ role, org, ...MFA });
const ROLES = {
  signedOut: { label: 'signed-out visitor', uid: null },
  anonymous: {
    label: 'anonymous user (no claims)',
    uid: 'anon1',
    claims: { firebase: { sign_in_provider: 'anonymous' } },
  },
  advA1: { label: 'advisor A (assigned)', uid: 'advA1', claims: staff('advisor', UTRECHT) },
  advA2: { label: 'advisor A (not assigned)', uid: 'advA2', claims: staff('advisor', UTRECHT) },
  advB1: { label: 'advisor B (assigned)', uid: 'advB1', claims: staff('advisor', AMSTERDAM) },
  supA: { label: 'supervisor A', uid: 'supA', claims: staff('supervisor', UTRECHT) },
  supB: { label: 'supervisor B', uid: 'supB', claims: staff('supervisor', AMSTERDAM) },
  // Reads figures through the functions only: nothing in Firestore.
  natA: { label: 'national account', uid: 'natA', claims: staff('national', UTRECHT) },
  advA1NoClaims: { label: 'advisor A uid without claims', uid: 'advA1', claims: { ...MFA } },
  advA1NoOrg: { label: 'advisor A uid without org claim', uid: 'advA1', claims: { role: 'advisor', ...MFA } },
  advA1OrgList: {
    label: 'advisor A uid with non-string org',
    uid: 'advA1',
    claims: { role: 'advisor', org: [UTRECHT], ...MFA },
  },
  advA1WrongRole: {
    label: 'advisor A uid with role "visitor"',
    uid: 'advA1',
    claims: staff('visitor', UTRECHT),
  },
  // Issue 15, item 7: the right claims, but signed in without the second
  // factor (a password-only sign-in). They read nothing.
  advA1NoMfa: {
    label: 'advisor A (assigned) without second factor',
    uid: 'advA1',
    claims: { role: 'advisor', org: UTRECHT, firebase: { sign_in_provider: 'password' } },
  },
  supANoMfa: {
    label: 'supervisor A without second factor',
    uid: 'supA',
    claims: { role: 'supervisor', org: UTRECHT, firebase: { sign_in_provider: 'password' } },
  },
};
const ALL_ROLES = Object.keys(ROLES);

// --- seed data --------------------------------------------------------------
const t = (minutesAgo) => Timestamp.fromMillis(Date.parse('2025-01-01T12:00:00Z') - minutesAgo * 60_000);
// expireAt against the real clock: the rules compare it with request.time.
const HOUR = 3_600_000;
const LATER = Timestamp.fromMillis(Date.now() + 24 * HOUR);
const EXPIRED = Timestamp.fromMillis(Date.now() - HOUR);
// What the console's queries say: `expireAt > now + 15 minutes` (app.ts).
const unexpired = () => where('expireAt', '>', Timestamp.fromMillis(Date.now() + HOUR / 4));

function session({ org, state, advisorUid = null, queuedMinutesAgo = 10, advisorOrg = null, offeredTo = [], transferredFrom = null, expireAt = LATER }) {
  return {
    transferredFrom,
    offeredTo,
    region: org,
    org,
    state,
    nickname: 'Vlinder',
    ageBand: '16-17',
    gender: 'unspecified',
    answers: {},
    queuedAt: t(queuedMinutesAgo),
    createdAt: t(queuedMinutesAgo),
    assignedAt: advisorUid ? t(queuedMinutesAgo - 1) : null,
    endedAt: state === 'ended' ? t(0) : null,
    advisorUid,
    advisorName: advisorUid ? 'Sam' : null,
    advisorOrg: advisorUid ? advisorOrg ?? org : null,
    advisorOrgName: advisorUid ? 'Veilig Thuis' : null,
    seq: 1,
    endedBy: state === 'ended' ? 'visitor' : null,
    transferNote: transferredFrom ? 'Vertelt over de buurman' : null,
    transferNoteBy: transferredFrom ? 'Sam' : null,
    expireAt,
  };
}

const SESSIONS = {
  waitA: session({ org: UTRECHT, state: 'waiting', queuedMinutesAgo: 5 }),
  waitA2: session({ org: UTRECHT, state: 'waiting', queuedMinutesAgo: 8 }),
  activeA: session({ org: UTRECHT, state: 'active', advisorUid: 'advA1' }),
  endedA: session({ org: UTRECHT, state: 'ended', advisorUid: 'advA1' }),
  waitB: session({ org: AMSTERDAM, state: 'waiting' }),
  activeB: session({ org: AMSTERDAM, state: 'active', advisorUid: 'advB1' }),
  endedB: session({ org: AMSTERDAM, state: 'ended', advisorUid: 'advB1' }),
  // Amsterdam's chat served by a Utrecht advisor (advisorOrg != org).
  overflowB: session({ org: AMSTERDAM, state: 'active', advisorUid: 'advA1', advisorOrg: UTRECHT }),
  // Amsterdam's waiting chat offered to Utrecht by fall-back.
  offeredB: session({ org: AMSTERDAM, state: 'waiting', queuedMinutesAgo: 12, offeredTo: [UTRECHT, 'haaglanden'] }),
  // Offered before, but taken since: the offer no longer opens it.
  takenOfferB: session({ org: AMSTERDAM, state: 'active', advisorUid: 'advB1', offeredTo: [UTRECHT] }),
  // Transferred from Utrecht to Amsterdam and answered there.
  handedB: session({ org: AMSTERDAM, state: 'active', advisorUid: 'advB1', transferredFrom: UTRECHT }),
  // Past its expireAt, not yet deleted by TTL (issue 15, item 8).
  expiredA: session({ org: UTRECHT, state: 'ended', advisorUid: 'advA1', expireAt: EXPIRED }),
  expiredWaitA: session({ org: UTRECHT, state: 'waiting', expireAt: EXPIRED }),
};

const message = (seq, expireAt = LATER) => ({
  seq,
  kind: 'system',
  sender: 'system',
  event: 'queued',
  createdAt: t(10 - seq),
  expireAt,
});

const advisor = (org, role = 'advisor', expireAt = LATER) => ({
  org,
  role,
  displayName: 'Sam',
  orgName: 'Veilig Thuis',
  status: 'online',
  capacity: 3,
  activeCount: 0,
  lastAssignedAt: t(30),
  updatedAt: t(1),
  expireAt,
});

// Every session gets a two-event timeline; 'ghost' has messages but no session.
const DOCS = {
  ...Object.fromEntries(Object.entries(SESSIONS).map(([id, data]) => [`sessions/${id}`, data])),
  ...Object.fromEntries(
    [...Object.keys(SESSIONS), 'ghost'].flatMap((id) => [
      [`sessions/${id}/messages/sys-1`, message(1)],
      [`sessions/${id}/messages/sys-2`, message(2)],
    ]),
  ),
  'advisors/advA1': advisor(UTRECHT),
  'advisors/advA2': advisor(UTRECHT),
  'advisors/supA': advisor(UTRECHT, 'supervisor'),
  'advisors/advB1': advisor(AMSTERDAM),
  'advisors/supB': advisor(AMSTERDAM, 'supervisor'),
  'advisors/goneA': advisor(UTRECHT, 'advisor', EXPIRED),
  // A message past its own expireAt in a chat that is not.
  'sessions/activeA/messages/old': message(0, EXPIRED),
  // What the sending organisation may know of a transfer (issue 15, item 8).
  'transfers/t1': { fromOrg: UTRECHT, toOrg: AMSTERDAM, at: t(5), expireAt: LATER },
  'transfers/t0': { fromOrg: UTRECHT, toOrg: AMSTERDAM, at: t(60 * 30), expireAt: EXPIRED },
  'config/app': { maintenance: false },
  // The anonymous chat records and fall-back settlement: statistics come only
  // aggregated, through the functions; no client reads them (issue 8).
  'chatRecords/r1': { region: UTRECHT, queuedOrg: UTRECHT, answeringOrg: UTRECHT, served: true },
  'handovers/h1': { region: AMSTERDAM, queuedOrg: AMSTERDAM, answeringOrg: UTRECHT },
  'sessions/activeA/notes/n1': { text: 'not a known subcollection' },
};

// --- get: who may read each document (everyone else is denied) ---------------
const GET_ALLOWED = {
  'sessions/waitA': ['advA1', 'advA2', 'supA'],
  'sessions/activeA': ['advA1', 'supA'],
  'sessions/endedA': ['advA1', 'supA'],
  'sessions/waitB': ['advB1', 'supB'],
  'sessions/activeB': ['advB1', 'supB'],
  'sessions/endedB': ['advB1', 'supB'],
  // Utrecht's supervisor sees what Utrecht's advisors answer for Amsterdam.
  'sessions/overflowB': ['advA1', 'supA', 'supB'],
  'sessions/waitA/messages/sys-1': ['supA'],
  'sessions/activeA/messages/sys-1': ['advA1', 'supA'],
  'sessions/endedA/messages/sys-1': ['advA1', 'supA'],
  'sessions/waitB/messages/sys-1': ['supB'],
  'sessions/activeB/messages/sys-1': ['advB1', 'supB'],
  'sessions/endedB/messages/sys-1': ['advB1', 'supB'],
  'sessions/overflowB/messages/sys-1': ['advA1', 'supA', 'supB'],
  'sessions/offeredB': ['advA1', 'advA2', 'supA', 'advB1', 'supB'],
  'sessions/offeredB/messages/sys-1': ['supB'],
  'sessions/takenOfferB': ['advB1', 'supB'],
  'sessions/takenOfferB/messages/sys-1': ['advB1', 'supB'],
  // Utrecht handed it on: its supervisor reads none of it (not the nickname,
  // not Amsterdam's note); the count comes from transfers/t1.
  'sessions/handedB': ['advB1', 'supB'],
  'sessions/handedB/messages/sys-1': ['advB1', 'supB'],
  'sessions/ghost/messages/sys-1': [],
  // Past expireAt: as unreadable as after TTL deleted them.
  'sessions/expiredA': [],
  'sessions/expiredWaitA': [],
  'sessions/expiredA/messages/sys-1': [],
  'sessions/activeA/messages/old': [],
  'advisors/goneA': [],
  'transfers/t1': ['supA'],
  'transfers/t0': [],
  'advisors/advA1': ['advA1', 'advA2', 'supA'],
  'advisors/advB1': ['advB1', 'supB'],
  'config/app': [],
  'chatRecords/r1': [],
  'handovers/h1': [],
  'sessions/activeA/notes/n1': [],
};

// Writes a client might try; all of them are denied for every role.
const parentOf = (path) => path.split('/').slice(0, -1).join('/');
const UPDATES = {
  sessions: { state: 'ended' },
  messages: { text: 'bewerkt' },
  advisors: { status: 'online', capacity: 5 },
  config: { maintenance: true },
  notes: { text: 'bewerkt' },
  chatRecords: { outcome: 'referred' },
  handovers: { answeringOrg: AMSTERDAM },
  transfers: { toOrg: UTRECHT },
};
const WRITES = {
  create: (db, path) => setDoc(doc(db, `${parentOf(path)}/new-doc`), DOCS[path]),
  update: (db, path) => updateDoc(doc(db, path), UPDATES[parentOf(path).split('/').pop()]),
  delete: (db, path) => deleteDoc(doc(db, path)),
};

// --- list: the console's queries and broader ones ---------------------------
// `returns` is checked for the allowed roles, so the query also proves the seed.
// Every console query says `expireAt > now + 15 min` (unexpired()): rules are
// not filters, so without it the query could return expired documents and is
// refused whole.
const sessions = (db) => collection(db, 'sessions');
const QUERIES = [
  {
    name: 'queue of utrecht (org, state=waiting, unexpired, by queuedAt)',
    q: (db) => query(sessions(db), where('org', '==', UTRECHT), where('state', '==', 'waiting'), unexpired(), orderBy('queuedAt')),
    allowed: ['advA1', 'advA2', 'supA'],
    returns: ['waitA2', 'waitA'],
  },
  {
    name: 'queue of amsterdam',
    q: (db) => query(sessions(db), where('org', '==', AMSTERDAM), where('state', '==', 'waiting'), unexpired(), orderBy('queuedAt')),
    allowed: ['advB1', 'supB'],
    returns: ['offeredB', 'waitB'],
  },
  {
    name: 'offered to utrecht (offeredTo contains utrecht, state=waiting, unexpired, by queuedAt)',
    q: (db) => query(sessions(db), where('offeredTo', 'array-contains', UTRECHT), where('state', '==', 'waiting'), unexpired(), orderBy('queuedAt')),
    allowed: ['advA1', 'advA2', 'supA'],
    returns: ['offeredB'],
  },
  {
    name: 'offered to utrecht, any state',
    q: (db) => query(sessions(db), where('offeredTo', 'array-contains', UTRECHT), unexpired()),
    allowed: [],
  },
  {
    name: 'answered by utrecht advisors (advisorOrg == utrecht, unexpired)',
    q: (db) => query(sessions(db), where('advisorOrg', '==', UTRECHT), unexpired()),
    allowed: ['supA'],
    returns: ['activeA', 'endedA', 'overflowB'],
  },
  {
    name: 'urgent chats of utrecht (org, urgent)',
    q: (db) => query(sessions(db), where('org', '==', UTRECHT), where('urgent', '==', true), unexpired()),
    allowed: ['supA'],
    returns: [],
  },
  {
    name: 'my chats of advA1 (advisorUid == advA1, unexpired)',
    q: (db) => query(sessions(db), where('advisorUid', '==', 'advA1'), unexpired()),
    allowed: ['advA1'],
    returns: ['activeA', 'endedA', 'overflowB'],
  },
  {
    name: 'my chats of advB1',
    q: (db) => query(sessions(db), where('advisorUid', '==', 'advB1'), unexpired()),
    allowed: ['advB1'],
    returns: ['activeB', 'endedB', 'handedB', 'takenOfferB'],
  },
  {
    name: 'supervisor view of utrecht (org == utrecht, unexpired)',
    q: (db) => query(sessions(db), where('org', '==', UTRECHT), unexpired()),
    allowed: ['supA'],
    returns: ['activeA', 'endedA', 'waitA', 'waitA2'],
  },
  {
    name: 'supervisor view of amsterdam',
    q: (db) => query(sessions(db), where('org', '==', AMSTERDAM), unexpired()),
    allowed: ['supB'],
    returns: ['activeB', 'endedB', 'handedB', 'offeredB', 'overflowB', 'takenOfferB', 'waitB'],
  },
  {
    name: 'handed on by utrecht (transferredFrom == utrecht): the sessions themselves',
    q: (db) => query(sessions(db), where('transferredFrom', '==', UTRECHT), unexpired()),
    allowed: [],
  },
  {
    name: 'transfers out of utrecht (fromOrg == utrecht, unexpired)',
    q: (db) => query(collection(db, 'transfers'), where('fromOrg', '==', UTRECHT), unexpired()),
    allowed: ['supA'],
    returns: ['t1'],
  },
  {
    name: 'transfers out of amsterdam',
    q: (db) => query(collection(db, 'transfers'), where('fromOrg', '==', AMSTERDAM), unexpired()),
    allowed: ['supB'],
    returns: [],
  },
  { name: 'all transfers', q: (db) => query(collection(db, 'transfers'), unexpired()), allowed: [] },
  {
    name: 'timeline of handedB',
    q: (db) => query(collection(db, 'sessions/handedB/messages'), unexpired(), orderBy('seq')),
    allowed: ['advB1', 'supB'],
    returns: ['sys-1', 'sys-2'],
  },
  {
    name: 'timeline of activeA (unexpired, by seq)',
    q: (db) => query(collection(db, 'sessions/activeA/messages'), unexpired(), orderBy('seq')),
    allowed: ['advA1', 'supA'],
    returns: ['sys-1', 'sys-2'],
  },
  {
    name: 'timeline of waitA',
    q: (db) => query(collection(db, 'sessions/waitA/messages'), unexpired(), orderBy('seq')),
    allowed: ['supA'],
    returns: ['sys-1', 'sys-2'],
  },
  {
    name: 'timeline of activeB',
    q: (db) => query(collection(db, 'sessions/activeB/messages'), unexpired(), orderBy('seq')),
    allowed: ['advB1', 'supB'],
    returns: ['sys-1', 'sys-2'],
  },
  {
    name: 'timeline of overflowB',
    q: (db) => query(collection(db, 'sessions/overflowB/messages'), unexpired(), orderBy('seq')),
    allowed: ['advA1', 'supA', 'supB'],
    returns: ['sys-1', 'sys-2'],
  },
  {
    name: 'timeline of expiredA (session past expireAt)',
    q: (db) => query(collection(db, 'sessions/expiredA/messages'), unexpired(), orderBy('seq')),
    allowed: [],
  },
  {
    name: 'colleagues in utrecht (advisors, org == utrecht, unexpired)',
    q: (db) => query(collection(db, 'advisors'), where('org', '==', UTRECHT), unexpired()),
    allowed: ['advA1', 'advA2', 'supA'],
    returns: ['advA1', 'advA2', 'supA'],
  },
  {
    name: 'colleagues in amsterdam',
    q: (db) => query(collection(db, 'advisors'), where('org', '==', AMSTERDAM), unexpired()),
    allowed: ['advB1', 'supB'],
    returns: ['advB1', 'supB'],
  },
  // The console's queries without their expireAt bound, or with one in the
  // past: they could return expired documents, so nobody may run them.
  {
    name: 'queue of utrecht without the expireAt bound',
    q: (db) => query(sessions(db), where('org', '==', UTRECHT), where('state', '==', 'waiting'), orderBy('queuedAt')),
    allowed: [],
  },
  { name: 'my chats of advA1 without the bound', q: (db) => query(sessions(db), where('advisorUid', '==', 'advA1')), allowed: [] },
  { name: 'supervisor view of utrecht without the bound', q: (db) => query(sessions(db), where('org', '==', UTRECHT)), allowed: [] },
  {
    name: 'supervisor view of utrecht with a bound a day ago',
    q: (db) => query(sessions(db), where('org', '==', UTRECHT), where('expireAt', '>', Timestamp.fromMillis(Date.now() - 24 * HOUR))),
    allowed: [],
  },
  { name: 'answered by utrecht without the bound', q: (db) => query(sessions(db), where('advisorOrg', '==', UTRECHT)), allowed: [] },
  { name: 'timeline of activeA without the bound', q: (db) => query(collection(db, 'sessions/activeA/messages'), orderBy('seq')), allowed: [] },
  { name: 'colleagues in utrecht without the bound', q: (db) => query(collection(db, 'advisors'), where('org', '==', UTRECHT)), allowed: [] },
  // Broader than any console query: nobody may run these.
  { name: 'all sessions', q: (db) => sessions(db), allowed: [] },
  { name: 'all unexpired sessions', q: (db) => query(sessions(db), unexpired()), allowed: [] },
  {
    name: 'all waiting sessions (no org filter)',
    q: (db) => query(sessions(db), where('state', '==', 'waiting'), unexpired(), orderBy('queuedAt')),
    allowed: [],
  },
  {
    name: 'active sessions of utrecht (not the queue)',
    q: (db) => query(sessions(db), where('org', '==', UTRECHT), where('state', '==', 'active'), unexpired()),
    allowed: ['supA'],
    returns: ['activeA'],
  },
  {
    name: 'all sessions by queuedAt',
    q: (db) => query(sessions(db), unexpired(), orderBy('queuedAt')),
    allowed: [],
  },
  { name: 'all advisors', q: (db) => query(collection(db, 'advisors'), unexpired()), allowed: [] },
  { name: 'messages collection group', q: (db) => query(collectionGroup(db, 'messages'), unexpired(), orderBy('seq')), allowed: [] },
  { name: 'timeline without a session (ghost)', q: (db) => query(collection(db, 'sessions/ghost/messages'), unexpired()), allowed: [] },
  { name: 'unknown collection config', q: (db) => collection(db, 'config'), allowed: [] },
];

// --- harness ----------------------------------------------------------------
let env;
const dbs = {};

before(async () => {
  env = await initializeTestEnvironment({
    projectId: PROJECT_ID,
    firestore: { rules: readFileSync(RULES_PATH, 'utf8'), host: HOST, port: Number(PORT) },
  });
  for (const [key, role] of Object.entries(ROLES)) {
    const ctx = role.uid === null ? env.unauthenticatedContext() : env.authenticatedContext(role.uid, role.claims);
    dbs[key] = ctx.firestore();
  }
});

// Seeding goes through withSecurityRulesDisabled, which builds a fresh app and
// connection each time (~80 ms); per test that made the matrix take 100 s.
// Each suite therefore starts from a freshly cleared and seeded database and
// clears it afterwards. Rows within a suite only read or attempt writes that
// must be denied, so they cannot change what the next row sees unless the
// rules are wrong, in which case that row fails first.
async function seed() {
  await env.clearFirestore();
  await env.withSecurityRulesDisabled(async (ctx) => {
    const batch = writeBatch(ctx.firestore());
    for (const [path, data] of Object.entries(DOCS)) batch.set(doc(ctx.firestore(), path), data);
    await batch.commit();
  });
}

function suite(name, body) {
  describe(name, () => {
    before(seed);
    after(() => env.clearFirestore());
    body();
  });
}

after(async () => {
  await env?.cleanup();
});

const verdict = (ok) => (ok ? 'can' : 'cannot');

suite('get', () => {
  for (const [path, allowed] of Object.entries(GET_ALLOWED)) {
    for (const role of ALL_ROLES) {
      const ok = allowed.includes(role);
      test(`${ROLES[role].label} ${verdict(ok)} get ${path}`, async () => {
        const read = getDoc(doc(dbs[role], path));
        if (ok) assert.ok((await assertSucceeds(read)).exists(), 'seeded document should exist');
        else await assertFails(read);
      });
    }
  }
});

suite('list', () => {
  for (const { name, q, allowed, returns } of QUERIES) {
    for (const role of ALL_ROLES) {
      const ok = allowed.includes(role);
      test(`${ROLES[role].label} ${verdict(ok)} list ${name}`, async () => {
        const run = getDocs(q(dbs[role]));
        if (!ok) return void (await assertFails(run));
        const ids = (await assertSucceeds(run)).docs.map((d) => d.id);
        // The queue's order is part of the contract (FIFO); elsewhere order is free.
        assert.deepEqual(name.startsWith('queue') || name.startsWith('timeline') ? ids : ids.sort(), returns);
      });
    }
  }
});

for (const [op, write] of Object.entries(WRITES)) {
  suite(op, () => {
    for (const path of Object.keys(GET_ALLOWED)) {
      for (const role of ALL_ROLES) {
        test(`${ROLES[role].label} cannot ${op} ${op === 'create' ? `a document like ${path}` : path}`, async () => {
          await assertFails(write(dbs[role], path));
        });
      }
    }
  });
}

suite('transfer', () => {
  test('timeline access follows the session when advisorUid changes', async () => {
    const timeline = (role) => getDocs(query(collection(dbs[role], 'sessions/activeA/messages'), unexpired(), orderBy('seq')));
    await assertSucceeds(timeline('advA1'));
    await assertFails(timeline('advA2'));
    await env.withSecurityRulesDisabled((ctx) =>
      updateDoc(doc(ctx.firestore(), 'sessions/activeA'), { advisorUid: 'advA2' }),
    );
    await assertFails(timeline('advA1'));
    await assertSucceeds(timeline('advA2'));
    await assertFails(getDoc(doc(dbs.advA1, 'sessions/activeA')));
    await assertSucceeds(getDoc(doc(dbs.advA2, 'sessions/activeA')));
  });
});
