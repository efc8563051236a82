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
  onSnapshot,
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
// When every role's session signed in (seconds; the mock token's iat and
// auth_time, which otherwise default to 0). advA1 and supA have a revocation
// from before it (staffRevocations below), so each of their rows also shows
// that an older revocation blocks nothing.
const SIGNED_IN = Math.floor(Date.now() / 1000) - 60;
const REVOKED_AT = SIGNED_IN - 600;
// A session that signed in before that revocation (ID tokens live an hour).
const beforeRevocation = { iat: REVOKED_AT - 600 };
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
  // Disabled (POST /api/disable) or revoked (vtchat.admin revoke) after this
  // token's sign-in: the claims are still on the token for up to an hour, but
  // staffRevocations/{uid} is newer than its auth_time. They read nothing.
  advA1Revoked: {
    label: 'advisor A (assigned) signed in before their revocation',
    uid: 'advA1',
    claims: { ...staff('advisor', UTRECHT), ...beforeRevocation },
  },
  supARevoked: {
    label: 'supervisor A signed in before their revocation',
    uid: 'supA',
    claims: { ...staff('supervisor', UTRECHT), ...beforeRevocation },
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

const watcher = (name) => ({ name, since: t(3), expireAt: LATER })
const note = (expireAt = LATER) => ({ text: 'Vraag naar de kinderen.', authorUid: 'supA', authorName: 'Sanne', createdAt: t(2), expireAt })

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
  // The word afterwards (issue 18): counters and the once-per-chat marker are
  // written by the functions only and read by nobody (figures via /api/report).
  'feedback/utrecht_2025-W01': { org: UTRECHT, week: '2025-W01', counts: { 'helpful.yes': 3 }, total: 3 },
  'feedbackGiven/endedA': { expireAt: LATER },
  // Supervision (issue 19, item 3): a supervisor reads a chat's timeline and
  // notes only while their watcher document exists (written by /api/watch
  // together with an audit entry). Watcher documents of another organisation's
  // supervisor (left after a transfer, or forged) open nothing; nobody reads
  // watchers or the audit log directly.
  'sessions/activeA/watchers/supA': watcher('Sanne'),
  'sessions/overflowB/watchers/supB': watcher('Bo'),
  'sessions/activeB/watchers/supA': watcher('Sanne'),
  'sessions/handedB/watchers/supA': watcher('Sanne'),
  'sessions/activeA/notes/n1': note(),
  'sessions/activeB/notes/n1': note(),
  'sessions/overflowB/notes/n1': note(),
  'sessions/endedA/notes/n1': note(),
  'sessions/activeA/notes/old': note(EXPIRED),
  'sessions/ghost/notes/n1': note(),
  'auditLog/a1': { uid: 'supA', name: 'Sanne', org: UTRECHT, sessionId: 'activeA', what: 'opened', why: 'quality', at: t(3), expireAt: LATER },
  // Region admin (issue 19, item 5): an organisation's own referral list and
  // texts, with every version and who saved it. Read and written only through
  // the functions (GET /api/content, POST /api/savecontent): no rule, so no
  // client reads them, not even the organisation's own supervisor.
  'orgContent/utrecht': { version: 1, referrals: [{ name: 'Wijkteam' }], texts: [], savedAt: t(60), savedBy: 'supA', savedByName: 'Sanne' },
  'orgContent/utrecht/versions/1': { version: 1, referrals: [{ name: 'Wijkteam' }], texts: [], savedAt: t(60), savedBy: 'supA', savedByName: 'Sanne' },
  // Written by POST /api/disable and vtchat.admin revoke (Auth's revocation
  // time); read only by the rules themselves, never by a client.
  'staffRevocations/advA1': { at: Timestamp.fromMillis(REVOKED_AT * 1000), expireAt: LATER },
  'staffRevocations/supA': { at: Timestamp.fromMillis(REVOKED_AT * 1000), expireAt: LATER },
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
  // A supervisor reads a timeline only while watching it (audited, issue 19).
  'sessions/waitA/messages/sys-1': [],
  'sessions/activeA/messages/sys-1': ['advA1', 'supA'],
  'sessions/endedA/messages/sys-1': ['advA1'],
  'sessions/waitB/messages/sys-1': [],
  'sessions/activeB/messages/sys-1': ['advB1'],
  'sessions/endedB/messages/sys-1': ['advB1'],
  'sessions/overflowB/messages/sys-1': ['advA1', 'supB'],
  'sessions/offeredB': ['advA1', 'advA2', 'supA', 'advB1', 'supB'],
  'sessions/offeredB/messages/sys-1': [],
  'sessions/takenOfferB': ['advB1', 'supB'],
  'sessions/takenOfferB/messages/sys-1': ['advB1'],
  // Utrecht handed it on: its supervisor reads none of it (not the nickname,
  // not Amsterdam's note); the count comes from transfers/t1.
  'sessions/handedB': ['advB1', 'supB'],
  'sessions/handedB/messages/sys-1': ['advB1'],
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
  'feedback/utrecht_2025-W01': [],
  'feedbackGiven/endedA': [],
  // Notes: the chat's advisor and the watching supervisor of its organisation.
  'sessions/activeA/notes/n1': ['advA1', 'supA'],
  'sessions/activeB/notes/n1': ['advB1'],
  'sessions/overflowB/notes/n1': ['advA1', 'supB'],
  'sessions/endedA/notes/n1': ['advA1'],
  'sessions/activeA/notes/old': [],
  'sessions/ghost/notes/n1': [],
  'sessions/activeA/watchers/supA': [],
  'sessions/overflowB/watchers/supB': [],
  'sessions/activeB/watchers/supA': [],
  'auditLog/a1': [],
  'orgContent/utrecht': [],
  'orgContent/utrecht/versions/1': [],
  'staffRevocations/advA1': [],
  'staffRevocations/supA': [],
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
  watchers: { since: t(0) },
  auditLog: { why: 'training' },
  orgContent: { version: 99 },
  versions: { savedByName: 'Iemand' },
  feedback: { total: 1000 },
  feedbackGiven: { expireAt: EXPIRED },
  staffRevocations: { at: Timestamp.fromMillis(0) },
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
    allowed: ['advB1'],
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
    allowed: [],
  },
  {
    name: 'timeline of endedA (supervisor not watching)',
    q: (db) => query(collection(db, 'sessions/endedA/messages'), unexpired(), orderBy('seq')),
    allowed: ['advA1'],
    returns: ['sys-1', 'sys-2'],
  },
  {
    name: 'timeline of activeB',
    q: (db) => query(collection(db, 'sessions/activeB/messages'), unexpired(), orderBy('seq')),
    allowed: ['advB1'],
    returns: ['sys-1', 'sys-2'],
  },
  {
    name: 'timeline of overflowB',
    q: (db) => query(collection(db, 'sessions/overflowB/messages'), unexpired(), orderBy('seq')),
    allowed: ['advA1', 'supB'],
    returns: ['sys-1', 'sys-2'],
  },
  {
    name: 'notes of activeA (unexpired, by createdAt)',
    q: (db) => query(collection(db, 'sessions/activeA/notes'), unexpired(), orderBy('createdAt')),
    allowed: ['advA1', 'supA'],
    returns: ['n1'],
  },
  {
    name: 'notes of activeB',
    q: (db) => query(collection(db, 'sessions/activeB/notes'), unexpired(), orderBy('createdAt')),
    allowed: ['advB1'],
    returns: ['n1'],
  },
  { name: 'notes of activeA without the bound', q: (db) => collection(db, 'sessions/activeA/notes'), allowed: [] },
  { name: 'notes collection group', q: (db) => query(collectionGroup(db, 'notes'), unexpired()), allowed: [] },
  { name: 'watchers of activeA', q: (db) => collection(db, 'sessions/activeA/watchers'), allowed: [] },
  { name: 'watchers collection group', q: (db) => collectionGroup(db, 'watchers'), allowed: [] },
  { name: 'audit log of utrecht', q: (db) => query(collection(db, 'auditLog'), where('org', '==', UTRECHT), unexpired()), allowed: [] },
  { name: 'all of the audit log', q: (db) => collection(db, 'auditLog'), allowed: [] },
  { name: 'every organisation content', q: (db) => collection(db, 'orgContent'), allowed: [] },
  { name: 'versions of utrecht content', q: (db) => collection(db, 'orgContent/utrecht/versions'), allowed: [] },
  { name: 'versions collection group', q: (db) => collectionGroup(db, 'versions'), allowed: [] },
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
  { name: 'all feedback counters', q: (db) => collection(db, 'feedback'), allowed: [] },
  { name: 'feedback counters of utrecht', q: (db) => query(collection(db, 'feedback'), where('org', '==', UTRECHT)), allowed: [] },
  { name: 'feedback markers (unexpired)', q: (db) => query(collection(db, 'feedbackGiven'), unexpired()), allowed: [] },
  { name: 'all staff revocations', q: (db) => collection(db, 'staffRevocations'), allowed: [] },
  { name: 'staff revocations (unexpired)', q: (db) => query(collection(db, 'staffRevocations'), unexpired()), allowed: [] },
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
    const ctx = role.uid === null
      ? env.unauthenticatedContext()
      : env.authenticatedContext(role.uid, { iat: SIGNED_IN, ...role.claims });
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

