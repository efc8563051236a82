// The advisor console: sign-in, availability, live queue, chats side by side,
// registration, supervisor overview, idle lock. Live data comes from the
// Firestore listeners firestore.rules allow; every action goes through the API.
import { signOut, type Auth, type User } from 'firebase/auth'
import {
  Timestamp,
  collection,
  orderBy,
  query,
  where,
  type DocumentData,
  type Firestore,
  type Query,
  type Unsubscribe,
} from 'firebase/firestore'
import { ApiError, type Api } from './api'
import { listenMetered } from './metered'
import { Cancelled, SecondFactor, SecondFactorError, type SecondFactorMode } from './mfa'
import { clear, h } from './dom'
import type { Report } from './figures'
import { STRINGS, type Lang, type Strings } from './i18n'

export interface Deps {
  auth: Auth
  db: Firestore
  api: Api
  idleMinutes: number
  lang: Lang
  secondFactor: SecondFactorMode
}

export interface Session {
  id: string
  nickname?: string
  ageBand?: string
  gender?: string
  region?: string
  org?: string
  state?: 'waiting' | 'active' | 'ended'
  queuedAt?: Timestamp | null
  assignedAt?: Timestamp | null
  endedAt?: Timestamp | null
  advisorUid?: string | null
  advisorName?: string | null
  advisorOrg?: string | null
  answers?: Record<string, string>
  urgent?: boolean
  urgentReason?: string | null
  visitorPresence?: string
  transferNote?: string | null
  transferNoteBy?: string | null
  transferredFrom?: string | null
  /** The registration is saved (the console cannot read the chat record). */
  registered?: boolean
  offeredTo?: string[]
  seq?: number
  expireAt?: Timestamp
}

/** `transfers/{id}`: a chat this organisation handed to another one (all its supervisor may read of it). */
interface Transfer {
  toOrg?: string
  at?: Timestamp
}

interface Message {
  id: string
  seq: number
  kind: 'text' | 'system'
  sender: 'visitor' | 'advisor' | 'system'
  text?: string
  event?: string
  advisorName?: string
  createdAt?: Timestamp | null
}

interface Advisor {
  id: string
  displayName?: string
  orgName?: string
  org?: string
  role?: string
  status?: 'online' | 'paused' | 'offline'
  capacity?: number
  activeCount?: number
}

interface Region {
  id: string
  name: string
  shortName: string
  referrals: { name: string; phone?: string; url?: string }[]
}

interface RegionStatus {
  id: string
  name: string
  open: boolean
  queueLength: number
  advisorsOnline: number
  estimatedWaitMinutes: number | null
}

interface StandardText {
  id: string
  title: string
  body: string
}

const REG_FIELDS = [
  { key: 'contact', multi: false, values: ['victim', 'bystander', 'perpetrator', 'professional', 'other'] },
  {
    key: 'topics',
    multi: true,
    values: [
      'partner_violence', 'psychological_pressure', 'child_abuse', 'child_contact_arrangement', 'elder_abuse',
      'sexual_violence', 'honour_related_violence', 'stalking', 'other',
    ],
  },
  {
    key: 'advice',
    multi: true,
    values: [
      'information', 'safety_plan', 'talk_to_someone_close', 'call_veilig_thuis', 'official_report_by_phone',
      'call_police_112', 'other',
    ],
  },
  {
    key: 'referrals',
    multi: true,
    values: [
      'none', 'wijkteam', 'huisarts', 'slachtofferhulp', 'kindertelefoon', 'police', 'veilig_thuis_phone',
      'local_organisation', 'other',
    ],
  },
  { key: 'outcome', multi: false, values: ['advice_given', 'referred', 'report_advised', 'visitor_left', 'no_question'] },
] as const

const PICK_KEYS = '123456789abcdefghijklmnopqrstuvwxyz'

const toSession = (id: string, d: DocumentData): Session => ({ id, ...d }) as Session
// firestore.rules refuse documents past their expireAt, and a query only if it
// says so itself (rules are not filters): every query carries this bound. Its
// margin absorbs a console clock that is behind the server's (request.time);
// what it hides early expires hours after the chat anyway.
const EXPIRY_MARGIN_MS = 15 * 60_000
const unexpired = () => where('expireAt', '>', Timestamp.fromMillis(Date.now() + EXPIRY_MARGIN_MS))
// A listener keeps what it was allowed when it started: drop what expired since.
const live = (d: DocumentData): boolean => (millis(d.expireAt as Timestamp | undefined) ?? Infinity) > Date.now()
const millis = (t: Timestamp | null | undefined): number | null => (t instanceof Timestamp ? t.toMillis() : null)
const minutesSince = (t: Timestamp | null | undefined, now: number): number => {
  const m = millis(t)
  return m === null ? 0 : Math.max(0, Math.floor((now - m) / 60_000))
}
/** Chats of today, each once (a chat can be both transferred and answered by fall-back). */
const countToday = (sessions: Session[], isToday: (s: Session) => boolean): number =>
  new Set(sessions.filter(isToday).map((s) => s.id)).size
const startOfToday = (): number => {
  const d = new Date()
  d.setHours(0, 0, 0, 0)
  return d.getTime()
}

export class ConsoleApp {
  private t: Strings
  private lang: Lang
  private me: { uid: string; email: string; role: 'advisor' | 'supervisor' | 'national'; org: string; name: string } | null = null
  private subs: Unsubscribe[] = []
  private timers: number[] = []
  private heartbeat: number | null = null

  // Live data
  private queue: Session[] = []
  private offered: Session[] = []
  private mine = new Map<string, Session>()
  private orgSessions: Session[] = []
  private answeredByUs: Session[] = []
  private transfersOut: Transfer[] = []
  private advisors = new Map<string, Advisor>()
  private regions = new Map<string, Region>()
  private texts: StandardText[] = []
  private status: 'online' | 'paused' | 'offline' = 'offline'
  private capacity = 3
  private sound = true

  // Chats on screen
  private views = new Map<string, ChatView>()
  private dismissed = new Map<string, number>()
  // When each chat came to this screen: a chat handed over keeps its first
  // assignedAt, and ordering by that would renumber the chats already open.
  private arrived = new Map<string, number>()
  private savedHere = new Set<string>()
  private urgentSeen = new Set<string>()
  private assignChoice = new Map<string, string>()
  private chatsLoaded = false
  private localChangeAt = 0

  // DOM
  private shell: HTMLElement | null = null
  private queueBox: HTMLElement | null = null
  private chatsBox: HTMLElement | null = null
  private superBox: HTMLElement | null = null
  private nationalBox: HTMLElement | null = null
  private board: RegionStatus[] = []
  private statusBox: HTMLElement | null = null
  private lockBox: HTMLElement | null = null
  private announcer: HTMLElement | null = null
  private lastInput = Date.now()
  private locked = false
  private readonly factor: SecondFactor

  constructor(
    private readonly root: HTMLElement,
    private readonly deps: Deps,
  ) {
    this.lang = deps.lang
    this.t = STRINGS[this.lang]
    this.factor = new SecondFactor(deps.auth, deps.secondFactor, () => this.t)
  }

  start(): void {
    document.documentElement.lang = this.lang
    this.renderSignIn()
  }

  // --- sign-in -----------------------------------------------------------------

