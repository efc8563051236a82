// Listeners counted as Firestore bills them, so the benchmark can report the
// reads an advisor's shift costs from the console itself rather than from a
// model of it. The count is a number on `window`, nothing about any chat.
import { onSnapshot, type DocumentData, type FirestoreError, type Query, type QuerySnapshot, type Unsubscribe } from 'firebase/firestore'

interface ReadMeter {
  reads: number
  snapshots: number
  byListener: Record<string, number>
}

declare global {
  interface Window {
    __vtchatReads?: ReadMeter
  }
}

function meter(): ReadMeter {
  window.__vtchatReads ??= { reads: 0, snapshots: 0, byListener: {} }
  return window.__vtchatReads
}

/** Billed reads of one snapshot: each document added to or changed in the
 * result; a fresh query result with nothing in it still costs one. Snapshots
 * served from the local cache cost nothing. */
export function billedReads(snap: QuerySnapshot<DocumentData>, first: boolean): number {
  if (snap.metadata.fromCache) return 0
  const changed = snap.docChanges().filter((c) => c.type !== 'removed').length
  return first && changed === 0 ? 1 : changed
}

export function listenMetered(
  name: string,
  q: Query<DocumentData>,
  next: (snap: QuerySnapshot<DocumentData>) => void,
  error: (err: FirestoreError) => void,
): Unsubscribe {
  let first = true
  return onSnapshot(
    q,
    (snap) => {
      const reads = billedReads(snap, first)
      if (!snap.metadata.fromCache) first = false
      const m = meter()
      m.reads += reads
      m.snapshots += 1
      m.byListener[name] = (m.byListener[name] ?? 0) + reads
      next(snap)
    },
    error,
  )
}
