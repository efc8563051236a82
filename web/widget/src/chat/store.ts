// A small store: the current state, replaced whole by a pure change
// (state.ts), and the listeners that draw it. Listeners see the state
// before and after, so they redraw only what changed.

export type Listener<S> = (next: S, previous: S) => void

export class Store<S> {
  private readonly listeners: Listener<S>[] = []

  constructor(private current: S) {}

  get state(): S {
    return this.current
  }

  /** Apply a pure change, e.g. `store.update(go, 'intake')`. */
  update<A extends unknown[]>(change: (state: S, ...args: A) => S, ...args: A): void {
    const previous = this.current
    const next = change(previous, ...args)
    if (next === previous) return
    this.current = next
    for (const listener of [...this.listeners]) listener(next, previous)
  }

  subscribe(listener: Listener<S>): () => void {
    this.listeners.push(listener)
    return () => {
      const at = this.listeners.indexOf(listener)
      if (at >= 0) this.listeners.splice(at, 1)
    }
  }
}
