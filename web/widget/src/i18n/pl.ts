// Every Polish text of the widget; same keys as nl.ts. Informal "ty", like the
// Dutch "je", and phrased so no sentence needs the visitor's gender. Not yet
// checked by a native speaker (meta; docs/languages.md).
import { launcher } from './launcher-pl'
import type { PackMeta } from './languages'
import type { Strings } from './nl'

export const meta: PackMeta = {
  checkedByNativeSpeaker: false,
  note: 'Draft translation from the Dutch and English (issue 18); a native speaker should check tone, the form of address (ty) and the gender-neutral phrasing.',
}

export const pl: Strings = {
  ...launcher,
  lang: 'pl',
  locale: 'pl-PL',
  languageLabel: 'Język',

  panelTitle: 'Czat z Veilig Thuis',
  minimise: 'Zmniejsz czat',
  escHint: 'Wskazówka: naciśnij 2 razy Esc, aby szybko wyjść.',
  danger112: 'W niebezpieczeństwie? Zadzwoń pod 112',
  loading: 'Chwileczkę…',
  networkError: 'Brak połączenia. Próbujemy ponownie.',
  proofWorking: 'Chwileczkę: twoja przeglądarka bezpiecznie uruchamia czat. Czasem trwa to pół minuty.',

  rulesHeading: 'Witaj na czacie Veilig Thuis',
  rulesIntro:
    'Tutaj możesz anonimowo zapytać o radę w sprawie przemocy domowej i krzywdzenia dzieci. Dla siebie albo dlatego, że martwisz się o kogoś innego.',
  rulesList: [
    'Tutaj dostajesz poradę. Przez czat nie można złożyć oficjalnego zgłoszenia. Możesz to zrobić telefonicznie: 0800 2000.',
    'Czat jest w 100% anonimowy. Użyj pseudonimu, nie swojego prawdziwego imienia.',
    'Jesteś teraz w niebezpieczeństwie? Od razu zadzwoń pod 112.',
    'Na tym urządzeniu nie zostaje nic z czatu.',
  ],
  rulesStart: 'Rozpocznij czat',
  rulesHaveCode: 'Mam kod, żeby wrócić do mojej rozmowy',

  safeHeading: 'Czy możesz teraz bezpiecznie czatować?',
  safeIntro: 'Czy ktoś patrzy albo może wejść? Wtedy możesz zrobić tak:',
  safeList: [
    'Naciśnij „Szybko wyjdź” albo 2 razy Esc. Czat się zamknie i zobaczysz inną stronę.',
    'Naciśnij „Pauza”. Czat się ukryje, ale nie zamknie. Gdy wrócisz, znowu wszystko zobaczysz.',
    'Jesteś w niebezpieczeństwie? Zadzwoń pod 112.',
  ],
  safeTipHeading: 'Wskazówka: użyj okna prywatnego',
  safeTip:
    '„Szybko wyjdź” nie usuwa historii przeglądarki. Ktoś, kto używa twojego telefonu lub komputera, może zobaczyć tę stronę w historii. W oknie prywatnym przeglądarka nie zapamiętuje, jakie strony odwiedzasz.',
  safeTipHow: 'Jak otworzyć okno prywatne',
  safeTipSteps: [
    'Telefon: otwórz przeglądarkę. Dotknij 3 kropek albo przycisku z kartami. Wybierz „Nowa karta incognito” albo „Prywatne”.',
    'Komputer: naciśnij Ctrl + Shift + N (Chrome, Edge, Safari) albo Ctrl + Shift + P (Firefox). Na Macu: Cmd zamiast Ctrl.',
    'Otwórz tę stronę w oknie prywatnym. Gotowe? Wtedy zamknij okno prywatne.',
  ],

  closedHeading: 'Czat jest teraz zamknięty',
  closedText: 'Zawsze możesz zadzwonić do Veilig Thuis za darmo i anonimowo: 0800 2000. W dzień i w nocy.',
  closedOpensAt: (when: string) => `Czat będzie znowu otwarty: ${when}.`,
  closedHours: 'Godziny otwarcia czatu (po niderlandzku)',
  callVT: 'Zadzwoń: 0800 2000',

  intakeHeading: 'Najpierw kilka pytań',
  intakeIntro: 'Pytamy o kilka rzeczy, żeby połączyć cię z właściwym regionem. Nikt nie dowie się, kim jesteś.',
  required: '(wymagane)',
  optional: '(możesz pominąć)',
  nickname: 'Pseudonim',
  nicknameHint: 'Nie twoje prawdziwe imię.',
  age: 'Wiek',
  gender: 'Jestem',
  genderWoman: 'kobietą lub dziewczyną',
  genderMan: 'mężczyzną lub chłopakiem',
  genderOther: 'inna odpowiedź',
  genderUnspecified: 'wolę nie mówić',
  whereHeading: 'Gdzie mieszkasz?',
  wherePostcode: 'Wpiszę mój kod pocztowy',
  whereRegion: 'Wybiorę mój region',
  postcode: '4 cyfry twojego kodu pocztowego',
  postcodeHint: 'Na przykład 3511. Tylko cyfry.',
  region: 'Region',
  regionChoose: 'Wybierz swój region',
  inDanger: 'Czy jesteś teraz w niebezpieczeństwie?',
  yes: 'Tak',
  no: 'Nie',
  dangerNow:
    'Jesteś teraz w niebezpieczeństwie? Od razu zadzwoń pod 112. Nie możesz zadzwonić? Wtedy rozpocznij czat, pomożemy ci jak najszybciej.',
  dangerCall: 'Zadzwoń pod 112',
  about: 'Czego dotyczy twoje pytanie?',
  aboutMyself: 'mnie',
  aboutSomeoneElse: 'kogoś innego',
  aboutChild: 'dziecka',
  aboutOther: 'czegoś innego',
  firstContact: 'Czy to twój pierwszy kontakt z Veilig Thuis?',
  firstYes: 'tak',
  firstNo: 'nie',
  firstUnknown: 'nie wiem',
  intakeSubmit: 'Przejdź do czatu',
  intakeBack: 'Wstecz',
  errorsHeading: 'Sprawdź jeszcze raz te pytania:',
  errNickname: 'Wpisz pseudonim (najwyżej 30 znaków).',
  errNicknameUrl: 'Pseudonim nie może zawierać adresu internetowego.',
  errAge: 'Wpisz swój wiek cyframi, na przykład 15.',
  errAgeRange: 'Wpisz wiek od 6 do 120.',
  errGender: 'Wybierz, co do ciebie pasuje. „Wolę nie mówić” też jest w porządku.',
  errPostcode: 'Wpisz 4 cyfry swojego kodu pocztowego, na przykład 3511.',
  errRegion: 'Wybierz swój region.',
  busy: (seconds: number) =>
    `Teraz jest bardzo dużo rozmów. Spróbuj ponownie za ${Math.max(1, Math.ceil(seconds / 60))} min albo zadzwoń za darmo: 0800 2000.`,

  resumeHeading: 'Powrót do rozmowy',
  resumeIntro: 'Wpisz kod, który pojawił się na początku czatu.',
  resumeCode: 'Twój kod',
  resumeHint: 'Na przykład K7QM-3XHP-2RTA. Wielkie czy małe litery – to nie ma znaczenia.',
  resumeSubmit: 'Dalej',
  resumeInvalid: 'Ten kod jest niepoprawny. Kod ma 12 liter i cyfr.',
  resumeUnknown:
    'Nie znamy tego kodu albo rozmowa już się skończyła. Rozpocznij nowy czat albo zadzwoń za darmo: 0800 2000.',
  resumeBusy: 'Za dużo prób. Poczekaj chwilę i spróbuj ponownie.',
  codeBoxHeading: 'Twój kod do powrotu',
  codeBoxText:
    'Zapisz ten kod albo go zapamiętaj. Strona zamknęła się przez przypadek? Otwórz czat ponownie i wybierz „Mam kod”. Na tym urządzeniu nic nie zapisujemy.',
  codeBoxWarning:
    'Uwaga: kto ma ten kod, może przeczytać całą rozmowę i pisać dalej. Trzymaj go tam, gdzie nikt inny go nie znajdzie.',
  resumedNote: 'Rozmowę otwarto kodem w innej karcie albo na innym urządzeniu.',

  waitingHeading: 'Czekasz w kolejce',
  waitingPosition: (n: number) => (n === 1 ? 'Twoja kolej jest następna.' : `Twoje miejsce w kolejce: ${n}.`),
  waitingEstimate: (m: number) => (m <= 1 ? 'To potrwa najwyżej minutę.' : `To potrwa około ${m} min.`),
  waitingUnknown: 'Jeszcze nie wiemy, jak długo to potrwa. Możesz spokojnie czekać.',
  waitingConnecting: 'Szukamy dla ciebie doradcy.',
  waitingReadHeading: 'Co dzieje się na czacie?',
  waitingRead: [
    'Doradca Veilig Thuis czyta twoje pytanie i razem z tobą szuka rozwiązania.',
    'Możesz zapytać o wszystko. Nie ma dobrych ani złych pytań.',
    'To ty decydujesz, co powiesz. Nie musisz podawać swojego imienia.',
    'Wolisz porozmawiać? Zadzwoń za darmo: 0800 2000, w dzień i w nocy.',
  ],
  afterHours:
    'Czat jest już zamknięty. Zostajesz w kolejce, dopóki jest jeszcze doradca. Możesz też zadzwonić za darmo: 0800 2000.',
  urgentNote:
    'Według twojej odpowiedzi jesteś w niebezpieczeństwie. Zadzwoń pod 112, jeśli możesz. Pomożemy ci jak najszybciej.',
  stopWaiting: 'Przestań czekać',

  chatWith: (name: string, org: string) => `Rozmawiasz z: ${name}, ${org}`,
  chatFallback: (region: string) => `Ten doradca pomaga ci w imieniu Veilig Thuis ${region}.`,
  advisorLost: (name: string) =>
    `Połączenie z: ${name} zostało przerwane. Rozmowę przejmie ktoś z zespołu. Nie musisz nic robić.`,
  transferredTo: (name: string, org: string) =>
    `Twoja rozmowa jest dalej prowadzona z: ${name}, ${org}. Wszystkie twoje wiadomości są zachowane.`,
  transferredToOrg: (org: string) =>
    `Twoja rozmowa przechodzi do: ${org}. Poczekaj chwilę: twoja kolej jest pierwsza, a wszystkie twoje wiadomości są zachowane.`,
  you: 'Ty',
  advisor: 'Doradca',
  messagesLabel: 'Wiadomości',
  messageLabel: 'Twoja wiadomość',
  send: 'Wyślij',
  sending: 'wysyłanie',
  sent: 'wysłano',
  failed: 'nie wysłano',
  retry: 'Wyślij ponownie',
  tooFast: 'Wysyłasz dużo wiadomości w krótkim czasie. Wyślemy je za chwilę.',
  sendError: 'Nie udało się wysłać tej wiadomości.',
  messageTooLong: 'Wiadomość może mieć najwyżej 2000 znaków.',
  endChat: 'Zakończ rozmowę',
  endConfirm: 'Czy na pewno chcesz zakończyć rozmowę?',
  endYes: 'Tak, zakończ',
  endNo: 'Nie, kontynuuj',
  at: (time: string) => `o ${time}`,

  endedHeading: 'Rozmowa jest zakończona',
  endedByAdvisor: 'Doradca zakończył rozmowę.',
  endedByVisitor: 'Rozmowa została zakończona przez ciebie.',
  endedBySystem: 'Rozmowa została przerwana.',
  closedHereHeading: 'Czat jest tutaj zamknięty',
  endedElsewhere:
    'Ten czat otwarto kodem na innym urządzeniu albo w innej karcie. Dlatego tutaj jest zamknięty. To nie ty? Zadzwoń do Veilig Thuis za darmo i anonimowo: 0800 2000.',
  endedMore:
    'Chcesz jeszcze o coś zapytać albo coś zgłosić? Zadzwoń do Veilig Thuis za darmo i anonimowo: 0800 2000. W dzień i w nocy.',
  moreHelp: 'Więcej pomocy',
  moreHelpSite: 'Więcej informacji na veiligthuis.nl',
  newChat: 'Rozpocznij nowy czat',
  close: 'Zamknij',

  // feedback
  feedbackHeading: 'Chcesz powiedzieć coś o tym czacie?',
  feedbackIntro: 'Twoje odpowiedzi są anonimowe. Nikt nie może zobaczyć, że są od ciebie. Możesz pominąć każde pytanie.',
  feedbackHelpful: 'Czy ten czat ci pomógł?',
  feedbackNextStep: 'Czy wiesz, co możesz teraz zrobić?',
  feedbackAgain: 'Czy skorzystasz z tego czatu jeszcze raz?',
  feedbackYes: 'Tak',
  feedbackPartly: 'Trochę',
  feedbackNo: 'Nie',
  feedbackSend: 'Wyślij',
  feedbackSkip: 'Pomiń',
  feedbackThanks: 'Dziękujemy za odpowiedź!',
  feedbackFailed: 'Twoja odpowiedź nie została wysłana. Nic się nie stało.',

  // routing by language: nobody speaking the visitor's language took the chat in time
  languageUnmatched:
    'W tej chwili nie ma doradcy, który mówi w twoim języku. Doradca mówiący po niderlandzku pomoże ci najszybciej, jak to możliwe.',

  // signals
  advisorTyping: 'Doradca pisze…',
  readMark: 'przeczytane',
  readMarkLabel: 'Twoja wiadomość została przeczytana.',
  pause: 'Pauza',
  pauseLabel: 'Pauza: od razu ukryj czat (Alt+P)',
  pauseContinue: 'Dalej',

  // no chat left unanswered: the advisor did not write in time, a colleague takes over
  reassigned:
    'Twój doradca nie mógł teraz odpowiedzieć. Ktoś z zespołu zaraz ci pomoże. Jesteś na pierwszym miejscu w kolejce. Nie musisz nic robić.',
}
