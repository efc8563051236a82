// A small store: the console's state in one object, changed only by `set`,
// and views told which parts changed so each redraws only its own.
import type { Lang } from './i18n'
import type { Advisor, Me, Region, RegionStatus, Session, StandardText, Status, Transfer } from './types'

export interface ConsoleState {
  lang: Lang
  me: Me | null
  /** Waiting in our own queue, and offered to us by fall-back. */
  queue: Session[]
  offered: Session[]
  /** Chats assigned to the signed-in advisor (running, or ended and not yet closed). */
  mine: Session[]
  /** Supervisor: every chat of our organisation, and those our advisors answered. */
  orgSessions: Session[]
  answeredByUs: Session[]
  transfersOut: Transfer[]
  advisors: Advisor[]
  regions: Region[]
  texts: StandardText[]
  /** National: the public status of every region. */
  board: RegionStatus[]
  status: Status
  capacity: number
  sound: boolean
  locked: boolean
}

export type Key = keyof ConsoleState
export type Listener = (state: ConsoleState, changed: ReadonlySet<Key>) => void

export function initialState(lang: Lang): ConsoleState {
  return {
    lang,
    me: null,
    queue: [],
    offered: [],
    mine: [],
    orgSessions: [],
    answeredByUs: [],
    transfersOut: [],
    advisors: [],
    regions: [],
    texts: [],
    board: [],
    status: 'offline',
    capacity: 3,
    sound: true,
    locked: false,
  }
}

export class Store {
  private listeners = new Set<Listener>()

  constructor(private current: ConsoleState) {}

  get state(): ConsoleState {
    return this.current
  }

  /** Replace the given parts; listeners hear of those that differ (by identity). */
  set(patch: Partial<ConsoleState>): void {
    const changed = new Set<Key>()
    for (const key of Object.keys(patch) as Key[]) {
      if (patch[key] !== this.current[key]) changed.add(key)
    }
    if (!changed.size) return
    this.current = { ...this.current, ...patch }
    for (const listener of [...this.listeners]) listener(this.current, changed)
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

/** Whether any of `keys` is among the changed ones. */
export const touches = (changed: ReadonlySet<Key>, ...keys: Key[]): boolean => keys.some((k) => changed.has(k))
