// Before a chat: the house rules with "can you chat safely now?", and "the
// chat is closed now".
import { h } from '../../../../shared/dom'
import type { Strings } from '../../i18n/nl'
import { callLink, codeLink, formatWhen, goTo, heading, type View, type ViewContext } from '../components'

/**
 * "Kun je nu veilig chatten?" (issue 18): what to do if not (quick exit, the
 * pause, 112), and that quick exit cannot erase the browser's history, with
 * how to open a private window (folded: the steps are long on a phone).
 */
function safeChatting(s: Strings): HTMLElement {
  return h(
    'section',
    { class: 'safe-chat', 'aria-labelledby': 'vt-safe' },
    h('h4', { id: 'vt-safe', text: s.safeHeading }),
    h('p', { text: s.safeIntro }),
    h('ul', {}, s.safeList.map((item) => h('li', { text: item }))),
    h('h4', { text: s.safeTipHeading }),
    h('p', { text: s.safeTip }),
    h('details', {}, h('summary', { text: s.safeTipHow }), h('ol', {}, s.safeTipSteps.map((step) => h('li', { text: step })))),
  )
}

export function rulesView(ctx: ViewContext): View {
  const s = ctx.s
  const el = h(
    'div',
    {},
    heading(s.rulesHeading),
    h('p', { text: s.rulesIntro }),
    safeChatting(s),
    h('ul', { class: 'rules' }, s.rulesList.map((rule) => h('li', { text: rule }))),
    h('button', { type: 'button', class: 'primary', onclick: () => goTo(ctx, 'intake') }, s.rulesStart),
    h('p', {}, codeLink(ctx)),
    h('p', { class: 'hint', text: s.escHint }),
  )
  return { el }
}

export function closedView(ctx: ViewContext): View {
  const s = ctx.s
  const info = ctx.store.state.closed ?? { regionName: null, opensAt: null, hours: [] }
  const when = formatWhen(s, info.opensAt)
  const el = h(
    'div',
    {},
    heading(s.closedHeading),
    h('p', { text: s.closedText }),
    callLink(s),
    when ? h('p', { class: 'opens-at', text: s.closedOpensAt(when) }) : null,
    info.hours.length
      ? h(
          'div',
          { class: 'hours' },
          h('h4', { text: info.regionName ? `${s.closedHours}: ${info.regionName}` : s.closedHours }),
          h('ul', { lang: 'nl' }, info.hours.map((line) => h('li', { text: line }))),
        )
      : null,
    h('p', {}, codeLink(ctx)),
  )
  return { el }
}
