// "Regio beheren" (supervisors): the organisation's local referral list and
// standard texts with their versions (GET /api/content, POST /api/savecontent),
// and the team: invite an advisor, disable or enable one (GET /api/team,
// POST /api/invite, POST /api/disable). The server checks everything; its
// messages are shown at the fields. Loaded when the section is opened.
import { append, clear, h } from '../../../shared/dom'
import { ApiError } from '../api'
import {
  MAX_REFERRALS,
  MAX_TEXTS,
  canToggle,
  emptyReferral,
  errorAt,
  fromContent,
  listError,
  move,
  newText,
  removeAt,
  sortedTeam,
  toRequest,
  type Account,
  type Content,
  type Draft,
} from '../state/regionadmin'
import { confirmRow, failure, stringsOf, type Ctx } from './common'

type Fields = Readonly<Record<string, string>>
const OTHER_LANGUAGES = ['en', 'tr', 'ar', 'pl', 'uk'] as const

export function regionAdminSection(ctx: Ctx): HTMLElement {
  const t = stringsOf(ctx)
  const editor = new ContentEditor(ctx)
  const team = new TeamView(ctx)
  const details = h('details', { class: 'region-admin' }, h('summary', { text: t.region.title }), editor.el, team.el)
  details.addEventListener('toggle', () => {
    if (!details.open) return
    if (!editor.loaded) void editor.load()
    if (!team.loaded) void team.load()
  })
  return h('section', { class: 'report-box', 'aria-label': t.region.title }, details)
}

const when = (ctx: Ctx, iso: string | null | undefined): string =>
  iso ? new Intl.DateTimeFormat(ctx.store.state.lang === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '–'

/** A labelled input or textarea with its server message below it (aria-describedby). */
function field(id: string, label: string, value: string, error: string | null, set: (v: string) => void, multiline = false): HTMLElement {
  const attrs = { id, value, 'aria-invalid': error ? 'true' : null, 'aria-describedby': error ? `${id}-err` : null }
  const input = multiline ? h('textarea', { ...attrs, rows: 4 }) : h('input', { ...attrs, type: 'text' })
  if (multiline) input.value = value
  input.addEventListener('input', () => set(input.value))
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), input, error ? h('p', { id: `${id}-err`, class: 'error', text: error }) : null)
}

class ContentEditor {
  readonly el = h('div', { class: 'region-content' })
  loaded = false
  private content: Content | null = null
  private draft: Draft | null = null
  private fields: Fields = {}
  // Said through the console's announcer too (ctx.announce), so not a live region itself.
  private readonly status = h('p', { class: 'note' })

  constructor(private readonly ctx: Ctx) {}

  async load(): Promise<void> {
    this.loaded = true
    try {
      this.show(await this.ctx.api.get('content'))
    } catch (err) {
      this.loaded = false
      this.status.textContent = failure(err, stringsOf(this.ctx))
      this.el.append(this.status)
    }
  }

  private show(content: Content, message = ''): void {
    this.content = content
    this.draft = fromContent(content)
    this.fields = {}
    this.render(message)
  }