  private renderSignIn(message = '', notice = ''): void {
    clear(this.root)
    document.title = this.t.title
    const t = this.t
    const error = h('p', { class: 'error', role: 'alert', id: 'signin-error', text: message })
    const email = h('input', { id: 'email', type: 'email', autocomplete: 'username', required: true })
    const password = h('input', { id: 'password', type: 'password', autocomplete: 'current-password', required: true })
    const button = h('button', { type: 'submit', class: 'primary', text: t.signIn })
    const form = h(
      'form',
      { class: 'signin', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: 'email', text: t.email }), email),
      h('div', { class: 'field' }, h('label', { for: 'password', text: t.password }), password),
      error,
      button,
    )
    const page = h(
      'main',
      { class: 'signin-page' },
      h('h1', { text: t.title }),
      h('h2', { text: t.signInTitle }),
      notice ? h('p', { class: 'notice', role: 'status', text: notice }) : null,
      form,
      this.langSelect(() => this.renderSignIn()),
    )
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      button.disabled = true
      error.textContent = ''
      this.signIn(email.value.trim(), password.value, page).catch((err: unknown) => {
        button.disabled = false
        if (err instanceof Cancelled) return this.renderSignIn()
        const said = this.signInError(err)
        // The second factor's screens replaced the form: show it again.
        if (form.isConnected) error.textContent = said
        else this.renderSignIn(said)
      })
    })
    this.root.append(page)
    email.focus()
  }

  private signInError(err: unknown): string {
    if (err instanceof SecondFactorError) return this.t.mfa[err.problem]
    // The functions' own Dutch message (second_factor_required).
    if (err instanceof ApiError) return err.message
    return err instanceof Error && err.message === 'no_role' ? this.t.noRole : this.t.signInFailed
  }

  private async signIn(email: string, password: string, page: HTMLElement): Promise<void> {
    const user = await this.factor.signIn(email, password, page)
    if (this.factor.mustEnrol(user, false)) return this.enrolAndSignInAgain(user, page, '')
    const { claims } = await user.getIdTokenResult(true)
    const role = claims.role
    const org = claims.org
    if ((role !== 'advisor' && role !== 'supervisor' && role !== 'national') || typeof org !== 'string') {
      await signOut(this.deps.auth)
      throw new Error('no_role')
    }
    // The functions' view of this sign-in: where they require a second factor
    // (always in production; VTCHAT_STAFF_SECOND_FACTOR on the emulators) a
    // password alone is refused, before any listener starts.
    const texts = await this.deps.api.get<{ texts: StandardText[] }>('texts').catch((err: unknown) => err)
    if (texts instanceof ApiError && texts.code === 'second_factor_required') {
      if (this.factor.mustEnrol(user, true)) return this.enrolAndSignInAgain(user, page, texts.message)
      await signOut(this.deps.auth)
      throw texts
    }
    this.texts = texts instanceof Error ? [] : (texts as { texts: StandardText[] }).texts
    this.me = { uid: user.uid, email, role, org, name: user.displayName ?? email }
    if (role === 'national') {
      // No chats and no Firestore access: the public status of every region
      // (polled) and the figures of GET /api/report.
      await this.loadRegions()
      this.renderShell()
      this.startIdleLock()
      void this.loadStatus()
      this.timers.push(window.setInterval(() => void this.loadStatus(), 5_000))
      return
    }
    await this.loadRegions()
    this.renderShell()
    this.listen()
    this.startIdleLock()
    this.timers.push(window.setInterval(() => this.tick(), 15_000))
  }

  private async loadRegions(): Promise<void> {
    try {
      const { regions } = await this.deps.api.get<{ regions: Region[] }>('regions')
      for (const r of regions) this.regions.set(r.id, r)
    } catch {
      // Names fall back to ids.
    }
  }

  /**
   * The first factor is enrolled on a fresh sign-in; the staff member then
   * signs in again with it, so that every session's token says it used one.
   */
  private async enrolAndSignInAgain(user: User, page: HTMLElement, notice: string): Promise<void> {
    try {
      await this.factor.enrol(user, page, notice)
    } finally {
      await signOut(this.deps.auth).catch(() => undefined)
    }
    this.renderSignIn('', this.t.mfa.done)
  }

  regionName(id: string | undefined | null): string {
    if (!id) return '–'
    return this.regions.get(id)?.shortName ?? id
  }

  // --- listeners ---------------------------------------------------------------

  private watch(name: string, q: Query, on: (docs: Session[]) => void): void {
    this.subs.push(
      listenMetered(
        name,
        q,
        (snap) => on(snap.docs.filter((d) => live(d.data())).map((d) => toSession(d.id, d.data()))),
        (err) => console.warn('listener failed', err.code),
      ),
    )
  }

  private listen(): void {
    const me = this.me!
    const { db } = this.deps
    const sessions = collection(db, 'sessions')
    this.watch('queue', query(sessions, where('org', '==', me.org), where('state', '==', 'waiting'), unexpired(), orderBy('queuedAt')), (s) => {
      this.queue = s
      this.renderQueue()
      this.renderSupervisor()
    })
    this.watch(
      'offered',
      query(sessions, where('offeredTo', 'array-contains', me.org), where('state', '==', 'waiting'), unexpired(), orderBy('queuedAt')),
      (s) => {
        this.offered = s
        this.renderQueue()
      },
    )
    this.watch('mine', query(sessions, where('advisorUid', '==', me.uid), unexpired()), (s) => {
      this.mine = new Map(s.map((x) => [x.id, x]))
      this.syncChats()
      this.renderSupervisor()
    })
    this.subs.push(
      listenMetered(
        'advisors',
        query(collection(db, 'advisors'), where('org', '==', me.org), unexpired()),
        (snap) => {
          this.advisors = new Map(snap.docs.filter((d) => live(d.data())).map((d) => [d.id, { id: d.id, ...d.data() } as Advisor]))
          // The listener tells about changes made elsewhere (the tick setting a
          // silent console offline); right after our own change it may still
          // deliver the state before it, which must not undo it.
          const mine = this.advisors.get(me.uid)
          if (mine?.status && Date.now() - this.localChangeAt > 5_000) {
            this.setStatus(mine.status, mine.capacity ?? this.capacity, false)
          }
          this.renderSupervisor()
        },
        (err) => console.warn('listener failed', err.code),
      ),
    )
    if (me.role === 'supervisor') {
      this.watch('orgSessions', query(sessions, where('org', '==', me.org), unexpired()), (s) => {
        this.orgSessions = s
        this.renderSupervisor()
      })
      this.watch('answeredByUs', query(sessions, where('advisorOrg', '==', me.org), unexpired()), (s) => {
        this.answeredByUs = s
        this.renderSupervisor()
      })
      // Chats handed to another organisation: the session is theirs now (its
      // nickname, their note); what is left to us is the count.
      this.subs.push(
        listenMetered(
          'transfersOut',
          query(collection(db, 'transfers'), where('fromOrg', '==', me.org), unexpired()),
          (snap) => {
            this.transfersOut = snap.docs.filter((d) => live(d.data())).map((d) => d.data() as Transfer)
            this.renderSupervisor()
          },
          (err) => console.warn('listener failed', err.code),
        ),
      )
    }
  }

  private tick(): void {
    this.renderQueue()
    this.renderSupervisor()
  }

  // --- the shell ------------------------------------------------------------------

  private langSelect(after: () => void): HTMLElement {
    const select = h(
      'select',
      { id: 'lang' },
      h('option', { value: 'nl', text: 'Nederlands', selected: this.lang === 'nl' }),
      h('option', { value: 'en', text: 'English', selected: this.lang === 'en' }),
    )
    select.addEventListener('change', () => {
      this.lang = select.value === 'en' ? 'en' : 'nl'
      this.t = STRINGS[this.lang]
      document.documentElement.lang = this.lang
      after()
    })
    return h('div', { class: 'lang' }, h('label', { for: 'lang', text: this.t.language }), select)
  }

  private renderShell(): void {
    const t = this.t
    const me = this.me!
    clear(this.root)
    document.title = t.title
    const orgName = this.regions.get(me.org)?.shortName ?? me.org
    const signOutButton = h('button', { type: 'button', class: 'quiet', text: t.signOut })
    signOutButton.addEventListener('click', () => this.askSignOut(signOutButton))
    const sound = h('input', { type: 'checkbox', id: 'sound', checked: this.sound })
    sound.addEventListener('change', () => (this.sound = sound.checked))
    this.statusBox = h('div', { class: 'availability' })
    this.announcer = h('div', { class: 'sr-only', 'aria-live': 'polite', role: 'status' })
    const header = h(
      'header',
      { class: 'top' },
      h('h1', { text: t.title }),
      h('p', { class: 'who', text: `${me.name} · ${me.role === 'supervisor' ? t.roleSupervisor : me.role === 'national' ? t.roleNational : t.roleAdvisor} · ${orgName}` }),
      this.statusBox,
      h('div', { class: 'sound' }, sound, h('label', { for: 'sound', text: t.sound })),
      this.langSelect(() => this.rerender()),
      signOutButton,
    )
    this.lockBox = h('div', { class: 'lock', hidden: true })
    if (me.role === 'national') {
      this.statusBox.remove()
      header.querySelector('.sound')?.remove()
      this.nationalBox = h('section', { class: 'national', 'aria-labelledby': 'national-title' })
      this.shell = h(
        'div',
        { class: 'shell' },
        header,
        h('main', { class: 'work national-work' }, this.nationalBox, this.reportSection()),
      )
      this.root.append(this.shell, this.lockBox, this.announcer)
      this.renderNational()
      document.addEventListener('keydown', this.onKey)
      return
    }
    this.queueBox = h('section', { class: 'queue', 'aria-labelledby': 'queue-title' })
    this.chatsBox = h('section', { class: 'chats', 'aria-labelledby': 'chats-title' })
    this.superBox = me.role === 'supervisor' ? h('section', { class: 'super', 'aria-labelledby': 'super-title' }) : null
    this.shell = h(
      'div',
      { class: 'shell' },
      header,
      h(
        'main',
        { class: 'work' },
        this.queueBox,
        h('div', { class: 'right' }, this.superBox, me.role === 'supervisor' ? this.reportSection() : null, this.chatsBox),
      ),
    )
    this.root.append(this.shell, this.lockBox, this.announcer)
    this.renderStatus()
    this.renderQueue()
    this.renderSupervisor()
    this.renderChats()
    document.addEventListener('keydown', this.onKey)
  }

  private rerender(): void {
    document.removeEventListener('keydown', this.onKey)
    for (const view of this.views.values()) view.detach()
    this.renderShell()
  }

  private activeChats(): Session[] {
    return [...this.mine.values()].filter((s) => s.state === 'active')
  }

  // With chats still running, signing out asks first: going offline hands
  // them back to the front of their queues at once (advisor_lost).
  private askSignOut(button: HTMLButtonElement): void {
    const active = this.activeChats().length
    if (!active) return void this.signOut()
    const t = this.t
    const yes = h('button', { type: 'button', class: 'primary small', text: t.signOutAnyway })
    const no = h('button', { type: 'button', class: 'small', text: t.cancel })
    const row = h('div', { class: 'confirm', role: 'group', 'aria-label': t.signOut }, h('span', { text: t.signOutActive(active) }), yes, no)
    button.replaceWith(row)
    yes.focus()
    yes.addEventListener('click', () => void this.signOut())
    no.addEventListener('click', () => {
      row.replaceWith(button)
      button.focus()
    })
  }

  private async signOut(): Promise<void> {
    try {
      if (this.status !== 'offline' || this.activeChats().length) {
        await this.deps.api.call('availability', { status: 'offline' })
      }
    } catch {
      // ignore: the tick sets a silent advisor offline after 2 minutes and
      // hands their chats on then
    }
    for (const s of this.subs) s()
    this.subs = []
    for (const view of this.views.values()) view.stop()
    this.views.clear()
    await signOut(this.deps.auth).catch(() => undefined)
    // A fresh page: no listener, cache or chat text survives in memory.
    clear(this.root)
    location.replace(location.href.split('#')[0]!)
  }

  // --- availability and heartbeat ----------------------------------------------

  private renderStatus(): void {
    const box = this.statusBox
    if (!box) return
    const t = this.t
    clear(box)
    const group = h('fieldset', { class: 'segmented' }, h('legend', { class: 'sr-only', text: t.availability }))
    for (const status of ['online', 'paused', 'offline'] as const) {
      const id = `status-${status}`
      const input = h('input', { type: 'radio', name: 'status', id, value: status, checked: this.status === status })
      input.addEventListener('change', () => {
        if (status === 'offline' && this.activeChats().length) this.askOffline(box)
        else void this.changeAvailability(status, this.capacity)
      })
      group.append(h('span', { class: `seg seg-${status}` }, input, h('label', { for: id, text: t[status] })))
    }
    const cap = h('select', { id: 'capacity' })
    for (let i = 1; i <= 5; i++) cap.append(h('option', { value: i, text: String(i), selected: i === this.capacity }))
    cap.addEventListener('change', () => void this.changeAvailability(this.status, Number(cap.value)))
    box.append(group, h('span', { class: 'cap' }, h('label', { for: 'capacity', text: t.capacity }), cap))
  }

  // Offline with chats running hands them to colleagues: ask first.
  private askOffline(box: HTMLElement): void {
    const t = this.t
    const yes = h('button', { type: 'button', class: 'primary small', text: t.offlineAnyway })
    const no = h('button', { type: 'button', class: 'small', text: t.cancel })
    const row = h('div', { class: 'confirm', role: 'group', 'aria-label': t.offline }, h('span', { text: t.offlineActive(this.activeChats().length) }), yes, no)
    box.append(row)
    yes.focus()
    yes.addEventListener('click', () => void this.changeAvailability('offline', this.capacity))
    no.addEventListener('click', () => {
      this.renderStatus()
      this.statusBox?.querySelector<HTMLInputElement>(`#status-${this.status}`)?.focus()
    })
  }

  private async changeAvailability(status: 'online' | 'paused' | 'offline', capacity: number): Promise<void> {
    this.localChangeAt = Date.now()
    try {
      await this.deps.api.call('availability', { status, capacity })
      this.localChangeAt = Date.now()
      this.setStatus(status, capacity, true)
    } catch (err) {
      this.announce(err instanceof ApiError ? err.message : this.t.error)
      this.renderStatus()
    }
  }

  private setStatus(status: 'online' | 'paused' | 'offline', capacity: number, force: boolean): void {
    const changed = status !== this.status || capacity !== this.capacity
    this.status = status
    this.capacity = capacity
    if (changed || force) this.renderStatus()
    if (status === 'offline') {
      if (this.heartbeat !== null) window.clearTimeout(this.heartbeat)
      this.heartbeat = null
    } else if (this.heartbeat === null) {
      this.scheduleHeartbeat(30)
    }
  }

  private scheduleHeartbeat(seconds: number): void {
    this.heartbeat = window.setTimeout(async () => {
      this.heartbeat = null
      if (this.status === 'offline' || !this.me) return
      let next: number
      try {
        const answer = await this.deps.api.call<{ nextInSeconds?: number }>('heartbeat', {})
        next = answer.nextInSeconds ?? 30
      } catch (err) {
        if (err instanceof ApiError && err.code === 'advisor_offline') {
          this.setStatus('offline', this.capacity, true)
          return
        }
        next = 10
      }
      // The status may have changed while the call was under way.
      if ((this.status as string) !== 'offline' && this.heartbeat === null) this.scheduleHeartbeat(next)
    }, seconds * 1000)
  }

  // --- queue ----------------------------------------------------------------------

  private renderQueue(): void {
    const box = this.queueBox
    if (!box) return
    const t = this.t
    const now = Date.now()
    const seen = new Set<string>()
    const all = [...this.queue, ...this.offered].filter((s) => !seen.has(s.id) && seen.add(s.id))
    all.sort((a, b) => Number(!!b.urgent) - Number(!!a.urgent) || (millis(a.queuedAt) ?? 0) - (millis(b.queuedAt) ?? 0))
    const focusedId = (document.activeElement as HTMLElement | null)?.dataset?.session
    clear(box)
    box.append(h('h2', { id: 'queue-title', text: `${t.queue} (${all.length})` }))
    if (!all.length) {
      box.append(h('p', { class: 'empty', text: t.queueEmpty }))
      return
    }
    const list = h('ul', { class: 'queue-list' })
    for (const s of all) {
      const answers = Object.entries(s.answers ?? {})
        .map(([k, v]) => t.answers[k]?.[v] ?? '')
        .filter(Boolean)
        .join(', ')
      const accept = h('button', { type: 'button', class: 'primary small', 'data-session': s.id, text: t.accept })
      accept.setAttribute('aria-label', `${t.accept}: ${s.nickname ?? ''}`)
      accept.addEventListener('click', () => void this.accept(s.id, accept))
      list.append(
        h(
          'li',
          { class: s.urgent ? 'q urgent' : 'q', 'data-session': s.id },
          h(
            'div',
            { class: 'q-head' },
            s.urgent ? h('span', { class: 'badge danger', text: t.urgentBadge }) : null,
            h('strong', { class: 'nick', text: s.nickname ?? '' }),
            h('span', { class: 'wait', text: t.waiting(minutesSince(s.queuedAt, now)) }),
          ),
          h(
            'div',
            { class: 'q-meta' },
            `${s.ageBand ?? ''} · ${t.gender[s.gender ?? 'unspecified'] ?? ''} · ${this.regionName(s.region)}`,
            s.org !== this.me?.org ? h('span', { class: 'tag', text: ` · ${t.offered}` }) : null,
          ),
          s.urgentReason === 'in_danger' ? h('div', { class: 'q-danger', text: t.inDanger }) : null,
          answers ? h('div', { class: 'q-answers', text: answers }) : null,
          accept,
        ),
      )
    }
    box.append(list)
    if (focusedId) list.querySelector<HTMLButtonElement>(`button[data-session="${CSS.escape(focusedId)}"]`)?.focus()
  }

  private async accept(sessionId: string, button: HTMLButtonElement): Promise<void> {
    button.disabled = true
    // Accepting needs the advisor online; going online may already assign this
    // very chat (the oldest, or an urgent one first), so then "taken" is fine.
    const wentOnline = this.status !== 'online'
    try {
      if (wentOnline) await this.changeAvailability('online', this.capacity)
      await this.deps.api.call('accept', { sessionId })
    } catch (err) {
      button.disabled = false
      if (wentOnline && err instanceof ApiError && err.code === 'already_taken') return
      this.announce(err instanceof ApiError ? err.message : this.t.error)
    }
  }

  announce(text: string): void {
    if (!this.announcer) return
    this.announcer.textContent = ''
    window.setTimeout(() => {
      if (this.announcer) this.announcer.textContent = text
    }, 50)
  }

  // --- chats ---------------------------------------------------------------------

  // Running chats, and ended ones still to register: those this page saw
  // running, or that ended in the last 30 minutes (after a reload) and have
  // no registration yet.
  private visibleChats(): Session[] {
    const recent = Date.now() - 30 * 60_000
    return [...this.mine.values()]
      .filter(
        (s) =>
          (s.seq ?? 0) > (this.dismissed.get(s.id) ?? -1) &&
          (s.state === 'active' ||
            (s.state === 'ended' &&
              !s.registered &&
              (this.views.has(s.id) || (millis(s.endedAt) ?? 0) >= recent)) ||
            this.savedHere.has(s.id)),
      )
      .sort((a, b) => this.arrivedAt(a) - this.arrivedAt(b))
  }

  private arrivedAt(s: Session): number {
    return this.arrived.get(s.id) ?? millis(s.assignedAt) ?? 0
  }

  private syncChats(): void {
    const visible = this.visibleChats()
    const ids = new Set(visible.map((s) => s.id))
    for (const [id, view] of this.views) {
      if (!ids.has(id)) {
        view.stop()
        this.views.delete(id)
        this.arrived.delete(id)
      }
    }
    const fresh: Session[] = []
    for (const s of visible) {
      const view = this.views.get(s.id)
      if (view) view.update(s)
      else {
        this.views.set(s.id, new ChatView(this, s))
        this.arrived.set(s.id, this.chatsLoaded ? Date.now() : this.arrivedAt(s))
        if (s.state === 'active') fresh.push(s)
      }
    }
    this.renderChats()
    // A chat assigned while the console runs (not the ones found at sign-in).
    if (this.chatsLoaded && fresh.length) {
      this.announce(fresh.map((s) => this.t.newChat(s.nickname ?? '')).join(' '))
      if (this.sound) beep()
    }
    this.chatsLoaded = true
  }

  private renderChats(): void {
    const box = this.chatsBox
    if (!box) return
    const t = this.t
    const visible = this.visibleChats().filter((s) => this.views.has(s.id))
    // Keep the panels' DOM (drafts, focus, scroll): only reorder.
    let title = box.querySelector('#chats-title')
    if (!title) {
      title = h('h2', { id: 'chats-title', class: 'sr-only' })
      box.append(title)
    }
    title.textContent = t.chats
    let hint = box.querySelector<HTMLElement>('.keys')
    if (!hint) {
      hint = h('p', { class: 'keys hint', 'aria-hidden': 'true' })
      box.insertBefore(hint, title.nextSibling)
    }
    hint.textContent = t.sendHint
    hint.hidden = !this.visibleChats().length
    let grid = box.querySelector<HTMLElement>('.chat-grid')
    if (!grid) {
      grid = h('div', { class: 'chat-grid' })
      box.append(grid)
    }
    let empty = box.querySelector<HTMLElement>('.empty')
    if (!visible.length) {
      if (!empty) {
        empty = h('p', { class: 'empty' })
        box.insertBefore(empty, grid)
      }
      empty.textContent = t.noChats
    } else {
      empty?.remove()
    }
    grid.dataset.count = String(visible.length)
    visible.forEach((s, i) => {
      const view = this.views.get(s.id)!
      view.setNumber(i + 1)
      const el = view.element()
      if (grid!.children[i] !== el) grid!.insertBefore(el, grid!.children[i] ?? null)
    })
    for (const child of [...grid.children]) {
      if (!visible.some((s) => this.views.get(s.id)?.element() === child)) child.remove()
    }
    this.updateTitle()
  }

  updateTitle(): void {
    let unread = 0
    for (const v of this.views.values()) unread += v.unread
    document.title = unread ? `(${unread}) ${this.t.title}` : this.t.title
  }

  // A dismissed chat stays away until its timeline moves on (seq grows): a
  // chat taken from us and later handed back shows again.
  dismiss(sessionId: string): void {
    this.dismissed.set(sessionId, this.mine.get(sessionId)?.seq ?? 0)
    this.savedHere.delete(sessionId)
    this.syncChats()
  }

  lost(sessionId: string): void {
    const nickname = this.mine.get(sessionId)?.nickname ?? ''
    this.dismiss(sessionId)
    this.announce(this.t.chatGone(nickname))
  }

  markSaved(sessionId: string, saved: boolean): void {
    if (saved) this.savedHere.add(sessionId)
    else this.savedHere.delete(sessionId)
  }

  private onKey = (e: KeyboardEvent): void => {
    if (this.locked) return
    if (e.altKey && !e.ctrlKey && /^Digit[1-9]$/.test(e.code)) {
      const n = Number(e.code.slice(5))
      const visible = this.visibleChats()
      const s = visible[n - 1]
      if (s) {
        e.preventDefault()
        this.views.get(s.id)?.focus()
      }
    }
  }

  // --- helpers for the chat views -----------------------------------------------

  get strings(): Strings {
    return this.t
  }

  get language(): Lang {
    return this.lang
  }

  get api(): Api {
    return this.deps.api
  }

  get db(): Firestore {
    return this.deps.db
  }

  get soundOn(): boolean {
    return this.sound
  }

  get standardTexts(): StandardText[] {
    return this.texts
  }

  get self(): { uid: string; org: string; role: string } {
    return this.me!
  }

  /** Colleagues who can receive a chat now (the functions require them online). */
  colleagues(exclude: string | null | undefined): Advisor[] {
    return [...this.advisors.values()]
      .filter((a) => a.id !== exclude && a.status === 'online')
      .sort((a, b) => (a.displayName ?? '').localeCompare(b.displayName ?? ''))
  }

  otherOrgs(): Region[] {
    return [...this.regions.values()].filter((r) => r.id !== this.me?.org).sort((a, b) => a.shortName.localeCompare(b.shortName))
  }

  fill(body: string, s: Session): string {
    const region = s.region ? this.regions.get(s.region) : undefined
    const me = this.me!
    const orgName = this.regions.get(me.org)?.shortName ?? this.advisors.get(me.uid)?.orgName ?? me.org
    const local = (region?.referrals ?? []).map((r) => `- ${r.name}${r.phone ? ` (${r.phone})` : ''}`).join('\n')
    return body
      .replaceAll('{regio}', region?.shortName ?? this.regionName(s.region))
      .replaceAll('{organisatie}', orgName)
      .replaceAll('{lokale_hulp}', local)
      .replaceAll('{telefoon}', '0800 2000')
  }

  // --- supervisor -----------------------------------------------------------------

  private renderSupervisor(): void {
    const box = this.superBox
    const me = this.me
    if (!box || !me) return
    const t = this.t
    const now = Date.now()
    const today = startOfToday()
    const waiting = this.orgSessions.filter((s) => s.state === 'waiting')
    const longest = waiting.reduce((m, s) => Math.max(m, minutesSince(s.queuedAt, now)), 0)
    const team = [...this.advisors.values()].sort((a, b) => (a.displayName ?? '').localeCompare(b.displayName ?? ''))
    const online = team.filter((a) => a.status === 'online' || a.status === 'paused')
    const isToday = (s: Session) => (millis(s.assignedAt) ?? 0) >= today
    // Fall-back keeps the chat in its region's org (another org answers);
    // a transfer moves it to the other org's queue (transferredFrom says whence)
    // and leaves us a `transfers` record, one per chat.
    const handedOut =
      countToday(
        this.orgSessions.filter((s) => s.advisorOrg && s.advisorOrg !== me.org),
        isToday,
      ) + this.transfersOut.filter((x) => x.toOrg !== me.org && (millis(x.at) ?? 0) >= today).length
    const handedIn = countToday(
      [
        ...this.answeredByUs.filter((s) => s.org !== me.org),
        ...this.orgSessions.filter((s) => s.transferredFrom && s.transferredFrom !== me.org),
      ],
      isToday,
    )
    const all = new Map<string, Session>()
    for (const s of [...this.orgSessions, ...this.answeredByUs]) all.set(s.id, s)
    const active = [...all.values()].filter((s) => s.state === 'active')
    const urgent = [...all.values()].filter((s) => s.urgent && s.state !== 'ended')
    const fresh = urgent.filter((s) => !this.urgentSeen.has(s.id))
    this.urgentSeen = new Set(urgent.map((s) => s.id))
    if (fresh.length) {
      this.announce(fresh.map((s) => t.urgentAlert(s.nickname ?? '', s.advisorName ?? t.queue)).join(' '))
      if (this.sound) beep()
    }
    const focusedId = (document.activeElement as HTMLElement | null)?.id

    clear(box)
    box.append(h('h2', { id: 'super-title', text: t.supervisor }))
    const stat = (label: string, value: string, id: string) =>
      h('div', { class: 'stat' }, h('span', { class: 'stat-label', id: `${id}-l`, text: label }), h('strong', { 'aria-describedby': `${id}-l`, 'data-stat': id, text: value }))
    box.append(
      h(
        'div',
        { class: 'stats' },
        stat(t.queueLength, String(waiting.length), 'queue'),
        stat(t.longestWait, t.minutes(longest), 'longest'),
        stat(t.advisorsOnline, String(online.length), 'online'),
        stat(t.handedOut, String(handedOut), 'out'),
        stat(t.handedIn, String(handedIn), 'in'),
      ),
      h('p', { class: 'note', text: t.handedNote }),
    )
    const urgentBox = h('div', { class: urgent.length ? 'urgent-list alerting' : 'urgent-list', role: 'region', 'aria-labelledby': 'urgent-title' }, h('h3', { id: 'urgent-title', text: t.urgentChats }))
    if (!urgent.length) urgentBox.append(h('p', { class: 'empty', text: t.noUrgent }))
    else {
      const ul = h('ul')
      for (const s of urgent)
        ul.append(
          h('li', { class: 'urgent-item' }, h('span', { class: 'badge danger', text: t.urgentBadge }), ` ${s.nickname ?? ''} · ${this.regionName(s.region)} · ${s.advisorName ?? t.queue}`),
        )
      urgentBox.append(ul)
    }
    box.append(urgentBox)

    const teamList = h('ul', { class: 'team' })
    for (const a of team)
      teamList.append(
        h('li', {}, h('span', { class: `dot dot-${a.status ?? 'offline'}`, 'aria-hidden': 'true' }), `${a.displayName ?? a.id} · ${t[a.status ?? 'offline']} · ${t.load(a.activeCount ?? 0, a.capacity ?? 3)}`),
      )
    box.append(h('h3', { text: t.team }), teamList)

    if (active.length) {
      const table = h(
        'table',
        { class: 'active' },
        h('caption', { text: t.activeChats }),
        h(
          'thead',
          {},
          h('tr', {}, ...[t.nicknameCol, t.regionCol, t.advisorCol, t.sinceCol, t.takeOver, t.reassign].map((c) => h('th', { scope: 'col', text: c }))),
        ),
      )
      const tbody = h('tbody')
      for (const s of active) {
        const take = h('button', { type: 'button', class: 'small', id: `take-${s.id}`, text: t.takeOver, disabled: s.advisorUid === me.uid })
        take.setAttribute('aria-label', `${t.takeOver}: ${s.nickname ?? ''}`)
        take.addEventListener('click', () => void this.superTransfer(s.id, me.uid, take))
        const select = h('select', { id: `assign-${s.id}` })
        select.setAttribute('aria-label', `${t.reassign}: ${s.nickname ?? ''}`)
        for (const a of this.colleagues(s.advisorUid)) select.append(h('option', { value: a.id, text: a.displayName ?? a.id }))
        // The overview is redrawn on every change: keep what the supervisor picked.
        const picked = this.assignChoice.get(s.id)
        if (picked && [...select.options].some((o) => o.value === picked)) select.value = picked
        select.addEventListener('change', () => this.assignChoice.set(s.id, select.value))
        const go = h('button', { type: 'button', class: 'small', text: t.assign })
        go.setAttribute('aria-label', `${t.assign}: ${s.nickname ?? ''}`)
        go.addEventListener('click', () => void this.superTransfer(s.id, select.value, go))
        const assign = select.options.length ? [select, go] : [h('span', { class: 'note', text: t.noColleague })]
        tbody.append(
          h(
            'tr',
            {},
            h('td', {}, s.urgent ? h('span', { class: 'badge danger', text: t.urgentBadge }) : null, ` ${s.nickname ?? ''}`),
            h('td', { text: this.regionName(s.region) }),
            h('td', { text: s.advisorName ?? '' }),
            h('td', { text: t.minutes(minutesSince(s.assignedAt, now)) }),
            h('td', {}, take),
            h('td', {}, ...assign),
          ),
        )
      }
      table.append(tbody)
      box.append(table)
    }
    if (focusedId) document.getElementById(focusedId)?.focus()
  }

  private async superTransfer(sessionId: string, toAdvisor: string, button: HTMLButtonElement): Promise<void> {
    button.disabled = true
    try {
      await this.deps.api.call('transfer', { sessionId, toAdvisor })
    } catch (err) {
      this.announce(err instanceof ApiError ? err.message : this.t.error)
    } finally {
      button.disabled = false
    }
  }

  // --- national view and figures ------------------------------------------------

  private async loadStatus(): Promise<void> {
    try {
      const { regions } = await this.deps.api.get<{ regions: RegionStatus[] }>('status')
      this.board = regions
      this.renderNational()
    } catch {
      // keep the last board
    }
  }

  private renderNational(): void {
    const box = this.nationalBox
    if (!box) return
    const t = this.t
    clear(box)
    box.append(h('h2', { id: 'national-title', text: t.national }))
    const waiting = this.board.reduce((n, r) => n + r.queueLength, 0)
    const online = this.board.reduce((n, r) => n + r.advisorsOnline, 0)
    box.append(
      h(
        'div',
        { class: 'stats' },
        h('div', { class: 'stat' }, h('span', { class: 'stat-label', text: t.queueLength }), h('strong', { 'data-stat': 'queue', text: String(waiting) })),
        h('div', { class: 'stat' }, h('span', { class: 'stat-label', text: t.advisorsOnline }), h('strong', { 'data-stat': 'online', text: String(online) })),
      ),
      h('p', { class: 'note', text: t.nationalNote }),
    )
    const table = h(
      'table',
      { class: 'active board' },
      h('caption', { class: 'sr-only', text: t.national }),
      h('thead', {}, h('tr', {}, ...[t.regionCol, t.openCol, t.queueLength, t.advisorsOnline, t.waitCol].map((c) => h('th', { scope: 'col', text: c })))),
    )
    const tbody = h('tbody')
    for (const r of [...this.board].sort((a, b) => b.queueLength - a.queueLength || a.name.localeCompare(b.name))) {
      tbody.append(
        h(
          'tr',
          { 'data-region': r.id },
          h('th', { scope: 'row', text: this.regionName(r.id) }),
          h('td', { text: r.open ? t.yes : t.no }),
          h('td', { text: String(r.queueLength) }),
          h('td', { text: String(r.advisorsOnline) }),
          h('td', { text: r.estimatedWaitMinutes === null ? '–' : t.minutes(r.estimatedWaitMinutes) }),
        ),
      )
    }
    table.append(tbody)
    box.append(table)
  }

  /** Figures from GET /api/report: own region (supervisor) or any / all (national). */
  private reportSection(): HTMLElement {
    const t = this.t
    const me = this.me!
    const out = h('div', { class: 'report-out', 'aria-live': 'polite' })
    // Only whole calendar months that are over: the API refuses other ranges,
    // since two overlapping ones would give small counts by subtraction.
    const range = h('select', { id: 'report-range' }, ...pastMonths(12).map((first) => h('option', { value: first, text: t.monthName(first) })))
    const controls = h('div', { class: 'report-controls' }, h('label', { for: 'report-range', text: t.range }), range)
    let org: HTMLSelectElement | null = null
    if (me.role === 'national') {
      org = h('select', { id: 'report-org' }, h('option', { value: '', text: t.allRegions }))
      for (const r of [...this.regions.values()].sort((a, b) => a.shortName.localeCompare(b.shortName))) org.append(h('option', { value: r.id, text: r.shortName }))
      controls.append(h('label', { for: 'report-org', text: t.regionCol }), org)
    }
    const show = h('button', { type: 'button', class: 'small', text: t.show })
    controls.append(show)
    const load = async () => {
      const first = new Date(`${range.value}T12:00:00`)
      const params = new URLSearchParams({ from: range.value, to: localDate(new Date(first.getFullYear(), first.getMonth() + 1, 1)) })
      if (org?.value) params.set('org', org.value)
      show.disabled = true
      clear(out)
      out.append(h('p', { class: 'note', text: t.saving }))
      try {
        const [report, figures] = await Promise.all([this.deps.api.get<Report>(`report?${params}`), import('./figures')])
        clear(out)
        figures.renderFigures(out, report, t)
      } catch (err) {
        clear(out)
        out.append(h('p', { class: 'error', text: err instanceof ApiError ? err.message : t.error }))
      } finally {
        show.disabled = false
      }
    }
    show.addEventListener('click', () => void load())
    const details = h('details', { class: 'report' }, h('summary', { text: t.figures }), controls, out)
    details.addEventListener('toggle', () => {
      if (details.open && !out.firstChild) void load()
    })
    return h('section', { class: 'report-box', 'aria-label': t.figures }, details)
  }

  // --- idle lock -----------------------------------------------------------------

  private startIdleLock(): void {
    const touch = () => {
      if (!this.locked) this.lastInput = Date.now()
    }
    for (const type of ['keydown', 'pointerdown', 'wheel', 'touchstart']) document.addEventListener(type, touch, { capture: true, passive: true })
    this.lastInput = Date.now()
    this.timers.push(
      window.setInterval(() => {
        if (!this.locked && Date.now() - this.lastInput >= this.deps.idleMinutes * 60_000) this.lock()
      }, 1000),
    )
  }

  private lock(message = ''): void {
    if (!this.shell || !this.lockBox || !this.me) return
    this.locked = true
    const t = this.t
    this.shell.hidden = true
    this.shell.inert = true
    const box = this.lockBox
    clear(box)
    const password = h('input', { id: 'unlock-password', type: 'password', autocomplete: 'current-password' })
    const error = h('p', { class: 'error', role: 'alert', text: message })
    const form = h(
      'form',
      { class: 'signin' },
      h('p', { text: t.lockedText }),
      h('p', { class: 'who', text: this.me.email }),
      h('div', { class: 'field' }, h('label', { for: 'unlock-password', text: t.password }), password),
      error,
      h('button', { type: 'submit', class: 'primary', text: t.unlock }),
    )
    const signOutButton = h('button', { type: 'button', class: 'quiet', text: t.signOut })
    signOutButton.addEventListener('click', () => void this.signOut())
    const page = h('main', { class: 'signin-page' }, h('h1', { text: t.locked }), form, signOutButton)
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      const user = this.deps.auth.currentUser
      if (!user || !this.me) return
      // With a second factor enrolled, re-authenticating asks for its code too.
      this.factor
        .reauthenticate(user, this.me.email, password.value, page)
        .then(() => this.unlock())
        .catch((err: unknown) => {
          const said = err instanceof Cancelled ? '' : err instanceof SecondFactorError ? t.mfa[err.problem] : t.unlockFailed
          if (!form.isConnected) return this.lock(said)
          error.textContent = said
          password.value = ''
          password.focus()
        })
    })
    box.append(page)
    box.hidden = false
    password.focus()
  }

  private unlock(): void {
    if (!this.shell || !this.lockBox) return
    this.locked = false
    this.lastInput = Date.now()
    clear(this.lockBox)
    this.lockBox.hidden = true
    this.shell.hidden = false
    this.shell.inert = false
    const first = this.visibleChats()[0]
    if (first) this.views.get(first.id)?.focus()
  }

  get isLocked(): boolean {
    return this.locked
  }
}

