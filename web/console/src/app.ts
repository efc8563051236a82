// The advisor console: sign-in, then the screens of the staff member's role
// (advisor, supervisor, national), the idle lock and signing out. Live data
// comes from the Firestore listeners firestore.rules allow (data/), goes into
// the store, and the views draw it; every action goes through the API.
import { signOut, type Auth, type User } from 'firebase/auth'
import type { Firestore, Unsubscribe } from 'firebase/firestore'
import { ApiError, type Api } from './api'
import { listenConsole, listenNotes, listenTimeline } from './data/listeners'
import { clear, h } from '../../shared/dom'
import { STRINGS, type Lang } from './i18n'
import { Cancelled, SecondFactor, SecondFactorError, type SecondFactorMode } from './mfa'
import { Notifier } from './notify'
import { staffFromClaims } from './state/staff'
import { Store, initialState, touches, type ConsoleState, type Key } from './store'
import type { Message, Note, Region } from './types'
import { CareView } from './views/care'
import { ChatsView } from './views/chats'
import { auditSection } from './views/audit'
import { announcer, stringsOf, type Ctx } from './views/common'
import { drawLock, watchInput } from './views/lock'
import { NationalView } from './views/national'
import { QueueView } from './views/queue'
import { regionAdminSection } from './views/regionadmin'
import { reportSection } from './views/report'
import { shell } from './views/shell'
import { signInPage } from './views/signin'
import { StatusView } from './views/status'
import { SupervisorView } from './views/supervisor'

export interface Deps {
  auth: Auth
  db: Firestore
  api: Api
  idleMinutes: number
  lang: Lang
  secondFactor: SecondFactorMode
}

/** The views of a signed-in advisor or supervisor (national: only `national`). */
interface Screens {
  status: StatusView | null
  queue: QueueView | null
  chats: ChatsView | null
  supervisor: SupervisorView | null
  national: NationalView | null
  care: CareView | null
}

export class ConsoleApp {
  private readonly store: Store
  private readonly ctx: Ctx
  private readonly factor: SecondFactor
  private readonly speaker = announcer()
  private readonly notifier = new Notifier(() => this.t)
  private screens: Screens = { status: null, queue: null, chats: null, supervisor: null, national: null, care: null }
  private subs: Unsubscribe[] = []
  private shellEl: HTMLElement | null = null
  private readonly lockBox = h('div', { class: 'lock', hidden: true })
  private lastInput = Date.now()
  /** The idle lock set the advisor on pause (from online): unlocking sets them online again. */
  private pausedByLock = false
  private leaving = false

  constructor(
    private readonly root: HTMLElement,
    private readonly deps: Deps,
  ) {
    this.store = new Store(initialState(deps.lang))
    this.ctx = {
      store: this.store,
      api: deps.api,
      announce: (text) => this.speaker.say(text),
      alert: (kind) => this.notifier.show(kind),
    }
    this.factor = new SecondFactor(deps.auth, deps.secondFactor, () => stringsOf(this.ctx))
    // A disabled account (region admin, `vtchat.admin revoke`): out at its next call.
    deps.api.onRefused = () => {
      if (this.store.state.me && !this.leaving) {
        this.leaving = true
        void this.signOut()
      }
    }
    this.store.subscribe((state, changed) => this.draw(state, changed))
    this.store.subscribe((state, changed) => {
      if (state.me && touches(changed, 'queue', 'offered', 'mine', 'orgSessions')) this.notifier.observe(state)
    })
  }

  start(): void {
    document.documentElement.lang = this.store.state.lang
    this.renderSignIn()
  }

  private get t() {
    return STRINGS[this.store.state.lang]
  }

  // --- sign-in -----------------------------------------------------------------

