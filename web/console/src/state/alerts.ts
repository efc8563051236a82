// Desktop notifications, decided here and nowhere else (pure; console/src/notify.ts
// shows them). What may reach the operating system's notification centre is
// fixed: a kind of event and the console's name, never a nickname, a message
// or anything else of the chat, because a notification stays on screen and in
// the system's history where anyone passing the desk can read it.
import type { Session } from '../types'

export type AlertKind = 'newChat' | 'danger' | 'message'

/** What the notification says, per kind: the texts come from the console's strings. */
export interface AlertTexts {
  title: string
  newChat: string
  danger: string
  message: string
}

export interface AlertView {
  title: string
  body: string
  /** One notification per kind: a new one replaces the last instead of piling up. */
  tag: string
}

/** The only way to put an alert into words: nothing from the chat can get in. */
export function alertView(kind: AlertKind, t: AlertTexts): AlertView {
  return { title: t.title, body: t[kind], tag: `vtchat-${kind}` }
}

interface Seen {
  queue: readonly Session[]
  offered: readonly Session[]
  mine: readonly Session[]
  orgSessions: readonly Session[]
}

const ids = (list: readonly Session[]): Set<string> => new Set(list.map((s) => s.id))

/**
 * The alerts a change of the console's lists raises: a chat that was not
 * waiting for us before (our queue, offered to us, or assigned to us), and a
 * danger flag raised on a chat we can see. Before the first lists arrive
 * (`before` null) nothing is new: signing in is not an alert.
 */
export function alertsFrom(before: Seen | null, after: Seen): AlertKind[] {
  if (!before) return []
  const kinds: AlertKind[] = []
  const known = new Set([...ids(before.queue), ...ids(before.offered), ...ids(before.mine)])
  const arriving = [...after.queue, ...after.offered, ...after.mine].filter((s) => s.state !== 'ended')
  if (arriving.some((s) => !known.has(s.id))) kinds.push('newChat')
  const urgentBefore = new Set([...before.mine, ...before.orgSessions, ...before.queue].filter((s) => s.urgent).map((s) => s.id))
  const urgentNow = [...after.mine, ...after.orgSessions, ...after.queue].filter((s) => s.urgent && s.state !== 'ended')
  if (urgentNow.some((s) => !urgentBefore.has(s.id))) kinds.push('danger')
  return kinds
}

export type Permission = 'default' | 'granted' | 'denied' | 'unsupported'

/** The permission control's state: what to offer and what to explain. */
export type PermissionView = 'offer' | 'on' | 'blocked' | 'unsupported'

export function permissionView(permission: Permission): PermissionView {
  switch (permission) {
    case 'granted':
      return 'on'
    case 'denied':
      return 'blocked'
    case 'unsupported':
      return 'unsupported'
    default:
      return 'offer'
  }
}

/** Only while the console is out of sight: in view, the sound and the screen already tell. */
export function shouldNotify(permission: Permission, inBackground: boolean): boolean {
  return permission === 'granted' && inBackground
}