// One chat on screen: its label, presence, timeline, composer, actions, and
// after the end the anonymous registration.
class ChatView {
  private root: HTMLElement | null = null
  private log: HTMLElement | null = null
  private composer: HTMLTextAreaElement | null = null
  private labelEl: HTMLElement | null = null
  private unreadEl: HTMLElement | null = null
  private presenceEl: HTMLElement | null = null
  private alertEl: HTMLElement | null = null
  private noteEl: HTMLElement | null = null
  private actionsEl: HTMLElement | null = null
  private footer: HTMLElement | null = null
  private messages: Message[] = []
  private seen = new Set<string>()
  private unsub: Unsubscribe | null = null
  private loaded = false
  private draft = ''
  private number = 1
  private saved = false
  unread = 0

  constructor(
    private readonly app: ConsoleApp,
    private session: Session,
  ) {
    const q = query(collection(app.db, 'sessions', session.id, 'messages'), unexpired(), orderBy('seq'))
    this.unsub = listenMetered(
      'timeline',
      q,
      (snap) => {
        const added: Message[] = []
        for (const change of snap.docChanges()) {
          if (change.type !== 'added' || this.seen.has(change.doc.id)) continue
          this.seen.add(change.doc.id)
          added.push({ id: change.doc.id, ...change.doc.data() } as Message)
        }
        added.sort((a, b) => a.seq - b.seq)
        this.messages.push(...added)
        this.messages.sort((a, b) => a.seq - b.seq)
        for (const m of added) this.appendMessage(m)
        if (this.loaded && added.some((m) => m.sender === 'visitor')) this.cue(added.filter((m) => m.sender === 'visitor').length)
        this.loaded = true
        // Nothing follows the end but the rewrite of every message's expiry,
        // which would cost a read per message and show nothing new.
        if (added.some((m) => m.kind === 'system' && m.event === 'ended')) {
          this.unsub?.()
          this.unsub = null
        }
      },
      (err) => {
        // The chat was taken over or transferred: its timeline is no longer
        // ours. (The my-chats listener does not always drop a document the
        // reader lost access to, so this is what closes the panel.)
        if (err.code === 'permission-denied') this.app.lost(this.session.id)
        else console.warn('timeline listener failed', err.code)
      },
    )
  }