// Supervision (issue 19, item 3): the watcher document, written only by
// /api/watch together with its audit entry, is what opens a timeline to a
// supervisor; /api/unwatch deletes it and the timeline closes again.
suite('watching', () => {
  const timeline = (role, id) => getDocs(query(collection(dbs[role], `sessions/${id}/messages`), unexpired(), orderBy('seq')))
  const notes = (role, id) => getDocs(query(collection(dbs[role], `sessions/${id}/notes`), unexpired(), orderBy('createdAt')))
  const asAdmin = (write) => env.withSecurityRulesDisabled((ctx) => write(ctx.firestore()))

  test('a supervisor reads a timeline and its notes only while watching', async () => {
    await assertFails(timeline('supA', 'endedA'))
    await assertFails(notes('supA', 'endedA'))
    await asAdmin((db) => setDoc(doc(db, 'sessions/endedA/watchers/supA'), watcher('Sanne')))
    await assertSucceeds(timeline('supA', 'endedA'))
    await assertSucceeds(notes('supA', 'endedA'))
    // Another supervisor of the same organisation is not watching.
    await asAdmin((db) => deleteDoc(doc(db, 'sessions/endedA/watchers/supA')))
    await assertFails(timeline('supA', 'endedA'))
    await assertFails(notes('supA', 'endedA'))
  })

  test('a watcher document stops opening the chat once it belongs to another organisation', async () => {
    await assertSucceeds(timeline('supA', 'activeA'))
    await asAdmin((db) => updateDoc(doc(db, 'sessions/activeA'), { org: AMSTERDAM, advisorOrg: AMSTERDAM, advisorUid: 'advB1' }))
    await assertFails(timeline('supA', 'activeA'))
    await assertFails(notes('supA', 'activeA'))
    await assertFails(timeline('supB', 'activeA'))
  })
})

