// In the queue: the place, the estimate, what to read meanwhile, and the resume code.
import { clear, h } from '../../../../shared/dom'
import { callLink, codeBox, endControls, heading, type View, type ViewContext } from '../components'
import type { Conversation } from '../state'

export function waitingView(ctx: ViewContext): View {
  const s = ctx.s
  const position = h('p', { class: 'position' })
  const estimate = h('p', { class: 'estimate' })
  const notes = h('div', { class: 'notes' })
  const el = h(
    'div',
    {},
    heading(s.waitingHeading),
    h('div', { class: 'queue', role: 'status', 'aria-live': 'polite' }, position, estimate),
    notes,
    codeBox(s, ctx.store.state.conversation?.grant.resumeCode, false),
    h(
      'div',
      { class: 'read' },
      h('h4', { text: s.waitingReadHeading }),
      h('ul', {}, s.waitingRead.map((line) => h('li', { text: line }))),
      callLink(s),
    ),
    endControls(ctx, s.stopWaiting),
  )
  function draw(c: Conversation | null): void {
    if (!c) return
    const q = c.queue
    position.textContent = q ? s.waitingPosition(q.position) : s.waitingConnecting
    estimate.textContent = q
      ? q.estimatedWaitMinutes === null
        ? s.waitingUnknown
        : s.waitingEstimate(q.estimatedWaitMinutes)
      : ''
    clear(notes)
    if (c.inDanger)
      notes.appendChild(
        h(
          'div',
          { class: 'danger-box' },
          h('p', { text: s.urgentNote }),
          h('a', { class: 'call-button danger', href: 'tel:112', text: s.dangerCall }),
        ),
      )
    if (c.afterHours) notes.appendChild(h('p', { class: 'note', text: s.afterHours }))
    // Still waiting after nobody speaking the visitor's language took the chat (state.ts).
    if (c.entries.some((e) => e.note?.type === 'languageUnmatched'))
      notes.appendChild(h('p', { class: 'note', text: s.languageUnmatched }))
  }
  draw(ctx.store.state.conversation)
  return {
    el,
    update(next, previous) {
      const c = next.conversation
      const was = previous.conversation
      if (c && (c.queue !== was?.queue || c.afterHours !== was?.afterHours || c.inDanger !== was?.inDanger || c.entries !== was?.entries)) draw(c)
    },
  }
}
