// The chats side by side: a panel per visible chat (state/chats.ts decides
// which), numbered in the order they came; Alt+1…9 moves to one.
import { h } from '../../../shared/dom'
import { NO_PANELS, dismissPanel, markSaved, syncPanels, visibleChats, type ChatPanels } from '../state/chats'
import type { ConsoleState, Key } from '../store'
import type { Message, Session } from '../types'
import { beep, stringsOf, type Ctx } from './common'
import { ChatView, type ChatCtx } from './chat'
import { AdvisorSupervision, type SupervisionListen } from './watch'

type Listen = (sessionId: string, added: (messages: Message[]) => void, lost: () => void) => () => void

export class ChatsView {
  private panels: ChatPanels = NO_PANELS
  private views = new Map<string, ChatView>()
  private timelines = new Map<string, () => void>()
  // Who reads along and the supervisor's notes, above each chat (views/watch.ts).
  private supervision = new Map<string, AdvisorSupervision>()
  private box: HTMLElement | null = null
  private readonly chatCtx: ChatCtx

  constructor(
    private readonly ctx: Ctx,
    private readonly listenTimeline: Listen,
    private readonly listenSupervision: SupervisionListen | null = null,
  ) {
    this.chatCtx = {
      store: ctx.store,
      api: ctx.api,
      announce: (text) => ctx.announce(text),
      alert: (kind) => ctx.alert(kind),
      lost: (id) => this.lost(id),
      dismiss: (id) => this.dismiss(id),
      markSaved: (id, saved) => (this.panels = markSaved(this.panels, id, saved)),
      unreadChanged: () => this.updateTitle(),
    }
  }

  /** A new box for the shell (first, or after a change of language): the panels are built anew in it. */
  element(): HTMLElement {
    for (const view of this.views.values()) view.detach()
    this.box = h(
      'section',
      { class: 'chats', 'aria-labelledby': 'chats-title' },
      h('h2', { id: 'chats-title', class: 'sr-only' }),
      h('p', { class: 'keys hint', 'aria-hidden': 'true' }),
      h('p', { class: 'empty' }),
      h('div', { class: 'chat-grid' }),
    )
    this.draw()
    return this.box
  }

  render(state: ConsoleState, changed: ReadonlySet<Key>): void {
    if (!changed.has('mine')) return
    const wasLoaded = this.panels.loaded
    const sync = syncPanels(this.panels, state.mine, Date.now())
    this.panels = sync.panels
    for (const id of sync.closed) this.close(id)
    for (const s of state.mine) {
      const view = this.views.get(s.id)
      this.supervision.get(s.id)?.update(s)
      if (view) view.update(s)
      else if (sync.opened.includes(s.id)) this.open(s)
    }
    this.draw()
    // A chat assigned while the console runs (not the ones found at sign-in).
    if (wasLoaded && sync.fresh.length) {
      this.ctx.announce(sync.fresh.map((s) => stringsOf(this.ctx).newChat(s.nickname ?? '')).join(' '))
      if (state.sound) beep()
    }
  }

  private open(s: Session): void {
    const view = new ChatView(this.chatCtx, s)
    this.views.set(s.id, view)
    if (this.listenSupervision) this.supervision.set(s.id, new AdvisorSupervision(this.ctx, this.listenSupervision, s))
    const unsub = this.listenTimeline(
      s.id,
      (messages) => {
        // Nothing follows the end but the rewrite of every message's expiry,
        // which would cost a read per message and show nothing new.
        if (view.added(messages)) this.stopTimeline(s.id)
      },
      () => this.lost(s.id),
    )
    this.timelines.set(s.id, unsub)
  }

  private stopTimeline(id: string): void {
    const unsub = this.timelines.get(id)
    this.timelines.delete(id)
    unsub?.()
  }

  private close(id: string): void {
    this.stopTimeline(id)
    this.views.get(id)?.stop()
    this.views.delete(id)
    this.supervision.get(id)?.stop()
    this.supervision.delete(id)
  }

  private visible(): Session[] {
    return visibleChats(this.panels, this.ctx.store.state.mine, Date.now()).filter((s) => this.views.has(s.id))
  }

  // The panels keep their DOM (drafts, focus, scroll): only their order changes.
  private draw(): void {
    const box = this.box
    if (!box) return
    const t = stringsOf(this.ctx)
    const visible = this.visible()
    const [title, hint, empty, grid] = [...box.children] as HTMLElement[]
    title!.textContent = t.chats
    hint!.textContent = t.sendHint
    hint!.hidden = !visible.length
    empty!.textContent = t.noChats
    empty!.hidden = visible.length > 0
    grid!.dataset.count = String(visible.length)
    const els = visible.map((s, i) => {
      const view = this.views.get(s.id)!
      view.setNumber(i + 1)
      const el = view.element()
      // Below the chat's header (a new root after a change of language).
      const sup = this.supervision.get(s.id)?.el
      if (sup && sup.parentElement !== el) el.querySelector('.chat-head')?.after(sup)
      return el
    })
    els.forEach((el, i) => {
      if (grid!.children[i] !== el) grid!.insertBefore(el, grid!.children[i] ?? null)
    })
    for (const child of [...grid!.children]) if (!els.includes(child as HTMLElement)) child.remove()
    this.updateTitle()
  }

  private updateTitle(): void {
    let unread = 0
    for (const v of this.views.values()) unread += v.unread
    const title = stringsOf(this.ctx).title
    document.title = unread ? `(${unread}) ${title}` : title
  }

  private dismiss(id: string): void {
    const seq = this.ctx.store.state.mine.find((s) => s.id === id)?.seq ?? 0
    this.panels = dismissPanel(this.panels, id, seq)
    this.render(this.ctx.store.state, new Set<Key>(['mine']))
  }

  private lost(id: string): void {
    const nickname = this.ctx.store.state.mine.find((s) => s.id === id)?.nickname ?? ''
    this.dismiss(id)
    this.ctx.announce(stringsOf(this.ctx).chatGone(nickname))
  }

  running(): number {
    return this.ctx.store.state.mine.filter((s) => s.state === 'active').length
  }

  /** Alt+n: the n-th chat's composer. */
  focusNumber(n: number): boolean {
    const s = this.visible()[n - 1]
    if (!s) return false
    this.views.get(s.id)?.focus()
    return true
  }

  focusFirst(): void {
    this.focusNumber(1)
  }

  stop(): void {
    for (const id of [...this.views.keys()]) this.close(id)
  }
}