// Disabling an advisor (POST /api/disable) or revoking an account (vtchat.admin
// revoke) while their console is open: the functions write
// staffRevocations/{uid} with Auth's revocation time (whole seconds), and from
// then on no read with a token signed in before it passes; a new sign-in does.
suite('revocation', () => {
  const asAdmin = (write) => env.withSecurityRulesDisabled((ctx) => write(ctx.firestore()))
  const session = (uid, claims, authTime) => env.authenticatedContext(uid, { ...claims, iat: authTime }).firestore()
  const revoke = (uid, seconds) =>
    asAdmin((db) => setDoc(doc(db, `staffRevocations/${uid}`), { at: Timestamp.fromMillis(seconds * 1000), expireAt: LATER }))
  const reads = (db) => [
    getDoc(doc(db, 'sessions/waitA')),
    getDocs(query(sessions(db), where('org', '==', UTRECHT), where('state', '==', 'waiting'), unexpired(), orderBy('queuedAt'))),
    getDocs(query(collection(db, 'advisors'), where('org', '==', UTRECHT), unexpired())),
  ]

  test('a revocation after the sign-in closes every read; a new sign-in opens them again', async () => {
    const open = session('advA2', staff('advisor', UTRECHT), SIGNED_IN)
    for (const read of reads(open)) await assertSucceeds(read)
    await revoke('advA2', SIGNED_IN + 1)
    for (const read of reads(open)) await assertFails(read)
    const again = session('advA2', staff('advisor', UTRECHT), SIGNED_IN + 2)
    for (const read of reads(again)) await assertSucceeds(read)
  })

  test('a sign-in in the very second of the revocation still reads, as check_revoked lets it', async () => {
    await revoke('advA2', SIGNED_IN)
    for (const read of reads(session('advA2', staff('advisor', UTRECHT), SIGNED_IN))) await assertSucceeds(read)
    for (const read of reads(session('advA2', staff('advisor', UTRECHT), SIGNED_IN - 1))) await assertFails(read)
  })

  test('a revoked advisor reads neither their own chat nor its timeline', async () => {
    const open = session('advA1', staff('advisor', UTRECHT), SIGNED_IN)
    const mine = () => getDocs(query(sessions(open), where('advisorUid', '==', 'advA1'), unexpired()))
    const timeline = () => getDocs(query(collection(open, 'sessions/activeA/messages'), unexpired(), orderBy('seq')))
    await assertSucceeds(mine())
    await assertSucceeds(timeline())
    await revoke('advA1', SIGNED_IN + 1)
    await assertFails(mine())
    await assertFails(timeline())
    await assertFails(getDoc(doc(open, 'sessions/activeA')))
  })

  // What the emulator does with a listener already open at the revocation: the
  // next change reaches it as permission-denied, not as data. (Production
  // documents no re-check of a running listener; docs/architecture.md.)
  test('an open listener gets the next change as an error, not as data', async () => {
    const open = session('advA2', staff('advisor', UTRECHT), SIGNED_IN)
    const seen = []
    const stop = onSnapshot(
      query(collection(open, 'advisors'), where('org', '==', UTRECHT), unexpired()),
      (snap) => seen.push(snap.docs.find((d) => d.id === 'advA1')?.data().status),
      (error) => seen.push(error.code),
    )
    await waitFor(() => seen.length === 1)
    await revoke('advA2', SIGNED_IN + 1)
    await asAdmin((db) => updateDoc(doc(db, 'advisors/advA1'), { status: 'away' }))
    await waitFor(() => seen.length === 2)
    stop()
    assert.deepEqual(seen, ['online', 'permission-denied'])
  })
})

async function waitFor(done, ms = 5000) {
  const until = Date.now() + ms
  while (!done()) {
    if (Date.now() > until) throw new Error('waited in vain')
    await new Promise((r) => setTimeout(r, 50))
  }
}
