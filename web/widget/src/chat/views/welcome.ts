// Before a chat: the house rules, and "the chat is closed now".
import { h } from '../../../../shared/dom'
import { callLink, codeLink, formatWhen, goTo, heading, type View, type ViewContext } from '../components'

export function rulesView(ctx: ViewContext): View {
  const s = ctx.s
  const el = h(
    'div',
    {},
    heading(s.rulesHeading),
    h('p', { text: s.rulesIntro }),
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
