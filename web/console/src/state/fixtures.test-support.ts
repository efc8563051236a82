// Documents for the state modules' tests, read the way the listeners read them.
import { toSession, type Session } from '../types'

export const at = (ms: number) => ({ toMillis: () => ms })

export function session(id: string, d: Record<string, unknown> = {}): Session {
  return toSession(id, { state: 'waiting', seq: 1, ...d })
}