  stop(): void {
    this.unsub?.()
    this.unsub = null
    this.root?.remove()
  }

  detach(): void {
    if (this.composer) this.draft = this.composer.value
    this.root = null
  }

  setNumber(n: number): void {
    this.number = n
    this.renderLabel()
  }

  element(): HTMLElement {
    if (!this.root) this.build()
    return this.root!
  }

  focus(): void {
    if (this.composer && !this.composer.disabled && this.session.state === 'active') this.composer.focus()
    else this.root?.querySelector<HTMLElement>('input, button')?.focus()
  }

  update(s: Session): void {
    const before = this.session
    this.session = s
    if (!this.root) return
    this.renderLabel()
    this.renderPresence()
    this.renderAlert(before.urgent !== s.urgent)
    this.renderNote()
    if (before.state !== s.state) this.renderFooter()
    this.renderActions()
  }

  private get t(): Strings {
    return this.app.strings
  }

  private build(): void {
    const t = this.t
    const s = this.session
    this.labelEl = h('h3', { class: 'chat-label', id: `label-${s.id}` })
    this.unreadEl = h('span', { class: 'unread', hidden: true })
    this.presenceEl = h('p', { class: 'presence', role: 'status' })
    this.alertEl = h('div', { class: 'guidance', hidden: true })
    this.noteEl = h('p', { class: 'transfer-note', hidden: true })
    this.actionsEl = h('div', { class: 'actions' })
    this.log = h('div', { class: 'log', role: 'log', 'aria-labelledby': `label-${s.id}`, tabindex: 0 })
    this.footer = h('div', { class: 'footer' })
    this.root = h(
      'section',
      { class: 'chat', 'data-session': s.id, 'aria-labelledby': `label-${s.id}` },
      h('header', { class: 'chat-head' }, this.labelEl, this.unreadEl, this.presenceEl, this.actionsEl),
      this.alertEl,
      this.noteEl,
      this.log,
      this.footer,
    )
    this.root.addEventListener('focusin', () => this.clearUnread())
    this.root.addEventListener('pointerdown', () => this.clearUnread())
    for (const m of this.messages) this.appendMessage(m)
    this.renderLabel()
    this.renderPresence()
    this.renderAlert(false)
    this.renderNote()
    this.renderActions()
    this.renderFooter()
    void t
  }

