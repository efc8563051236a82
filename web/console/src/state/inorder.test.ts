import { describe, expect, it } from 'vitest'
import { inOrder } from './inorder'

const later = <T>(value: T, ms: number): Promise<T> => new Promise((done) => setTimeout(() => done(value), ms))

describe('inOrder', () => {
  it('starts a task only after the previous one settled, so a slow first call cannot land last', async () => {
    const run = inOrder()
    const stored: string[] = []
    const shown: string[] = []
    const online = run(async () => {
      stored.push('online')
      return later('online', 30)
    }).then((s) => shown.push(s))
    const paused = run(async () => {
      stored.push('paused')
      return later('paused', 1)
    }).then((s) => shown.push(s))
    await Promise.all([online, paused])
    expect(stored).toEqual(['online', 'paused'])
    expect(shown).toEqual(['online', 'paused'])
  })

  it('goes on after a failed task, and its caller sees the failure', async () => {
    const run = inOrder()
    const failed = run(() => Promise.reject(new Error('503')))
    const next = run(() => Promise.resolve('paused'))
    await expect(failed).rejects.toThrow('503')
    await expect(next).resolves.toBe('paused')
  })
})
