// The console's Firestore listeners, apart from its views: each query
// firestore.rules allow for the signed-in staff member, its documents read
// into typed values (types.ts) and handed to the store.
import { Timestamp, collection, orderBy, query, where, type DocumentData, type Firestore, type Query, type Unsubscribe } from 'firebase/firestore'
import { listenMetered } from '../metered'
import type { Store } from '../store'
import { live, toAdvisor, toMessage, toNote, toSession, toTransfer, type Me, type Message, type Note, type Session } from '../types'

// firestore.rules refuse documents past their expireAt, and a query only if it
// says so itself (rules are not filters): every query carries this bound. Its
// margin absorbs a console clock that is behind the server's (request.time);
// what it hides early expires hours after the chat anyway.
const EXPIRY_MARGIN_MS = 15 * 60_000
const unexpired = () => where('expireAt', '>', Timestamp.fromMillis(Date.now() + EXPIRY_MARGIN_MS))

const warn = (err: { code: string }) => console.warn('listener failed', err.code)

function watch<T>(name: string, q: Query<DocumentData>, read: (id: string, d: DocumentData) => T, on: (docs: T[]) => void): Unsubscribe {
  return listenMetered(
    name,
    q,
    (snap) => {
      const now = Date.now()
      on(snap.docs.filter((d) => live(d.data(), now)).map((d) => read(d.id, d.data())))
    },
    warn,
  )
}

/** Start the listeners of an advisor or supervisor; returns what stops them. */
export function listenConsole(db: Firestore, me: Me, store: Store): Unsubscribe[] {
  const sessions = collection(db, 'sessions')
  const set = (key: 'queue' | 'offered' | 'mine' | 'orgSessions' | 'answeredByUs') => (docs: Session[]) => store.set({ [key]: docs })
  const subs = [
    watch('queue', query(sessions, where('org', '==', me.org), where('state', '==', 'waiting'), unexpired(), orderBy('queuedAt')), toSession, set('queue')),
    watch(
      'offered',
      query(sessions, where('offeredTo', 'array-contains', me.org), where('state', '==', 'waiting'), unexpired(), orderBy('queuedAt')),
      toSession,
      set('offered'),
    ),
    watch('mine', query(sessions, where('advisorUid', '==', me.uid), unexpired()), toSession, set('mine')),
    watch('advisors', query(collection(db, 'advisors'), where('org', '==', me.org), unexpired()), toAdvisor, (advisors) => store.set({ advisors })),
  ]
  if (me.role === 'supervisor') {
    subs.push(
      watch('orgSessions', query(sessions, where('org', '==', me.org), unexpired()), toSession, set('orgSessions')),
      watch('answeredByUs', query(sessions, where('advisorOrg', '==', me.org), unexpired()), toSession, set('answeredByUs')),
      // Chats handed to another organisation: the session is theirs now (its
      // nickname, their note); what is left to us is the count.
      watch('transfersOut', query(collection(db, 'transfers'), where('fromOrg', '==', me.org), unexpired()), (_id, d) => toTransfer(d), (transfersOut) =>
        store.set({ transfersOut }),
      ),
    )
  }
  return subs
}

/**
 * One chat's timeline: the messages added by each snapshot. `lost` is called
 * when the chat was taken over or transferred: its timeline is no longer ours.
 * (The my-chats listener does not always drop a document the reader lost
 * access to, so this is what closes the panel.)
 */
export function listenTimeline(db: Firestore, sessionId: string, added: (messages: Message[]) => void, lost: () => void): Unsubscribe {
  const q = query(collection(db, 'sessions', sessionId, 'messages'), unexpired(), orderBy('seq'))
  return listenMetered(
    'timeline',
    q,
    (snap) => added(snap.docChanges().filter((c) => c.type === 'added').map((c) => toMessage(c.doc.id, c.doc.data()))),
    (err) => {
      if (err.code === 'permission-denied') lost()
      else console.warn('timeline listener failed', err.code)
    },
  )
}

/**
 * A chat's private notes (supervision): for its advisor, or a supervisor
 * while reading along. `lost` as for the timeline: reading along stopped or
 * the chat moved on, and the rules refuse it now.
 */
export function listenNotes(db: Firestore, sessionId: string, on: (notes: Note[]) => void, lost: () => void): Unsubscribe {
  const q = query(collection(db, 'sessions', sessionId, 'notes'), unexpired(), orderBy('createdAt'))
  return listenMetered(
    'notes',
    q,
    (snap) => on(snap.docs.map((d) => toNote(d.id, d.data()))),
    (err) => {
      if (err.code === 'permission-denied') lost()
      else console.warn('notes listener failed', err.code)
    },
  )
}