  private renderLabel(): void {
    if (!this.labelEl) return
    const s = this.session
    const at = s.assignedAt instanceof Timestamp ? s.assignedAt.toDate() : new Date()
    const time = new Intl.DateTimeFormat(this.app.language, { hour: '2-digit', minute: '2-digit' }).format(at)
    this.labelEl.textContent = this.t.chatLabel(this.number, s.nickname ?? '', this.app.regionName(s.region), time)
    if (this.unreadEl) {
      this.unreadEl.hidden = this.unread === 0
      this.unreadEl.textContent = this.t.unread(this.unread)
    }
    this.root?.classList.toggle('has-unread', this.unread > 0)
    this.root?.classList.toggle('is-urgent', !!s.urgent)
    this.root?.classList.toggle('is-ended', s.state === 'ended')
  }

  private renderPresence(): void {
    if (!this.presenceEl) return
    const p = this.session.state === 'ended' ? 'gone' : (this.session.visitorPresence ?? 'connected')
    this.presenceEl.className = `presence presence-${p}`
    this.presenceEl.textContent = this.session.state === 'ended' ? this.t.events.ended! : (this.t.presence[p] ?? p)
  }

  private renderAlert(changed: boolean): void {
    if (!this.alertEl) return
    const on = !!this.session.urgent
    this.alertEl.hidden = !on
    clear(this.alertEl)
    if (on) {
      this.alertEl.append(h('strong', { text: `${this.t.urgentOn}. ` }), this.t.guidance112)
      if (changed) this.app.announce(this.t.guidance112)
    }
  }

