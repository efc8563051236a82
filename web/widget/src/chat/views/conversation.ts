// The chat itself: who the visitor talks to, the messages, the composer.
// Messages are drawn by key and moved into place, so a redraw keeps what the
// screen reader has read and the visitor's scroll position sane.
import { append, clear, h } from '../../../../shared/dom'
import { codeBox, endControls, noteText, serverText, type View, type ViewContext } from '../components'
import { readMarkKey } from '../signals'
import type { Conversation, Entry } from '../state'

const MAX_LENGTH = 2000

export function conversationView(ctx: ViewContext): View {
  const s = ctx.s
  const header = h('div', { class: 'advisor' })
  const log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': s.messagesLabel, tabindex: '0' })
  const note = h('p', { class: 'composer-note', role: 'status' })
  // Present from the start (a live region must exist before its text changes); only words, never the advisor's draft.
  const typingNote = h('p', { class: 'typing', role: 'status' })
  const rendered = new Map<string, HTMLElement>()
  // dir=auto: each message runs in its own script's direction, whatever the widget's language
  const textarea = h('textarea', { id: 'f-message', name: 'message', rows: '2', maxlength: String(MAX_LENGTH), autocomplete: 'off', dir: 'auto' })
  const composer = h(
    'form',
    { class: 'composer', novalidate: true },
    h('label', { for: 'f-message', class: 'sr-only', text: s.messageLabel }),
    textarea,
    h('button', { type: 'submit', class: 'primary send' }, s.send),
  )
  const submit = (): void => {
    const text = textarea.value
    if (!text.trim()) return
    if (text.length > MAX_LENGTH) {
      note.textContent = s.messageTooLong
      return
    }
    textarea.value = ''
    ctx.sessions.send(text)
    textarea.focus()
  }
  composer.addEventListener('submit', (event) => {
    event.preventDefault()
    submit()
  })
  textarea.addEventListener('input', () => {
    if (textarea.value.trim()) ctx.sessions.typing()
  })
  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault()
      submit()
    }
  })
  const c = ctx.store.state.conversation
  const el = h(
    'div',
    {},
    h('h3', { class: 'view-heading sr-only', tabindex: '-1', text: s.panelTitle }),
    header,
    log,
    typingNote,
    note,
    composer,
    codeBox(s, c?.grant.resumeCode, true),
    endControls(ctx, s.endChat),
  )

  function drawHeader(c: Conversation): void {
    clear(header)
    const a = c.advisor
    if (a) {
      header.append(h('p', { class: 'advisor-name', text: s.chatWith(a.name ?? s.advisor, a.org) }))
      if (a.fallback && a.regionName) header.append(h('p', { class: 'hint', text: s.chatFallback(a.regionName) }))
    } else {
      header.append(h('p', { class: 'advisor-name', text: s.waitingConnecting }))
      if (c.queue) header.append(h('p', { class: 'hint', text: s.waitingPosition(c.queue.position) }))
    }
  }

  const format = new Intl.DateTimeFormat(s.locale, { hour: '2-digit', minute: '2-digit' })

  /** The one visitor's message that carries "read" (signals.ts). */
  let marked: string | null = null

  function drawEntry(entry: Entry, li: HTMLElement): void {
    const own = entry.sender === 'visitor'
    li.className = `msg ${entry.kind === 'note' ? 'note' : own ? 'own' : 'theirs'}${entry.status ? ` ${entry.status}` : ''}`
    clear(li)
    if (entry.note) {
      li.append(h('p', { class: 'text', text: noteText(s, entry.note) }))
      return
    }
    const time = entry.at ? format.format(entry.at) : ''
    const failure = entry.error?.code === 'chat_ended' ? s.endedHeading : serverText(s, entry.error?.message ?? '', s.sendError)
    append(li, [
      h(
        'p',
        { class: 'meta' },
        h('span', { class: 'who', text: own ? s.you : (entry.name ?? s.advisor) }),
        time ? h('span', { class: 'time' }, h('span', { class: 'sr-only', text: ' ' }), time) : null,
      ),
      h('p', { class: 'text', dir: 'auto', text: entry.text }),
      own && entry.key === marked
        ? h('p', { class: 'state read' }, h('span', { 'aria-hidden': 'true', text: s.readMark }), h('span', { class: 'sr-only', text: s.readMarkLabel }))
        : own
          ? h('p', {
              class: 'state',
              text: entry.status === 'failed' ? `${s.failed}: ${failure}` : entry.status === 'sending' ? s.sending : s.sent,
            })
          : null,
    ])
  }

  /** Move the read mark; redraw only the message it leaves and the one it comes to. */
  function drawReadMark(c: Conversation): void {
    const key = readMarkKey(c.entries, c.signals.readSeq)
    if (key === marked) return
    const before = marked
    marked = key
    for (const k of [before, key]) {
      const entry = k === null ? undefined : c.entries.find((e) => e.key === k)
      const li = k === null ? undefined : rendered.get(k)
      if (entry && li) drawEntry(entry, li)
    }
  }

  function drawTyping(c: Conversation): void {
    typingNote.textContent = c.signals.typing && c.phase !== 'ended' ? s.advisorTyping : ''
  }

  function drawMessages(c: Conversation): void {
    const keys = new Set(c.entries.map((e) => e.key))
    for (const [key, li] of [...rendered]) {
      if (keys.has(key)) continue
      li.remove()
      rendered.delete(key)
    }
    c.entries.forEach((entry, index) => {
      let li = rendered.get(entry.key)
      const fresh = !li
      if (!li) {
        li = h('div', {})
        rendered.set(entry.key, li)
      }
      drawEntry(entry, li)
      if (log.children[index] !== li) log.insertBefore(li, log.children[index] ?? null)
      if (fresh) log.scrollTop = log.scrollHeight
    })
    while (log.children.length > c.entries.length) log.lastChild?.remove()
    log.scrollTop = log.scrollHeight
  }

  function drawNote(c: Conversation): void {
    note.textContent = c.rateLimited ? s.tooFast : ''
  }

  if (c) {
    marked = readMarkKey(c.entries, c.signals.readSeq)
    drawHeader(c)
    drawMessages(c)
    drawNote(c)
    drawTyping(c)
  }
  return {
    el,
    update(next, previous) {
      const now = next.conversation
      const was = previous.conversation
      if (!now) return
      if (now.advisor !== was?.advisor || now.queue !== was?.queue) drawHeader(now)
      if (now.entries !== was?.entries) {
        marked = readMarkKey(now.entries, now.signals.readSeq)
        drawMessages(now)
      } else if (now.signals !== was?.signals) drawReadMark(now)
      if (now.signals !== was?.signals) drawTyping(now)
      if (now.rateLimited !== was?.rateLimited) drawNote(now)
    },
  }
}