  private renderSignIn(message = '', notice = ''): void {
    clear(this.root)
    document.title = this.t.title
    this.root.append(
      signInPage({
        t: this.t,
        lang: this.store.state.lang,
        message,
        notice,
        changeLang: (lang) => {
          this.store.set({ lang })
          this.renderSignIn()
        },
        submit: (email, password, page) => this.signIn(email, password, page),
        failed: (err, form, show) => {
          if (err instanceof Cancelled) return this.renderSignIn()
          const said = this.signInError(err)
          // The second factor's screens replaced the form: show it again.
          if (form.isConnected) show(said)
          else this.renderSignIn(said)
        },
      }),
    )
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
    const me = staffFromClaims(claims, user, email)
    if (!me) {
      await signOut(this.deps.auth)
      throw new Error('no_role')
    }
    // The functions' view of this sign-in: where they require a second factor
    // (always in production; VTCHAT_STAFF_SECOND_FACTOR on the emulators) a
    // password alone is refused, before any listener starts.
    const texts = await this.deps.api.get('texts').catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))))
    if (texts instanceof ApiError && texts.code === 'second_factor_required') {
      if (this.factor.mustEnrol(user, true)) return this.enrolAndSignInAgain(user, page, texts.message)
      await signOut(this.deps.auth)
      throw texts
    }
    const regions = await this.deps.api
      .get('regions')
      .then((r) => r.regions)
      .catch(() => [] as Region[]) // names fall back to ids
    this.store.set({ me, regions, texts: texts instanceof Error ? [] : texts.texts })
    // The views with state of their own live as long as the sign-in; the
    // others are built with the frame (renderShell), again on a change of language.
    if (me.role !== 'national') {
      this.screens.status = new StatusView(this.ctx)
      // Supervision (views/watch.ts): a supervisor's read-only timelines and the notes.
      const supervision = {
        timeline: (id: string, added: (m: Message[]) => void, lost: () => void) => listenTimeline(this.deps.db, id, added, lost),
        notes: (id: string, on: (n: Note[]) => void, lost: () => void) => listenNotes(this.deps.db, id, on, lost),
      }
      this.screens.chats = new ChatsView(this.ctx, (id, added, lost) => listenTimeline(this.deps.db, id, added, lost), supervision)
      if (me.role === 'supervisor') this.screens.supervisor = new SupervisorView(this.ctx, supervision)
      this.screens.care = new CareView(this.ctx, () => this.setStatus('paused'))
    }
    this.renderShell()
    document.addEventListener('keydown', this.onKey)
    this.startIdleLock()
    if (me.role === 'national') {
      // No chats and no Firestore access: the public status of every region
      // (polled) and the figures of GET /api/report.
      void this.loadBoard()
      window.setInterval(() => void this.loadBoard(), 5_000)
    } else {
      this.subs = listenConsole(this.deps.db, me, this.store)
      // Waiting times move on without any document changing.
      window.setInterval(() => this.draw(this.store.state, null), 15_000)
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

  private async loadBoard(): Promise<void> {
    try {
      const { regions } = await this.deps.api.get('status')
      this.store.set({ board: regions })
    } catch {
      // keep the last board
    }
  }

  // --- the signed-in screen ------------------------------------------------------

  /** Build the frame and its sections (again after a change of language). */
  private renderShell(): void {
    const { status, chats, supervisor, care } = this.screens
    const me = this.store.state.me!
    const report = me.role === 'advisor' ? null : reportSection(this.ctx)
    const regionAdmin = me.role === 'supervisor' ? regionAdminSection(this.ctx) : null
    // The audit log's export: for the organisation's privacy officer only, whatever the role.
    const audit = me.privacy ? auditSection(this.ctx) : null
    const queue = status ? new QueueView(this.ctx, status) : null
    const national = me.role === 'national' ? new NationalView(this.ctx) : null
    this.screens = { ...this.screens, queue, national }
    supervisor?.relabel()
    const work = national
      ? h('main', { class: 'work national-work' }, national.el, report, audit)
      : h('main', { class: 'work' }, queue?.el, h('div', { class: 'right' }, care?.el, supervisor?.el, report, regionAdmin, audit, chats?.element()))
    clear(this.root)
    document.title = this.t.title
    this.shellEl = shell(this.ctx, {
      status: status?.el ?? null,
      alerts: me.role === 'national' ? null : this.notifier.control(),
      work,
      changeLang: (lang) => {
        this.store.set({ lang })
        this.renderShell()
      },
      running: () => chats?.running() ?? 0,
      signOut: () => void this.signOut(),
    })
    this.root.append(this.shellEl, this.lockBox, this.speaker.el)
    status?.draw()
    this.draw(this.store.state, null)
  }

  /** Tell each view what changed (null: everything, as after a rebuild or on the tick). */
  private draw(state: ConsoleState, changed: ReadonlySet<Key> | null): void {
    if (!state.me || !this.shellEl) return
    const { status, queue, chats, supervisor, national, care } = this.screens
    status?.render(state, changed)
    care?.render(state, changed)
    queue?.render(state, changed)
    supervisor?.render(state, changed)
    if (changed) chats?.render(state, changed)
    if (national && (!changed || changed.has('board'))) national.render(state)
  }

  private onKey = (e: KeyboardEvent): void => {
    if (this.store.state.locked) return
    if (e.altKey && !e.ctrlKey && /^Digit[1-9]$/.test(e.code) && this.screens.chats?.focusNumber(Number(e.code.slice(5)))) e.preventDefault()
  }

  private async signOut(): Promise<void> {
    try {
      const { status, mine } = this.store.state
      if (status !== 'offline' || mine.some((s) => s.state === 'active')) await this.deps.api.call('availability', { status: 'offline' })
    } catch {
      // ignore: the tick sets a silent advisor offline after 2 minutes and
      // hands their chats on then
    }
    for (const s of this.subs) s()
    this.subs = []
    this.screens.status?.stop()
    this.screens.chats?.stop()
    this.screens.supervisor?.stop()
    await signOut(this.deps.auth).catch(() => undefined)
    // A fresh page: no listener, cache or chat text survives in memory.
    clear(this.root)
    location.replace(location.href.split('#')[0]!)
  }

  // --- idle lock -----------------------------------------------------------------

  private startIdleLock(): void {
    watchInput(() => {
      if (!this.store.state.locked) this.lastInput = Date.now()
    })
    this.lastInput = Date.now()
    window.setInterval(() => {
      if (!this.store.state.locked && Date.now() - this.lastInput >= this.deps.idleMinutes * 60_000) this.lock()
    }, 1000)
  }

  private lock(message = ''): void {
    const me = this.store.state.me
    if (!this.shellEl || !me) return
    this.store.set({ locked: true })
    // No new chats behind a locked screen (a failed unlock locks again: once).
    if (this.store.state.status === 'online' && !this.pausedByLock) {
      this.pausedByLock = true
      void this.setStatus('paused')
    }
    this.shellEl.hidden = true
    this.shellEl.inert = true
    drawLock(this.lockBox, {
      t: this.t,
      email: me.email,
      message,
      unlock: async (password, page) => {
        const user = this.deps.auth.currentUser
        if (!user) return
        // With a second factor enrolled, re-authenticating asks for its code too.
        await this.factor.reauthenticate(user, me.email, password, page)
        this.unlock()
      },
      failed: (err, shown) => {
        const said = err instanceof Cancelled ? '' : err instanceof SecondFactorError ? this.t.mfa[err.problem] : this.t.unlockFailed
        if (shown) return said
        this.lock(said)
        return null
      },
      signOut: () => void this.signOut(),
    })
  }

  private unlock(): void {
    if (!this.shellEl) return
    this.store.set({ locked: false })
    if (this.pausedByLock) {
      this.pausedByLock = false
      // Unless they chose otherwise meanwhile (elsewhere, or the tick set them offline).
      if (this.store.state.status === 'paused') void this.setStatus('online')
    }
    this.lastInput = Date.now()
    clear(this.lockBox)
    this.lockBox.hidden = true
    this.shellEl.hidden = false
    this.shellEl.inert = false
    this.screens.chats?.focusFirst()
  }

  private async setStatus(status: 'online' | 'paused'): Promise<void> {
    await this.screens.status?.change(status, this.store.state.capacity)
  }
}
