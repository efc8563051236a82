import { describe, expect, it } from 'vitest'
import { Store, initialState, touches, type Key } from './store'

describe('store', () => {
  it('tells listeners which parts changed, and nothing when nothing did', () => {
    const store = new Store(initialState('nl'))
    const heard: Key[][] = []
    const stop = store.subscribe((_s, changed) => heard.push([...changed]))
    const queue = store.state.queue
    store.set({ queue, sound: true })
    expect(heard).toEqual([])
    store.set({ status: 'online', sound: true })
    expect(heard).toEqual([['status']])
    expect(store.state.status).toBe('online')
    stop()
    store.set({ status: 'paused' })
    expect(heard).toHaveLength(1)
  })

  it('replaces the state object, so an old one stays as it was', () => {
    const store = new Store(initialState('en'))
    const before = store.state
    store.set({ capacity: 5 })
    expect(before.capacity).toBe(3)
    expect(store.state.capacity).toBe(5)
    expect(touches(new Set<Key>(['mine']), 'queue', 'mine')).toBe(true)
  })
})
