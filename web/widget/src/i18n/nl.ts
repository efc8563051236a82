import type { Catalog } from '../../../shared/i18n'
import type { PackMeta } from './languages'
import { launcherNl } from './launcher'

// Every Dutch text of the widget, in one place. Plain language (B1): short
// sentences, "je", no jargon. The English texts in en.ts follow this shape.

export const nl = {
  ...launcherNl,
  lang: 'nl',
  // for dates and times (Intl)
  locale: 'nl-NL',
  // the language menu: each language is listed in its own name (i18n/languages.ts)
  languageLabel: 'Taal / Language',


  // the frame around every view
  panelTitle: 'Chat met Veilig Thuis',
  minimise: 'Chat verkleinen',
  escHint: 'Tip: druk 2 keer op Esc om snel weg te gaan.',
  danger112: 'In gevaar? Bel 112',
  loading: 'Even geduld…',
  networkError: 'Er is geen verbinding. We proberen het opnieuw.',
  proofWorking: 'Even geduld: je browser rekent de chat veilig op gang. Dat duurt soms een halve minuut.',

  // house rules
  rulesHeading: 'Welkom bij de chat van Veilig Thuis',
  rulesIntro:
    'Hier kun je anoniem advies vragen over huiselijk geweld en kindermishandeling. Voor jezelf, of omdat je je zorgen maakt om iemand anders.',
  rulesList: [
    'Je krijgt hier advies. Een officiële melding doen kan niet via de chat. Dat kan wel telefonisch via 0800 2000.',
    'Je bent 100% anoniem. Gebruik een bijnaam, niet je echte naam.',
    'Ben je nu in gevaar? Bel dan direct 112.',
    'Op dit apparaat blijft niets van de chat achter.',
  ],
  rulesStart: 'Start de chat',
  rulesHaveCode: 'Ik heb een code om terug te gaan naar mijn gesprek',

  // chatting safely (on the welcome screen)
  safeHeading: 'Kun je nu veilig chatten?',
  safeIntro: 'Kijkt er iemand mee, of kan er iemand binnenkomen? Dan kun je dit doen:',
  safeList: [
    'Druk op "Snel weg" of 2 keer op Esc. De chat gaat dicht en je ziet een andere website.',
    'Druk op "Pauze". De chat wordt verborgen, maar gaat niet dicht. Kom je terug? Dan zie je alles weer.',
    'Ben je in gevaar? Bel 112.',
  ],
  safeTipHeading: 'Tip: gebruik een privévenster',
  safeTip:
    '"Snel weg" kan de geschiedenis van je browser niet wissen. Wie jouw telefoon of computer gebruikt, kan dan zien dat je hier was. In een privévenster onthoudt de browser niet welke websites je bezoekt.',
  safeTipHow: 'Zo open je een privévenster',
  safeTipSteps: [
    'Telefoon: open je browser. Tik op de 3 puntjes of op de knop met de tabbladen. Kies "Nieuw incognitotabblad" of "Privé".',
    'Computer: druk op Ctrl + Shift + N (Chrome, Edge, Safari) of Ctrl + Shift + P (Firefox). Op een Mac: Cmd in plaats van Ctrl.',
    'Open deze website in het privévenster. Klaar? Sluit dan het privévenster.',
  ],

  // closed
  closedHeading: 'De chat is nu gesloten',
  closedText: 'Je kunt altijd gratis en anoniem bellen met Veilig Thuis: 0800 2000. Dag en nacht.',
  closedOpensAt: (when: string) => `De chat gaat weer open: ${when}.`,
  closedHours: 'Openingstijden van de chat',
  callVT: 'Bel 0800 2000',

  // intake
  intakeHeading: 'Even kennismaken',
  intakeIntro: 'We vragen een paar dingen, zodat we je met de goede regio verbinden. Je blijft anoniem.',
  required: '(verplicht)',
  optional: '(mag je overslaan)',
  nickname: 'Bijnaam',
  nicknameHint: 'Niet je echte naam.',
  age: 'Leeftijd',
  gender: 'Ik ben',
  genderWoman: 'een vrouw of meisje',
  genderMan: 'een man of jongen',
  genderOther: 'anders',
  genderUnspecified: 'zeg ik liever niet',
  whereHeading: 'Waar woon je?',
  wherePostcode: 'Ik vul mijn postcode in',
  whereRegion: 'Ik kies mijn regio',
  postcode: 'De 4 cijfers van je postcode',
  postcodeHint: 'Bijvoorbeeld 3511. Alleen de cijfers.',
  region: 'Regio',
  regionChoose: 'Kies je regio',
  inDanger: 'Ben je nu in gevaar?',
  yes: 'Ja',
  no: 'Nee',
  dangerNow:
    'Ben je nu in gevaar? Bel direct 112. Kun je niet bellen? Start dan de chat, we helpen je zo snel mogelijk.',
  dangerCall: 'Bel 112',
  about: 'Waar gaat je vraag over?',
  aboutMyself: 'over mijzelf',
  aboutSomeoneElse: 'over iemand anders',
  aboutChild: 'over een kind',
  aboutOther: 'iets anders',
  firstContact: 'Is dit je eerste contact met Veilig Thuis?',
  firstYes: 'ja',
  firstNo: 'nee',
  firstUnknown: 'weet ik niet',
  intakeSubmit: 'Naar de chat',
  intakeBack: 'Terug',
  errorsHeading: 'Kijk nog even naar deze vragen:',
  errNickname: 'Vul een bijnaam in (hoogstens 30 tekens).',
  errNicknameUrl: 'Een bijnaam mag geen internetadres bevatten.',
  errAge: 'Vul je leeftijd in met cijfers, bijvoorbeeld 15.',
  errAgeRange: 'Vul een leeftijd in tussen 6 en 120.',
  errGender: 'Kies wat bij je past. "Zeg ik liever niet" mag ook.',
  errPostcode: 'Vul de 4 cijfers van je postcode in, bijvoorbeeld 3511.',
  errRegion: 'Kies je regio.',
  busy: (seconds: number) =>
    `Het is nu erg druk. Probeer het over ${Math.max(1, Math.ceil(seconds / 60))} minuut opnieuw, of bel gratis 0800 2000.`,

  // resume
  resumeHeading: 'Terug naar je gesprek',
  resumeIntro: 'Vul de code in die je kreeg toen je de chat startte.',
  resumeCode: 'Je code',
  resumeHint: 'Bijvoorbeeld K7QM-3XHP-2RTA. Hoofdletters of kleine letters maakt niet uit.',
  resumeSubmit: 'Ga verder',
  resumeInvalid: 'Deze code klopt niet. Een code heeft 12 letters en cijfers.',
  resumeUnknown:
    'Deze code kennen we niet, of het gesprek is al afgelopen. Start een nieuwe chat, of bel gratis 0800 2000.',
  resumeBusy: 'Te veel pogingen. Wacht even en probeer het dan opnieuw.',
  codeBoxHeading: 'Jouw code om terug te komen',
  codeBoxText:
    'Schrijf deze code op of onthoud hem. Sluit je per ongeluk de pagina? Open de chat opnieuw en kies "Ik heb een code". Op dit apparaat bewaren we niets.',
  codeBoxWarning:
    'Let op: wie deze code heeft, kan het hele gesprek lezen en verder chatten. Bewaar hem waar niemand anders hem vindt.',
  resumedNote: 'Het gesprek is met de code geopend in een ander tabblad of op een ander apparaat.',

  // waiting
  waitingHeading: 'Je bent in de rij',
  waitingPosition: (n: number) => (n === 1 ? 'Jij bent de volgende.' : `Je bent nummer ${n} in de rij.`),
  waitingEstimate: (m: number) =>
    m <= 1 ? 'Het duurt naar verwachting hooguit een minuut.' : `Het duurt naar verwachting ongeveer ${m} minuten.`,
  waitingUnknown: 'We weten nog niet hoe lang het duurt. Blijf gerust wachten.',
  waitingConnecting: 'We zoeken een adviseur voor je.',
  waitingReadHeading: 'Wat gebeurt er in de chat?',
  waitingRead: [
    'Een adviseur van Veilig Thuis leest je vraag en denkt met je mee.',
    'Je kunt alles vragen. Er is geen goede of foute vraag.',
    'Je bepaalt zelf wat je vertelt. Je hoeft je naam niet te geven.',
    'Liever praten? Bel gratis 0800 2000, dag en nacht.',
  ],
  afterHours:
    'De chat is inmiddels gesloten. Je blijft in de rij zolang er nog een adviseur is. Je kunt ook gratis bellen: 0800 2000.',
  urgentNote: 'Je hebt gezegd dat je in gevaar bent. Bel 112 als het kan. We helpen je zo snel mogelijk.',
  stopWaiting: 'Stop met wachten',

  // chat
  chatWith: (name: string, org: string) => `Je praat met ${name}, ${org}`,
  chatFallback: (region: string) => `Deze adviseur helpt je namens Veilig Thuis ${region}.`,
  advisorLost: (name: string) =>
    `De verbinding met ${name} is verbroken. Een collega neemt het gesprek over. Je hoeft niets te doen.`,
  transferredTo: (name: string, org: string) =>
    `Je gesprek gaat verder met ${name}, ${org}. Alles wat je schreef is bewaard.`,
  transferredToOrg: (org: string) =>
    `Je gesprek gaat naar ${org}. Even geduld: je staat vooraan en alles wat je schreef is bewaard.`,
  you: 'Jij',
  advisor: 'Adviseur',
  messagesLabel: 'Berichten',
  messageLabel: 'Je bericht',
  send: 'Verstuur',
  sending: 'wordt verstuurd',
  sent: 'verstuurd',
  failed: 'niet verstuurd',
  retry: 'Opnieuw versturen',
  tooFast: 'Je stuurt veel berichten kort na elkaar. We versturen ze zo.',
  sendError: 'Dit bericht kon niet worden verstuurd.',
  messageTooLong: 'Een bericht mag hoogstens 2000 tekens zijn.',
  endChat: 'Gesprek beëindigen',
  endConfirm: 'Wil je het gesprek echt beëindigen?',
  endYes: 'Ja, beëindigen',
  endNo: 'Nee, ga door',
  at: (time: string) => `om ${time}`,

  // ended
  endedHeading: 'Het gesprek is beëindigd',
  endedByAdvisor: 'De adviseur heeft het gesprek beëindigd.',
  endedByVisitor: 'Je hebt het gesprek beëindigd.',
  endedBySystem: 'Het gesprek is gestopt.',
  closedHereHeading: 'De chat is hier gesloten',
  endedElsewhere:
    'Deze chat is op een ander apparaat of tabblad geopend met de code. Hier is de chat daarom gesloten. Was jij dat niet? Bel dan gratis en anoniem met Veilig Thuis: 0800 2000.',
  endedMore:
    'Wil je nog iets vragen of iets melden? Bel gratis en anoniem met Veilig Thuis: 0800 2000. Dag en nacht.',
  moreHelp: 'Meer hulp',
  moreHelpSite: 'Meer informatie op veiligthuis.nl',
  newChat: 'Nieuwe chat starten',
  close: 'Sluiten',

  // signals
  advisorTyping: 'De adviseur is aan het typen…',
  readMark: 'gelezen',
  readMarkLabel: 'De adviseur heeft je bericht gelezen.',
  pause: 'Pauze',
  pauseLabel: 'Pauze: verberg de chat meteen (Alt+P)',
  pauseContinue: 'Verder',

  // feedback
  feedbackHeading: 'Wil je iets zeggen over deze chat?',
  feedbackIntro: 'Je antwoorden zijn anoniem. Niemand kan zien dat ze van jou zijn. Je mag elke vraag overslaan.',
  feedbackHelpful: 'Had je iets aan deze chat?',
  feedbackNextStep: 'Weet je wat je nu kunt doen?',
  feedbackAgain: 'Zou je deze chat nog eens gebruiken?',
  feedbackYes: 'Ja',
  feedbackPartly: 'Een beetje',
  feedbackNo: 'Nee',
  feedbackSend: 'Versturen',
  feedbackSkip: 'Overslaan',
  feedbackThanks: 'Bedankt voor je antwoord!',
  feedbackFailed: 'Je antwoord is niet verstuurd. Dat is niet erg.',

  // routing by language: nobody speaking the visitor's language took the chat in time
  languageUnmatched:
    'Er is nu geen adviseur die jouw taal spreekt. Een adviseur die Nederlands spreekt, helpt je zo snel mogelijk.',

  // no chat left unanswered: the advisor did not write in time, a colleague takes over
  reassigned:
    'Je adviseur kon even niet reageren. Een collega helpt je zo verder. Je bent als eerste aan de beurt. Je hoeft niets te doen.',
} as const

export type Strings = Catalog<typeof nl>

export const meta: PackMeta = {
  checkedByNativeSpeaker: true,
  note: 'The source of every pack: plain Dutch (B1), written by the team.',
}