  private render(message: string, extra: HTMLElement | null = null): void {
    const t = stringsOf(this.ctx).region
    const content = this.content
    const draft = this.draft
    if (!content || !draft) return
    const redraw = () => this.render('')
    const referrals = draft.referrals.map((r, i) =>
      h(
        'fieldset',
        { class: 'referral' },
        h('legend', { text: t.item(i + 1, r.name) }),
        field(`ref-${i}-name`, t.name, r.name, errorAt(this.fields, 'referrals', i, 'name'), (v) => (r.name = v)),
        field(`ref-${i}-description`, t.description, r.description, errorAt(this.fields, 'referrals', i, 'description'), (v) => (r.description = v)),
        field(`ref-${i}-url`, t.url, r.url, errorAt(this.fields, 'referrals', i, 'url'), (v) => (r.url = v)),
        field(`ref-${i}-phone`, t.phone, r.phone, errorAt(this.fields, 'referrals', i, 'phone'), (v) => (r.phone = v)),
        this.buttons(i, draft.referrals.length, r.name, (delta) => ((draft.referrals = move(draft.referrals, i, delta)), redraw()), () => ((draft.referrals = removeAt(draft.referrals, i)), redraw())),
      ),
    )
    const texts = draft.texts.map((text, i) =>
      h(
        'fieldset',
        { class: 'own-text' },
        h('legend', { text: t.item(i + 1, text.title) }),
        field(`text-${i}-title`, t.textTitle, text.title, errorAt(this.fields, 'texts', i, 'title') ?? errorAt(this.fields, 'texts', i, 'id'), (v) => (text.title = v)),
        field(`text-${i}-body`, t.textBody, text.body, errorAt(this.fields, 'texts', i, 'body'), (v) => (text.body = v), true),
        this.buttons(i, draft.texts.length, text.title, (delta) => ((draft.texts = move(draft.texts, i, delta)), redraw()), () => ((draft.texts = removeAt(draft.texts, i)), redraw())),
      ),
    )
    const addReferral = h('button', { type: 'button', class: 'small', text: t.addReferral, disabled: draft.referrals.length >= MAX_REFERRALS })
    addReferral.addEventListener('click', () => ((draft.referrals = [...draft.referrals, emptyReferral()]), redraw()))
    const addText = h('button', { type: 'button', class: 'small', text: t.addText, disabled: draft.texts.length >= MAX_TEXTS })
    addText.addEventListener('click', () => ((draft.texts = [...draft.texts, newText(draft, content.nationalTextIds ?? [], t.textTitle)]), redraw()))
    const save = h('button', { type: 'button', class: 'primary', text: t.save })
    save.addEventListener('click', () => void this.save(save))
    this.status.textContent = message
    const listMessage = (list: 'referrals' | 'texts') => {
      const text = listError(this.fields, list)
      return text ? h('p', { class: 'error', text }) : null
    }
    clear(this.el)
    append(this.el, [
      h('p', { class: 'note', text: content.version ? t.version(content.version, content.savedByName ?? '', when(this.ctx, content.savedAt)) : t.fromFile }),
      h('h3', { text: t.referrals }),
      h('p', { class: 'note', text: t.referralsNote }),
      listMessage('referrals'),
      ...referrals,
      addReferral,
      h('h3', { text: t.texts }),
      h('p', { class: 'note', text: t.textsNote }),
      listMessage('texts'),
      ...texts,
      addText,
      h('div', { class: 'report-controls' }, save),
      this.status,
      extra,
      this.history(),
    ])
  }

  private buttons(i: number, count: number, name: string, moveBy: (delta: number) => void, remove: () => void): HTMLElement {
    const t = stringsOf(this.ctx).region
    const button = (text: string, disabled: boolean, run: () => void) => {
      const b = h('button', { type: 'button', class: 'small', text, disabled, 'aria-label': `${text}: ${name || i + 1}` })
      b.addEventListener('click', run)
      return b
    }
    return h('div', { class: 'row-actions' }, button(t.up, i === 0, () => moveBy(-1)), button(t.down, i === count - 1, () => moveBy(1)), button(t.remove, false, remove))
  }

  private history(): HTMLElement | null {
    const t = stringsOf(this.ctx).region
    const versions = this.content?.history ?? []
    if (!versions.length) return null
    const items = versions.map((v) => {
      const use = h('button', { type: 'button', class: 'small', text: t.useVersion, 'aria-label': `${t.useVersion}: ${v.version}` })
      use.addEventListener('click', () => void this.useVersion(v.version))
      return h('li', {}, `${t.historyItem(v.version, v.savedByName, when(this.ctx, v.savedAt))} `, use)
    })
    return h('details', { class: 'history' }, h('summary', { text: t.history }), h('ul', {}, ...items))
  }

  /** An older version into the form; saving it makes a new version on top of the current one. */
  private async useVersion(version: number): Promise<void> {
    if (!this.content || !this.draft) return
    try {
      const old = await this.ctx.api.get('content', { version: String(version) })
      this.draft = { ...fromContent(old), baseVersion: this.content.version }
      this.fields = {}
      this.render('')
    } catch (err) {
      this.status.textContent = failure(err, stringsOf(this.ctx))
    }
  }

  private async save(button: HTMLButtonElement): Promise<void> {
    const t = stringsOf(this.ctx)
    if (!this.draft) return
    button.disabled = true
    try {
      const saved = await this.ctx.api.call('savecontent', toRequest(this.draft))
      this.show(saved, t.region.saved(saved.version))
      this.ctx.announce(t.region.saved(saved.version))
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && Object.keys(err.fields).length) {
        this.fields = err.fields
        this.render(t.region.fixFields)
        this.ctx.announce(t.region.fixFields)
      } else if (err instanceof ApiError && err.code === 'content_stale') {
        // The draft stays as it is: nothing the supervisor typed is lost.
        const reload = h('button', { type: 'button', class: 'small', text: t.region.loadNewest })
        reload.addEventListener('click', () => void this.load())
        this.render(err.message, reload)
        this.ctx.announce(err.message)
      } else {
        this.status.textContent = failure(err, t)
      }
    } finally {
      button.disabled = false
    }
  }
}

class TeamView {
  readonly el = h('div', { class: 'region-team' })
  loaded = false
  private readonly list = h('ul', { class: 'staff-list' })
  private readonly out = h('div', { 'aria-live': 'polite' })

