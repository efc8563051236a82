// Availability (online, pause, offline) and capacity, and the heartbeat that
// keeps an advisor online while the console runs.
import { ApiError } from '../api'
import { clear, h } from '../../../shared/dom'
import { inOrder } from '../state/inorder'
import { remoteAvailability } from '../state/org'
import { touches, type ConsoleState, type Key } from '../store'
import type { Status } from '../types'
import { confirmRow, failure, stringsOf, type Ctx } from './common'

export class StatusView {
  readonly el = h('div', { class: 'availability' })
  private heartbeat: number | null = null
  private ownChangeAt = 0
  /** Clicks reach the functions one at a time, in the order made (state/inorder.ts). */
  private readonly serial = inOrder()

  constructor(private readonly ctx: Ctx) {}

  render(state: ConsoleState, changed: ReadonlySet<Key> | null): void {
    if (changed?.has('advisors') && state.me) {
      const remote = remoteAvailability(state.advisors, state.me.uid, state.capacity, Date.now() - this.ownChangeAt)
      if (remote) this.apply(remote.status, remote.capacity)
    }
    // Not on the tick (changed === null): redrawing would take the focus from these controls.
    if (changed && touches(changed, 'status', 'capacity')) this.draw()
  }

  /** Draw the controls anew: also what puts back a choice the functions refused. */
  draw(): void {
    const t = stringsOf(this.ctx)
    const { status, capacity } = this.ctx.store.state
    clear(this.el)
    const group = h('fieldset', { class: 'segmented' }, h('legend', { class: 'sr-only', text: t.availability }))
    for (const value of ['online', 'paused', 'offline'] as const) {
      const id = `status-${value}`
      const input = h('input', { type: 'radio', name: 'status', id, value, checked: status === value })
      input.addEventListener('change', () => {
        if (value === 'offline' && this.running()) this.askOffline()
        else void this.change(value, this.ctx.store.state.capacity)
      })
      group.append(h('span', { class: `seg seg-${value}` }, input, h('label', { for: id, text: t[value] })))
    }
    const cap = h('select', { id: 'capacity' })
    for (let i = 1; i <= 5; i++) cap.append(h('option', { value: i, text: String(i), selected: i === capacity }))
    cap.addEventListener('change', () => void this.change(this.ctx.store.state.status, Number(cap.value)))
    this.el.append(group, h('span', { class: 'cap' }, h('label', { for: 'capacity', text: t.capacity }), cap))
  }

  private running(): number {
    return this.ctx.store.state.mine.filter((s) => s.state === 'active').length
  }

  // Offline with chats running hands them to colleagues: ask first.
  private askOffline(): void {
    const t = stringsOf(this.ctx)
    this.el.append(
      confirmRow(t.offline, t.offlineActive(this.running()), t.offlineAnyway, t, () => void this.change('offline', this.ctx.store.state.capacity), () => {
        this.draw()
        this.el.querySelector<HTMLInputElement>(`#status-${this.ctx.store.state.status}`)?.focus()
      }),
    )
  }

  async change(status: Status, capacity: number): Promise<void> {
    this.ownChangeAt = Date.now()
    try {
      await this.serial(() => this.ctx.api.call('availability', { status, capacity }))
      this.ownChangeAt = Date.now()
      this.apply(status, capacity)
      this.draw()
    } catch (err) {
      this.ctx.announce(failure(err, stringsOf(this.ctx)))
      this.draw()
    }
  }

  private apply(status: Status, capacity: number): void {
    this.ctx.store.set({ status, capacity })
    if (status === 'offline') this.stop()
    else if (this.heartbeat === null) this.schedule(30)
  }

  stop(): void {
    if (this.heartbeat !== null) window.clearTimeout(this.heartbeat)
    this.heartbeat = null
  }

  private schedule(seconds: number): void {
    this.heartbeat = window.setTimeout(async () => {
      this.heartbeat = null
      if (this.ctx.store.state.status === 'offline' || !this.ctx.store.state.me) return
      let next: number
      try {
        const answer = await this.ctx.api.call('heartbeat', {})
        next = answer.nextInSeconds ?? 30
      } catch (err) {
        if (err instanceof ApiError && err.code === 'advisor_offline') {
          this.apply('offline', this.ctx.store.state.capacity)
          this.draw()
          return
        }
        next = 10
      }
      // The status may have changed while the call was under way.
      if ((this.ctx.store.state.status as Status) !== 'offline' && this.heartbeat === null) this.schedule(next)
    }, seconds * 1000)
  }
}