  private renderNote(): void {
    if (!this.noteEl) return
    const s = this.session
    this.noteEl.hidden = !s.transferNote
    clear(this.noteEl)
    if (s.transferNote) this.noteEl.append(h('strong', { text: this.t.noteFrom(s.transferNoteBy ?? '') }), ` ${s.transferNote}`)
  }

  private renderActions(): void {
    const box = this.actionsEl
    if (!box) return
    const t = this.t
    const s = this.session
    clear(box)
    if (s.state !== 'active') return
    const nick = s.nickname ?? ''
    const urgent = h('button', { type: 'button', class: 'danger small', 'aria-pressed': s.urgent ? 'true' : 'false', text: t.urgent })
    urgent.setAttribute('aria-label', `${t.urgent}: ${nick}`)
    urgent.addEventListener('click', () => void this.act(urgent, () => this.app.api.call('urgent', { sessionId: s.id, urgent: !this.session.urgent })))
    const transfer = h('button', { type: 'button', class: 'small', text: t.transfer })
    transfer.setAttribute('aria-label', `${t.transfer}: ${nick}`)
    transfer.addEventListener('click', () => this.openTransfer())
    const end = h('button', { type: 'button', class: 'small', text: t.end })
    end.setAttribute('aria-label', `${t.end}: ${nick}`)
    end.addEventListener('click', () => this.confirmEnd(end))
    box.append(urgent, transfer, end)
  }

