// After the chat: who ended it, where more help is, a new chat or close.
import { h } from '../../../../shared/dom'
import type { RegionInfo } from '../api'
import { callLink, heading, type View, type ViewContext } from '../components'
import { forgotten, type EndedBy } from '../state'

function endedText(ctx: ViewContext, by: EndedBy): string {
  const s = ctx.s
  if (by === 'advisor') return s.endedByAdvisor
  if (by === 'visitor') return s.endedByVisitor
  if (by === 'elsewhere') return s.endedElsewhere
  return s.endedBySystem
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
  const el = h(
    'div',
    {},
    heading(by === 'elsewhere' ? s.closedHereHeading : s.endedHeading),
    h('p', { class: 'ended-by', text: endedText(ctx, by) }),
    h('p', { text: s.endedMore }),
    callLink(s),
    h('div', { class: 'more-help' }, h('h4', { text: s.moreHelp }), help, h('p', {}, site)),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'primary', onclick: () => ctx.store.update(forgotten, 'rules') }, s.newChat),
      h('button', { type: 'button', class: 'secondary', onclick: () => ctx.store.update(forgotten, null) }, s.close),
    ),
  )
  return { el }
}