  constructor(private readonly ctx: Ctx) {}

  async load(): Promise<void> {
    this.loaded = true
    const t = stringsOf(this.ctx).region
    clear(this.el)
    this.el.append(h('h3', { text: t.team }), h('p', { class: 'note', text: t.supervisorsNote }), this.list, this.inviteForm(), this.out)
    await this.refresh()
  }

  private async refresh(): Promise<void> {
    const t = stringsOf(this.ctx)
    try {
      const { accounts } = await this.ctx.api.get('team')
      clear(this.list)
      this.list.append(...sortedTeam(accounts).map((a) => this.row(a)))
    } catch (err) {
      this.loaded = false
      this.out.textContent = failure(err, t)
    }
  }

  private row(account: Account): HTMLElement {
    const t = stringsOf(this.ctx)
    const name = account.displayName ?? account.email ?? account.uid
    const role = account.role === 'supervisor' ? t.roleSupervisor : t.roleAdvisor
    const seen = account.lastSignInAt ? t.region.lastSignIn(when(this.ctx, account.lastSignInAt)) : t.region.never
    const li = h('li', { 'data-uid': account.uid }, `${name} · ${account.email ?? ''} · ${role} · ${seen}`)
    if (account.disabled) li.append(' ', h('span', { class: 'badge', text: t.region.disabled }))
    const me = this.ctx.store.state.me
    if (!me || !canToggle(account, me.uid)) return li
    const toggle = h('button', { type: 'button', class: 'small', text: account.disabled ? t.region.enable : t.region.disable, 'aria-label': `${account.disabled ? t.region.enable : t.region.disable}: ${name}` })
    const run = async () => {
      toggle.disabled = true
      try {
        await this.ctx.api.call('disable', { uid: account.uid, disabled: !account.disabled })
        await this.refresh()
      } catch (err) {
        this.out.textContent = failure(err, t)
        toggle.disabled = false
      }
    }
    toggle.addEventListener('click', () => {
      if (account.disabled) return void run()
      const confirm = confirmRow(t.region.disable, t.region.confirmDisable(name), t.region.disable, t, () => void run(), () => confirm.replaceWith(toggle))
      toggle.replaceWith(confirm)
    })
    li.append(' ', toggle)
    return li
  }

  private inviteForm(): HTMLElement {
    const t = stringsOf(this.ctx)
    const email = h('input', { id: 'invite-email', type: 'email', autocomplete: 'off' })
    const name = h('input', { id: 'invite-name', type: 'text', autocomplete: 'off' })
    const langs = OTHER_LANGUAGES.map((lang) => h('input', { type: 'checkbox', id: `invite-lang-${lang}`, value: lang }))
    const errors = h('div', { class: 'error' })
    const send = h('button', { type: 'submit', class: 'primary small', text: t.region.inviteSend })
    const form = h(
      'form',
      { class: 'invite', 'aria-label': t.region.invite },
      h('h4', { text: t.region.invite }),
      h('div', { class: 'field' }, h('label', { for: 'invite-email', text: t.region.inviteEmail }), email),
      h('div', { class: 'field' }, h('label', { for: 'invite-name', text: t.region.inviteName }), name),
      h('fieldset', {}, h('legend', { text: t.region.inviteLanguages }), ...langs.map((box, i) => h('label', { for: box.id }, box, ` ${t.languageNames[OTHER_LANGUAGES[i] ?? ''] ?? ''}`))),
      errors,
      send,
    )
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      void (async () => {
        send.disabled = true
        clear(errors)
        clear(this.out)
        try {
          const languages = langs.filter((box) => box.checked).map((box) => box.value as (typeof OTHER_LANGUAGES)[number])
          const invited = await this.ctx.api.call('invite', { email: email.value, displayName: name.value, role: 'advisor', languages })
          this.showLink(invited.account.displayName ?? name.value, invited.link)
          form.reset()
          await this.refresh()
        } catch (err) {
          const fields = err instanceof ApiError ? Object.values(err.fields) : []
          errors.append(...(fields.length ? fields : [failure(err, t)]).map((text) => h('p', { text })))
        } finally {
          send.disabled = false
        }
      })()
    })
    return form
  }

  private showLink(name: string, link: string): void {
    const t = stringsOf(this.ctx).region
    const box = h('input', { id: 'invite-link', type: 'text', readonly: true, value: link })
    const copy = h('button', { type: 'button', class: 'small', text: t.copy })
    copy.addEventListener('click', () => {
      box.select()
      void navigator.clipboard?.writeText(link).then(() => this.ctx.announce(t.copied)).catch(() => undefined)
    })
    clear(this.out)
    this.out.append(h('p', { class: 'note' }, h('label', { for: 'invite-link', text: t.inviteLink(name) })), box, copy)
  }
}
