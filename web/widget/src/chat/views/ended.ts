// After the chat: who ended it, the anonymous word afterwards, where more
// help is, a new chat or close.
import { h } from '../../../../shared/dom'
import type { RegionInfo } from '../api'
import { callLink, heading, radios, type View, type ViewContext } from '../components'
import {
  FEEDBACK_QUESTIONS,
  feedbackAnswered,
  forgotten,
  type ChatState,
  type EndedBy,
  type Feedback,
  type FeedbackAnswer,
  type FeedbackQuestion,
} from '../state'

function endedText(ctx: ViewContext, by: EndedBy): string {
  const s = ctx.s
  if (by === 'advisor') return s.endedByAdvisor
  if (by === 'visitor') return s.endedByVisitor
  if (by === 'elsewhere') return s.endedElsewhere
  return s.endedBySystem
}

/**
 * The word afterwards: two or three questions, each skippable, no free text.
 * Sent once with "Versturen"; "Overslaan" sends nothing. Then a short thank-you.
 */
function feedbackForm(ctx: ViewContext, onDone: () => void): { el: HTMLElement; show(f: Feedback, focus: boolean): void } {
  const s = ctx.s
  const legends: Record<FeedbackQuestion, string> = {
    helpful: s.feedbackHelpful,
    nextStep: s.feedbackNextStep,
    again: s.feedbackAgain,
  }
  const choices: [FeedbackAnswer, string][] = [
    ['yes', s.feedbackYes],
    ['partly', s.feedbackPartly],
    ['no', s.feedbackNo],
  ]
  const fields = FEEDBACK_QUESTIONS.map((question) => {
    const field = radios(s, `feedback-${question}`, legends[question], choices, { inline: true })
    const inputs = field.controls as HTMLInputElement[]
    for (const input of inputs) {
      input.addEventListener('change', () => ctx.store.update(feedbackAnswered, question, input.value as FeedbackAnswer))
    }
    return { question, field, inputs }
  })
  const send = h('button', { type: 'button', class: 'primary', onclick: () => void ctx.sessions.feedback() }, s.feedbackSend)
  const skip = h('button', { type: 'button', class: 'secondary', onclick: () => ctx.sessions.skipFeedback() }, s.feedbackSkip)
  const form = h(
    'div',
    { class: 'feedback-form' },
    h('h4', { id: 'vt-feedback-heading', text: s.feedbackHeading }),
    h('p', { class: 'hint', text: s.feedbackIntro }),
    fields.map(({ field }) => field.wrap),
    h('div', { class: 'actions' }, send, skip),
  )
  const status = h('p', { class: 'feedback-status', role: 'status', tabindex: '-1' })
  const el = h('section', { class: 'feedback', 'aria-labelledby': 'vt-feedback-heading' }, form, status)
  return {
    el,
    show(f: Feedback, focus: boolean): void {
      el.hidden = f.step === 'none'
      form.hidden = f.step !== 'asking' && f.step !== 'sending'
      send.disabled = skip.disabled = f.step === 'sending'
      for (const { question, inputs } of fields) {
        for (const input of inputs) input.checked = f.answers[question] === input.value
      }
      status.textContent = f.step === 'sent' ? s.feedbackThanks : f.step === 'failed' ? s.feedbackFailed : ''
      if (!focus) return
      // The form went away under the keyboard: to the thank-you, or on after a skip.
      if (status.textContent) status.focus()
      else onDone()
    },
  }
}

export function endedView(ctx: ViewContext): View {
  const s = ctx.s
  const c = ctx.store.state.conversation
  const by = c?.endedBy ?? 'system'
  const help = h('ul', { class: 'referrals' })
  const fill = (list: RegionInfo[]): void => {
    const region = list.find((r) => r.id === c?.grant.region.id)
    for (const referral of (region?.referrals ?? []).slice(0, 4)) {
      help.appendChild(
        h(
          'li',
          {},
          referral.url
            ? h('a', { href: referral.url, target: '_blank', rel: 'noopener noreferrer', text: referral.name })
            : h('strong', { text: referral.name }),
          referral.description ? h('span', { class: 'hint', text: ` ${referral.description}` }) : null,
        ),
      )
    }
  }
  ctx.regions.load().then(fill, () => undefined)
  const site = h('a', { href: 'https://www.veiligthuis.nl/', target: '_blank', rel: 'noopener noreferrer', text: s.moreHelpSite })
  const again = h('button', { type: 'button', class: 'primary', onclick: () => ctx.store.update(forgotten, 'rules') }, s.newChat)
  const feedback = feedbackForm(ctx, () => again.focus())
  feedback.show(c?.feedback ?? { step: 'none', answers: {} }, false)
  const el = h(
    'div',
    {},
    heading(by === 'elsewhere' ? s.closedHereHeading : s.endedHeading),
    h('p', { class: 'ended-by', text: endedText(ctx, by) }),
    h('p', { text: s.endedMore }),
    callLink(s),
    feedback.el,
    h('div', { class: 'more-help' }, h('h4', { text: s.moreHelp }), help, h('p', {}, site)),
    h(
      'div',
      { class: 'actions' },
      again,
      h('button', { type: 'button', class: 'secondary', onclick: () => ctx.store.update(forgotten, null) }, s.close),
    ),
  )
  const update = (next: ChatState, previous: ChatState): void => {
    const now = next.conversation?.feedback
    const was = previous.conversation?.feedback
    const finished = now?.step === 'sent' || now?.step === 'failed' || now?.step === 'skipped'
    if (now && now !== was) feedback.show(now, finished && now.step !== was?.step)
  }
  return { el, update }
}