  private confirmEnd(end: HTMLButtonElement): void {
    const t = this.t
    const box = this.actionsEl!
    const yes = h('button', { type: 'button', class: 'primary small', text: t.end })
    const no = h('button', { type: 'button', class: 'small', text: t.cancel })
    const row = h('div', { class: 'confirm', role: 'group', 'aria-label': t.endConfirm }, h('span', { text: t.endConfirm }), yes, no)
    end.replaceWith(row)
    yes.focus()
    no.addEventListener('click', () => this.renderActions())
    yes.addEventListener('click', () => void this.act(yes, () => this.app.api.call('end', { sessionId: this.session.id })))
    void box
  }

  private openTransfer(): void {
    const t = this.t
    const s = this.session
    const dialog = h('dialog', { class: 'transfer', 'aria-labelledby': `tr-${s.id}` })
    const colleagues = this.app.colleagues(this.app.self.uid)
    const orgs = this.app.otherOrgs()
    const toAdvisor = h('input', { type: 'radio', name: `target-${s.id}`, id: `to-adv-${s.id}`, value: 'advisor', checked: colleagues.length > 0, disabled: !colleagues.length })
    const toOrg = h('input', { type: 'radio', name: `target-${s.id}`, id: `to-org-${s.id}`, value: 'org', checked: !colleagues.length })
    const advisorSelect = h('select', { id: `tr-adv-${s.id}` }, ...colleagues.map((a) => h('option', { value: a.id, text: a.displayName ?? a.id })))
    const orgSelect = h('select', { id: `tr-org-${s.id}` }, ...orgs.map((r) => h('option', { value: r.id, text: r.shortName })))
    const note = h('textarea', { id: `tr-note-${s.id}`, rows: 3, maxlength: 500 })
    const error = h('p', { class: 'error', role: 'alert' })
    const submit = h('button', { type: 'submit', class: 'primary', text: t.transfer })
    const cancel = h('button', { type: 'button', text: t.cancel })
    const form = h(
      'form',
      { method: 'dialog' },
      h('h3', { id: `tr-${s.id}`, text: `${t.transferTitle}: ${s.nickname ?? ''}` }),
      h('fieldset', {}, h('legend', { class: 'sr-only', text: t.transferTitle }),
        h('div', { class: 'field' }, h('span', { class: 'choice' }, toAdvisor, h('label', { for: `to-adv-${s.id}`, text: t.toColleague })),
          h('label', { for: `tr-adv-${s.id}`, class: 'sr-only', text: t.colleague }), advisorSelect),
        h('div', { class: 'field' }, h('span', { class: 'choice' }, toOrg, h('label', { for: `to-org-${s.id}`, text: t.toOrg })),
          h('label', { for: `tr-org-${s.id}`, class: 'sr-only', text: t.organisation }), orgSelect)),
      h('div', { class: 'field' }, h('label', { for: `tr-note-${s.id}`, text: t.note }), note),
      error,
      h('div', { class: 'row' }, submit, cancel),
    )
    advisorSelect.addEventListener('change', () => (toAdvisor.checked = true))
    orgSelect.addEventListener('change', () => (toOrg.checked = true))
    cancel.addEventListener('click', () => dialog.close())
    dialog.addEventListener('close', () => dialog.remove())
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      const body: Record<string, unknown> = { sessionId: s.id, note: note.value.trim() }
      if (toAdvisor.checked) body.toAdvisor = advisorSelect.value
      else body.toOrg = orgSelect.value
      submit.disabled = true
      this.app.api
        .call('transfer', body)
        .then(() => {
          dialog.close()
          this.app.lost(s.id)
        })
        .catch((err: unknown) => {
          submit.disabled = false
          error.textContent = err instanceof ApiError ? err.message : t.error
        })
    })
    dialog.append(form)
    document.body.append(dialog)
    dialog.showModal()
  }

  private async act(button: HTMLButtonElement, call: () => Promise<unknown>): Promise<void> {
    button.disabled = true
    try {
      await call()
    } catch (err) {
      this.app.announce(err instanceof ApiError ? err.message : this.t.error)
    } finally {
      button.disabled = false
    }
  }

  private appendMessage(m: Message): void {
    if (!this.log) return
    const t = this.t
    const at = m.createdAt instanceof Timestamp ? m.createdAt.toDate() : new Date()
    const time = new Intl.DateTimeFormat(this.app.language, { hour: '2-digit', minute: '2-digit' }).format(at)
    if (m.kind === 'system') {
      const what = t.events[m.event ?? ''] ?? m.event ?? ''
      this.log.append(h('div', { class: 'msg system' }, h('span', { class: 'meta', text: time }), ` ${what}${m.advisorName ? ` (${m.advisorName})` : ''}`))
    } else {
      const who = m.sender === 'visitor' ? (this.session.nickname ?? t.visitor) : m.sender === 'advisor' ? (m.advisorName ?? t.you) : t.system
      this.log.append(
        h('div', { class: `msg from-${m.sender}` }, h('span', { class: 'meta', text: `${who} · ${time}` }), h('p', { class: 'text', text: m.text ?? '' })),
      )
    }
    this.log.scrollTop = this.log.scrollHeight
  }

  private cue(n: number): void {
    const active = this.root?.contains(document.activeElement) && document.hasFocus()
    if (active) return
    this.unread += n
    this.renderLabel()
    this.app.updateTitle()
    if (this.app.soundOn) beep()
  }

  private clearUnread(): void {
    if (!this.unread) return
    this.unread = 0
    this.renderLabel()
    this.app.updateTitle()
  }

  // --- footer: composer or registration -----------------------------------------

  private renderFooter(): void {
    const box = this.footer
    if (!box) return
    clear(box)
    if (this.session.state === 'active') box.append(this.buildComposer())
    else if (this.session.state === 'ended') box.append(this.buildRegistration())
  }

  private buildComposer(): HTMLElement {
    const t = this.t
    const s = this.session
    const id = `compose-${s.id}`
    const composer = h('textarea', { id, rows: 2, maxlength: 2000, 'aria-describedby': `hint-${s.id}` })
    composer.value = this.draft
    this.composer = composer
    const send = h('button', { type: 'button', class: 'primary', text: t.send })
    send.setAttribute('aria-label', `${t.send}: ${s.nickname ?? ''}`)
    const error = h('p', { class: 'error', role: 'alert' })
    const picker = h('div', { class: 'picker', hidden: true })
    const doSend = async () => {
      const text = composer.value.trim()
      if (!text) return
      send.disabled = true
      error.textContent = ''
      const messageId = crypto.randomUUID()
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await this.app.api.call('messages', { sessionId: s.id, messageId, text })
          if (composer.value.trim() === text) composer.value = ''
          this.draft = ''
          send.disabled = false
          composer.focus()
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
      send.disabled = false
    }
    send.addEventListener('click', () => void doSend())
    composer.addEventListener('input', () => (this.draft = composer.value))
    composer.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault()
        void doSend()
      } else if ((e.key === 'k' || e.key === 'K') && (e.ctrlKey || e.metaKey)) {
        e.preventDefault()
        this.openPicker(picker, composer)
      } else if (e.key === '/' && composer.value === '') {
        e.preventDefault()
        this.openPicker(picker, composer)
      }
    })
    const textsButton = h('button', { type: 'button', class: 'small quiet', text: t.texts, 'aria-haspopup': 'listbox' })
    textsButton.addEventListener('click', () => this.openPicker(picker, composer))
    return h(
      'div',
      { class: 'composer' },
      picker,
      h('label', { for: id, class: 'sr-only', text: `${t.message}: ${s.nickname ?? ''}` }),
      composer,
      h('div', { class: 'composer-row' }, h('span', { class: 'sr-only', id: `hint-${s.id}`, text: t.sendHint }), textsButton, send),
      error,
    )
  }

  private openPicker(box: HTMLElement, composer: HTMLTextAreaElement): void {
    const t = this.t
    const texts = this.app.standardTexts.slice(0, PICK_KEYS.length)
    clear(box)
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
      composer.focus()
      box.hidden = true
      clear(box)
      // Removing the focused list lets Chrome move focus to the body afterwards.
      window.setTimeout(() => composer.focus(), 0)
    }
    const choose = (i: number) => {
      const text = texts[i]
      if (!text) return
      const filled = this.app.fill(text.body, this.session)
      composer.value = composer.value ? `${composer.value.replace(/\s+$/, '')} ${filled}` : filled
      this.draft = composer.value
      close()
      composer.setSelectionRange(composer.value.length, composer.value.length)
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
      if (!closing && !box.contains(e.relatedTarget as Node | null)) {
        box.hidden = true
        clear(box)
      }
    })
    box.append(h('p', { class: 'hint', text: t.textsHint }), list)
    box.hidden = false
    select(0)
    list.focus()
  }

  private buildRegistration(): HTMLElement {
    const t = this.t
    const s = this.session
    this.composer = null
    if (this.saved || s.registered) return this.buildSaved()
    const form = h('form', { class: 'registration', novalidate: true, 'aria-labelledby': `reg-${s.id}` })
    form.append(h('h4', { id: `reg-${s.id}`, text: t.registration }), h('p', { class: 'note', text: t.ended }))
    const errors = new Map<string, HTMLElement>()
    for (const field of REG_FIELDS) {
      const legendId = `${field.key}-${s.id}`
      const err = h('p', { class: 'error', id: `${legendId}-err` })
      errors.set(field.key, err)
      const fs = h('fieldset', { class: `reg-${field.key}`, 'aria-describedby': `${legendId}-err` }, h('legend', { id: legendId, text: t[field.key] as string }))
      for (const value of field.values) {
        const id = `${field.key}-${value}-${s.id}`
        fs.append(
          h(
            'span',
            { class: 'choice' },
            h('input', { type: field.multi ? 'checkbox' : 'radio', name: `${field.key}-${s.id}`, id, value }),
            h('label', { for: id, text: t.choices[field.key]?.[value] ?? value }),
          ),
        )
      }
      fs.append(err)
      fs.addEventListener('change', () => (err.textContent = ''))
      form.append(fs)
    }
    const submit = h('button', { type: 'submit', class: 'primary', text: t.save })
    const formError = h('p', { class: 'error', role: 'alert' })
    form.append(formError, submit)
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      const body: Record<string, unknown> = { sessionId: s.id }
      let first: HTMLElement | null = null
      for (const field of REG_FIELDS) {
        const checked = [...form.querySelectorAll<HTMLInputElement>(`input[name="${field.key}-${s.id}"]:checked`)].map((i) => i.value)
        const err = errors.get(field.key)!
        err.textContent = checked.length ? '' : t.required
        if (!checked.length && !first) first = form.querySelector<HTMLElement>(`input[name="${field.key}-${s.id}"]`)
        body[field.key] = field.multi ? checked : checked[0]
      }
      if (first) {
        first.focus()
        return
      }
      submit.disabled = true
      submit.textContent = t.saving
      formError.textContent = ''
      // The session's `registered` may arrive before the answer: keep the panel.
      this.app.markSaved(s.id, true)
      this.app.api
        .call('register', body)
        .then(() => {
          this.saved = true
          this.renderFooter()
          this.footer?.querySelector<HTMLElement>('button')?.focus()
        })
        .catch((err: unknown) => {
          this.app.markSaved(s.id, false)
          submit.disabled = false
          submit.textContent = t.save
          formError.textContent = err instanceof ApiError ? err.message : t.error
        })
    })
    return form
  }

  private buildSaved(): HTMLElement {
    const close = h('button', { type: 'button', class: 'primary', text: this.t.close })
    close.addEventListener('click', () => this.app.dismiss(this.session.id))
    return h('div', { class: 'saved' }, h('p', { role: 'status', class: 'ok', text: this.t.saved }), close)
  }
}

function localDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/** The first days of the last `n` calendar months that are over, the latest first (local dates). */
function pastMonths(n: number): string[] {
  const now = new Date()
  return Array.from({ length: n }, (_, i) => localDate(new Date(now.getFullYear(), now.getMonth() - 1 - i, 1)))
}

let audio: AudioContext | null = null
function beep(): void {
  try {
    audio ??= new AudioContext()
    const osc = audio.createOscillator()
    const gain = audio.createGain()
    osc.frequency.value = 660
    gain.gain.value = 0.05
    osc.connect(gain).connect(audio.destination)
    osc.start()
    osc.stop(audio.currentTime + 0.12)
  } catch {
    // No audio: the visual marker remains.
  }
}
