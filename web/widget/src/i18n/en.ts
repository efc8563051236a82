// Every English text of the widget, in one place; same keys as nl.ts.
import type { PackMeta } from './languages'
import { launcher } from './launcher-en'
import type { Strings } from './nl'

export const meta: PackMeta = {
  checkedByNativeSpeaker: true,
  note: 'Plain English (B1), written by the team next to the Dutch.',
}

export const en: Strings = {
  ...launcher,
  lang: 'en',
  locale: 'en-GB',
  languageLabel: 'Language',


  panelTitle: 'Chat with Veilig Thuis',
  minimise: 'Minimise chat',
  escHint: 'Tip: press Esc twice to leave quickly.',
  danger112: 'In danger? Call 112',
  loading: 'One moment…',
  networkError: 'No connection. We are trying again.',
  proofWorking: 'One moment: your browser is starting the chat safely. This sometimes takes half a minute.',

  rulesHeading: 'Welcome to the Veilig Thuis chat',
  rulesIntro:
    'Here you can ask for advice about domestic violence and child abuse, without giving your name. For yourself, or because you are worried about someone else.',
  rulesList: [
    'You get advice here. You cannot make an official report in the chat. You can do that by phone: 0800 2000.',
    'You are 100% anonymous. Use a nickname, not your real name.',
    'Are you in danger right now? Call 112 straight away.',
    'Nothing of the chat is left on this device.',
  ],
  rulesStart: 'Start the chat',
  rulesHaveCode: 'I have a code to go back to my chat',

  safeHeading: 'Can you chat safely right now?',
  safeIntro: 'Is someone watching, or could someone come in? Then you can do this:',
  safeList: [
    'Press "Leave quickly" or press Esc twice. The chat closes and you see another website.',
    'Press "Pause". The chat is hidden, but it does not close. When you come back, you see everything again.',
    'Are you in danger? Call 112.',
  ],
  safeTipHeading: 'Tip: use a private window',
  safeTip:
    '"Leave quickly" cannot erase your browser\'s history. Someone who uses your phone or computer can then see that you were here. In a private window, the browser does not remember which websites you visit.',
  safeTipHow: 'How to open a private window',
  safeTipSteps: [
    'Phone: open your browser. Tap the 3 dots or the button with the tabs. Choose "New incognito tab" or "Private".',
    'Computer: press Ctrl + Shift + N (Chrome, Edge, Safari) or Ctrl + Shift + P (Firefox). On a Mac: Cmd instead of Ctrl.',
    'Open this website in the private window. Done? Then close the private window.',
  ],

  closedHeading: 'The chat is closed now',
  closedText: 'You can always call Veilig Thuis for free and anonymously: 0800 2000. Day and night.',
  closedOpensAt: (when: string) => `The chat opens again: ${when}.`,
  closedHours: 'Opening hours of the chat (in Dutch)',
  callVT: 'Call 0800 2000',

  intakeHeading: 'A few questions first',
  intakeIntro: 'We ask a few things so we can connect you with the right region. You stay anonymous.',
  required: '(required)',
  optional: '(you may skip this)',
  nickname: 'Nickname',
  nicknameHint: 'Not your real name.',
  age: 'Age',
  gender: 'I am',
  genderWoman: 'a woman or girl',
  genderMan: 'a man or boy',
  genderOther: 'other',
  genderUnspecified: 'I would rather not say',
  whereHeading: 'Where do you live?',
  wherePostcode: 'I will enter my postcode',
  whereRegion: 'I will choose my region',
  postcode: 'The 4 digits of your postcode',
  postcodeHint: 'For example 3511. Only the digits.',
  region: 'Region',
  regionChoose: 'Choose your region',
  inDanger: 'Are you in danger right now?',
  yes: 'Yes',
  no: 'No',
  dangerNow:
    'Are you in danger right now? Call 112 straight away. Cannot call? Then start the chat, we will help you as soon as we can.',
  dangerCall: 'Call 112',
  about: 'What is your question about?',
  aboutMyself: 'about myself',
  aboutSomeoneElse: 'about someone else',
  aboutChild: 'about a child',
  aboutOther: 'something else',
  firstContact: 'Is this your first contact with Veilig Thuis?',
  firstYes: 'yes',
  firstNo: 'no',
  firstUnknown: 'I do not know',
  intakeSubmit: 'Go to the chat',
  intakeBack: 'Back',
  errorsHeading: 'Please look at these questions again:',
  errNickname: 'Enter a nickname (30 characters at most).',
  errNicknameUrl: 'A nickname cannot contain a web address.',
  errAge: 'Enter your age in digits, for example 15.',
  errAgeRange: 'Enter an age between 6 and 120.',
  errGender: 'Choose what fits you. "I would rather not say" is fine too.',
  errPostcode: 'Enter the 4 digits of your postcode, for example 3511.',
  errRegion: 'Choose your region.',
  busy: (seconds: number) =>
    `It is very busy right now. Try again in ${Math.max(1, Math.ceil(seconds / 60))} minute(s), or call 0800 2000 for free.`,

  resumeHeading: 'Back to your chat',
  resumeIntro: 'Enter the code you got when you started the chat.',
  resumeCode: 'Your code',
  resumeHint: 'For example K7QM-3XHP-2RTA. Capitals or small letters do not matter.',
  resumeSubmit: 'Continue',
  resumeInvalid: 'This code is not right. A code has 12 letters and digits.',
  resumeUnknown:
    'We do not know this code, or the chat has already ended. Start a new chat, or call 0800 2000 for free.',
  resumeBusy: 'Too many tries. Please wait a moment and try again.',
  codeBoxHeading: 'Your code to come back',
  codeBoxText:
    'Write this code down or remember it. Did you close the page by accident? Open the chat again and choose "I have a code". We keep nothing on this device.',
  codeBoxWarning:
    'Note: whoever has this code can read the whole chat and continue it. Keep it where nobody else finds it.',
  resumedNote: 'The chat was opened with the code in another tab or on another device.',

  waitingHeading: 'You are in the queue',
  waitingPosition: (n: number) => (n === 1 ? 'You are next.' : `You are number ${n} in the queue.`),
  waitingEstimate: (m: number) =>
    m <= 1 ? 'We expect it to take a minute at most.' : `We expect it to take about ${m} minutes.`,
  waitingUnknown: 'We do not know yet how long it will take. Feel free to keep waiting.',
  waitingConnecting: 'We are finding an advisor for you.',
  waitingReadHeading: 'What happens in the chat?',
  waitingRead: [
    'An advisor of Veilig Thuis reads your question and thinks along with you.',
    'You can ask anything. There is no right or wrong question.',
    'You decide what you tell. You do not have to give your name.',
    'Rather talk? Call 0800 2000 for free, day and night.',
  ],
  afterHours:
    'The chat has closed in the meantime. You stay in the queue while an advisor is still there. You can also call for free: 0800 2000.',
  urgentNote: 'You said you are in danger. Call 112 if you can. We will help you as soon as we can.',
  stopWaiting: 'Stop waiting',

  chatWith: (name: string, org: string) => `You are talking with ${name}, ${org}`,
  chatFallback: (region: string) => `This advisor helps you on behalf of Veilig Thuis ${region}.`,
  advisorLost: (name: string) =>
    `The connection with ${name} was lost. A colleague will take over. You do not need to do anything.`,
  transferredTo: (name: string, org: string) =>
    `Your conversation continues with ${name}, ${org}. Everything you wrote is kept.`,
  transferredToOrg: (org: string) =>
    `Your conversation moves to ${org}. Please wait a moment: you are first in line and everything you wrote is kept.`,
  you: 'You',
  advisor: 'Advisor',
  messagesLabel: 'Messages',
  messageLabel: 'Your message',
  send: 'Send',
  sending: 'sending',
  sent: 'sent',
  failed: 'not sent',
  retry: 'Send again',
  tooFast: 'You are sending many messages quickly. We will send them in a moment.',
  sendError: 'This message could not be sent.',
  messageTooLong: 'A message can be 2000 characters at most.',
  endChat: 'End the chat',
  endConfirm: 'Do you really want to end the chat?',
  endYes: 'Yes, end it',
  endNo: 'No, go on',
  at: (time: string) => `at ${time}`,

  endedHeading: 'The chat has ended',
  endedByAdvisor: 'The advisor has ended the chat.',
  endedByVisitor: 'You have ended the chat.',
  endedBySystem: 'The chat has stopped.',
  closedHereHeading: 'The chat is closed here',
  endedElsewhere:
    'This chat was opened with the code on another device or in another tab, so it is closed here. Was that not you? Call Veilig Thuis for free and anonymously: 0800 2000.',
  endedMore:
    'Do you want to ask something else or make a report? Call Veilig Thuis for free and anonymously: 0800 2000. Day and night.',
  moreHelp: 'More help',
  moreHelpSite: 'More information on veiligthuis.nl',
  newChat: 'Start a new chat',
  close: 'Close',

  // signals
  advisorTyping: 'The advisor is typing…',
  readMark: 'read',
  readMarkLabel: 'The advisor has read your message.',
  pause: 'Pause',
  pauseLabel: 'Pause: hide the chat at once (Alt+P)',
  pauseContinue: 'Continue',

  // feedback
  feedbackHeading: 'Would you like to tell us about this chat?',
  feedbackIntro: 'Your answers are anonymous. Nobody can see that they are yours. You can skip any question.',
  feedbackHelpful: 'Did this chat help you?',
  feedbackNextStep: 'Do you know what you can do now?',
  feedbackAgain: 'Would you use this chat again?',
  feedbackYes: 'Yes',
  feedbackPartly: 'A little',
  feedbackNo: 'No',
  feedbackSend: 'Send',
  feedbackSkip: 'Skip',
  feedbackThanks: 'Thank you for your answer!',
  feedbackFailed: 'Your answer was not sent. That is all right.',

  // routing by language: nobody speaking the visitor's language took the chat in time
  languageUnmatched:
    'Right now there is no advisor who speaks your language. An advisor who speaks Dutch will help you as soon as possible.',

  // no chat left unanswered: the advisor did not write in time, a colleague takes over
  reassigned:
    'Your advisor could not reply just now. A colleague will help you soon. You are first in line. You do not need to do anything.',
}
