// The composer of a running chat, and its picker of standard texts
// (Ctrl+K or "/" on an empty composer; a key per text).
import { ApiError } from '../api'
import { clear, h } from '../../../shared/dom'
import { fillText } from '../state/org'
import { NOT_TYPING, onInput, onSent, type TypingState } from '../state/signals'
import type { Session } from '../types'
import { stringsOf, type Ctx } from './common'

const PICK_KEYS = '123456789abcdefghijklmnopqrstuvwxyz'

export class Composer {
  readonly el: HTMLElement
  private readonly box: HTMLTextAreaElement
  private readonly picker = h('div', { class: 'picker', hidden: true })
  private typing: TypingState = NOT_TYPING

  constructor(
    private readonly ctx: Ctx,
    private readonly session: Session,
    draft: string,
    private readonly keep: (draft: string) => void,
  ) {
    const t = stringsOf(ctx)
    const s = session
    const id = `compose-${s.id}`
    const box = h('textarea', { id, rows: 2, maxlength: 2000, 'aria-describedby': `hint-${s.id}` })
    box.value = draft
    this.box = box
    const send = h('button', { type: 'button', class: 'primary', text: t.send, 'aria-label': `${t.send}: ${s.nickname ?? ''}` })
    const error = h('p', { class: 'error', role: 'alert' })
    send.addEventListener('click', () => void this.send(send, error))
    box.addEventListener('input', () => {
      keep(box.value)
      this.tellTyping()
    })
    box.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault()
        void this.send(send, error)
      } else if (((e.key === 'k' || e.key === 'K') && (e.ctrlKey || e.metaKey)) || (e.key === '/' && box.value === '')) {
        e.preventDefault()
        this.openPicker()
      }
    })
    const textsButton = h('button', { type: 'button', class: 'small quiet', text: t.texts, 'aria-haspopup': 'listbox' })
    textsButton.addEventListener('click', () => this.openPicker())
    this.el = h(
      'div',
      { class: 'composer' },
      this.picker,
      h('label', { for: id, class: 'sr-only', text: `${t.message}: ${s.nickname ?? ''}` }),
      box,
      h('div', { class: 'composer-row' }, h('span', { class: 'sr-only', id: `hint-${s.id}`, text: t.sendHint }), textsButton, send),
      error,
    )
  }

  get value(): string {
    return this.box.value
  }

  /** Focus the text box if it can take it. */
  focus(): boolean {
    if (this.box.disabled) return false
    this.box.focus()
    return true
  }

  // One message id for every attempt: the functions store it once.
  private async send(button: HTMLButtonElement, error: HTMLElement): Promise<void> {
    const t = stringsOf(this.ctx)
    const text = this.box.value.trim()
    if (!text) return
    button.disabled = true
    error.textContent = ''
    const messageId = crypto.randomUUID()
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.ctx.api.call('messages', { sessionId: this.session.id, messageId, text })
        if (this.box.value.trim() === text) this.box.value = ''
        this.keep('')
        // The message ended the typing on the server; the next keystroke tells anew.
        this.typing = onSent()
        button.disabled = false
        this.box.focus()
        return
      } catch (err) {
        if (err instanceof ApiError) {
          error.textContent = err.message
          break
        }
        await new Promise((r) => setTimeout(r, 500 * (attempt + 1)))
      }
    }
    if (!error.textContent) error.textContent = t.error
    button.disabled = false
  }

  /** "Is typing" for the visitor: at most once per 5 s while typing (state/signals.ts). */
  private tellTyping(): void {
    const { state, send } = onInput(this.typing, Date.now(), this.box.value.trim() === '')
    this.typing = state
    if (send) this.ctx.api.call('signal', { sessionId: this.session.id, ...send }).catch(() => undefined)
  }

  private openPicker(): void {
    const t = stringsOf(this.ctx)
    const { box, picker } = this
    const texts = this.ctx.store.state.texts.slice(0, PICK_KEYS.length)
    clear(picker)
    const listId = `picker-${this.session.id}`
    const list = h('ul', { role: 'listbox', id: listId, tabindex: 0, 'aria-label': t.texts })
    let index = 0
    const options = texts.map((text, i) => {
      const li = h('li', { role: 'option', id: `${listId}-${i}`, 'aria-selected': i === 0 ? 'true' : 'false' }, h('kbd', { text: PICK_KEYS[i]! }), ` ${text.title}`)
      li.addEventListener('click', () => choose(i))
      return li
    })
    list.append(...options)
    const select = (i: number) => {
      index = (i + options.length) % options.length
      options.forEach((o, j) => o.setAttribute('aria-selected', j === index ? 'true' : 'false'))
      list.setAttribute('aria-activedescendant', `${listId}-${index}`)
      options[index]?.scrollIntoView({ block: 'nearest' })
    }
    let closing = false
    const close = () => {
      closing = true
      box.focus()
      picker.hidden = true
      clear(picker)
      // Removing the focused list lets Chrome move focus to the body afterwards.
      window.setTimeout(() => box.focus(), 0)
    }
    const choose = (i: number) => {
      const text = texts[i]
      const { me, regions, advisors } = this.ctx.store.state
      if (!text || !me) return
      const filled = fillText(text.body, this.session, regions, advisors, me)
      box.value = box.value ? `${box.value.replace(/\s+$/, '')} ${filled}` : filled
      this.keep(box.value)
      close()
      box.setSelectionRange(box.value.length, box.value.length)
    }
    list.addEventListener('keydown', (e) => {
      const k = e.key.toLowerCase()
      if (e.key === 'Escape') close()
      else if (e.key === 'ArrowDown') select(index + 1)
      else if (e.key === 'ArrowUp') select(index - 1)
      else if (e.key === 'Enter') choose(index)
      else if (k.length === 1 && PICK_KEYS.includes(k) && !e.ctrlKey && !e.altKey) choose(PICK_KEYS.indexOf(k))
      else return
      e.preventDefault()
      e.stopPropagation()
    })
    list.addEventListener('focusout', (e) => {
      if (!closing && !picker.contains(e.relatedTarget as Node | null)) {
        picker.hidden = true
        clear(picker)
      }
    })
    picker.append(h('p', { class: 'hint', text: t.textsHint }), list)
    picker.hidden = false
    select(0)
    list.focus()
  }
}
