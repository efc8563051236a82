// Every Arabic text of the widget; same keys as nl.ts. Right to left (the
// panel gets dir="rtl", i18n/languages.ts). Phrased without the visitor's
// gender where Arabic allows it (verbal nouns for buttons, "يمكنك" in
// sentences). Not yet checked by a native speaker (meta; docs/languages.md).
//
// Left-to-right pieces sit in isolates so the bidi algorithm cannot reorder
// them: phone numbers and key combinations in a left-to-right isolate
// (U+2066 … U+2069; "0800 2000" would otherwise read "2000 0800"), names and
// organisations, which may be written either way, in a first-strong isolate
// (U+2068 … U+2069).
import { launcher, PHONE_AR as PHONE } from './launcher-ar'
import type { PackMeta } from './languages'
import type { Strings } from './nl'

const ltr = (text: string): string => `\u2066${text}\u2069`
const iso = (text: string): string => `\u2068${text}\u2069`

export const meta: PackMeta = {
  checkedByNativeSpeaker: false,
  note: 'Draft translation from the Dutch and English (issue 18); a native speaker should check tone, the gender-neutral phrasing and the counted forms (minutes).',
}

export const ar: Strings = {
  ...launcher,
  lang: 'ar',
  // dates and times; Latin digits, like the codes and phone numbers
  locale: 'ar-u-nu-latn',
  languageLabel: 'اللغة',

  panelTitle: 'دردشة مع Veilig Thuis',
  minimise: 'تصغير الدردشة',
  escHint: 'نصيحة: للخروج بسرعة، يمكنك الضغط على Esc مرتين.',
  danger112: 'في خطر؟ الاتصال بالرقم 112',
  loading: 'لحظة من فضلك…',
  networkError: 'لا يوجد اتصال. نحاول مرة أخرى.',
  proofWorking: 'لحظة من فضلك: المتصفح يبدأ الدردشة بأمان. قد يستغرق ذلك أحيانًا نصف دقيقة.',

  rulesHeading: 'أهلًا بك في دردشة Veilig Thuis',
  rulesIntro:
    'هنا يمكنك طلب النصيحة حول العنف المنزلي وإساءة معاملة الأطفال، دون كشف هويتك. لنفسك، أو بسبب القلق على شخص آخر.',
  rulesList: [
    `هنا يمكنك الحصول على نصيحة. لا يمكن تقديم بلاغ رسمي عبر الدردشة. يمكن ذلك عبر الهاتف: ${PHONE}.`,
    'الدردشة مجهولة الهوية 100%. يمكنك استخدام اسم مستعار، وليس اسمك الحقيقي.',
    'هل أنت في خطر الآن؟ يمكنك الاتصال فورًا بالرقم 112.',
    'لا يبقى شيء من الدردشة على هذا الجهاز.',
  ],
  rulesStart: 'بدء الدردشة',
  rulesHaveCode: 'لدي رمز للعودة إلى محادثتي',

  safeHeading: 'هل يمكنك الدردشة بأمان الآن؟',
  safeIntro: 'هل يراقبك أحد، أو قد يدخل أحد؟ عندها يمكنك فعل ما يلي:',
  safeList: [
    'الضغط على «خروج سريع» أو على Esc مرتين. تُغلق الدردشة وتظهر صفحة موقع آخر.',
    'الضغط على «إيقاف مؤقت». تختفي الدردشة لكنها لا تُغلق. عند العودة يظهر كل شيء من جديد.',
    'في خطر؟ الاتصال بالرقم 112.',
  ],
  safeTipHeading: 'نصيحة: استخدام نافذة خاصة',
  safeTip:
    'زر «خروج سريع» لا يستطيع مسح سجل المتصفح. من يستخدم هاتفك أو حاسوبك قد يرى هذا الموقع في السجل. في النافذة الخاصة لا يتذكر المتصفح المواقع التي تتم زيارتها.',
  safeTipHow: 'طريقة فتح نافذة خاصة',
  safeTipSteps: [
    'على الهاتف: فتح المتصفح، ثم الضغط على النقاط الثلاث أو على زر علامات التبويب، ثم اختيار «علامة تبويب جديدة للتصفح المتخفي» أو «خاص».',
    // no parentheses around the Latin browser names: in a right-to-left line they pair up wrongly
    `على الحاسوب: في Chrome أو Edge أو Safari الضغط على ${ltr('Ctrl + Shift + N')}، وفي Firefox الضغط على ${ltr('Ctrl + Shift + P')}. على Mac: استخدام Cmd بدلًا من Ctrl.`,
    'فتح هذا الموقع في النافذة الخاصة. عند الانتهاء: إغلاق النافذة الخاصة.',
  ],

  closedHeading: 'الدردشة مغلقة الآن',
  closedText: `يمكنك دائمًا الاتصال بـ Veilig Thuis مجانًا ودون كشف هويتك: ${PHONE}. ليلًا ونهارًا.`,
  closedOpensAt: (when: string) => `تفتح الدردشة من جديد: ${iso(when)}.`,
  closedHours: 'أوقات عمل الدردشة (باللغة الهولندية)',
  callVT: `الاتصال بالرقم ${PHONE}`,

  intakeHeading: 'بعض الأسئلة أولًا',
  intakeIntro: 'نسأل بعض الأسئلة لنوصلك بالمنطقة المناسبة. تبقى هويتك مجهولة.',
  required: '(إلزامي)',
  optional: '(يمكن تخطيه)',
  nickname: 'اسم مستعار',
  nicknameHint: 'ليس اسمك الحقيقي.',
  age: 'العمر',
  gender: 'أنا',
  genderWoman: 'امرأة أو فتاة',
  genderMan: 'رجل أو فتى',
  genderOther: 'غير ذلك',
  genderUnspecified: 'أفضّل عدم القول',
  whereHeading: 'أين مكان سكنك؟',
  wherePostcode: 'سأكتب الرمز البريدي',
  whereRegion: 'سأختار منطقتي',
  postcode: 'الأرقام الأربعة من رمزك البريدي',
  postcodeHint: 'مثلًا 3511. الأرقام فقط.',
  region: 'المنطقة',
  regionChoose: 'اختيار المنطقة',
  inDanger: 'هل أنت في خطر الآن؟',
  yes: 'نعم',
  no: 'لا',
  dangerNow:
    'هل أنت في خطر الآن؟ يمكنك الاتصال فورًا بالرقم 112. الاتصال غير ممكن؟ يمكنك بدء الدردشة، وسنساعدك بأسرع ما يمكن.',
  dangerCall: 'الاتصال بالرقم 112',
  about: 'عمّ يدور سؤالك؟',
  aboutMyself: 'عن نفسي',
  aboutSomeoneElse: 'عن شخص آخر',
  aboutChild: 'عن طفل',
  aboutOther: 'شيء آخر',
  firstContact: 'هل هذا أول تواصل لك مع Veilig Thuis؟',
  firstYes: 'نعم',
  firstNo: 'لا',
  firstUnknown: 'لا أعرف',
  intakeSubmit: 'إلى الدردشة',
  intakeBack: 'رجوع',
  errorsHeading: 'يُرجى النظر مرة أخرى في هذه الأسئلة:',
  errNickname: 'يُرجى كتابة اسم مستعار (30 حرفًا على الأكثر).',
  errNicknameUrl: 'لا يمكن أن يحتوي الاسم المستعار على عنوان موقع إنترنت.',
  errAge: 'يُرجى كتابة العمر بالأرقام، مثلًا 15.',
  errAgeRange: 'يُرجى كتابة عمر بين 6 و120.',
  errGender: 'يُرجى اختيار ما يناسبك. «أفضّل عدم القول» ممكن أيضًا.',
  errPostcode: 'يُرجى كتابة الأرقام الأربعة من الرمز البريدي، مثلًا 3511.',
  errRegion: 'يُرجى اختيار المنطقة.',
  busy: (seconds: number) =>
    `هناك ضغط كبير الآن. يُرجى المحاولة مرة أخرى بعد قليل (عدد الدقائق: ${Math.max(1, Math.ceil(seconds / 60))})، أو الاتصال مجانًا بالرقم ${PHONE}.`,

  resumeHeading: 'العودة إلى محادثتك',
  resumeIntro: 'يُرجى كتابة الرمز الذي ظهر عند بدء الدردشة.',
  resumeCode: 'رمزك',
  resumeHint: `مثلًا ${ltr('K7QM-3XHP-2RTA')}. الأحرف الكبيرة أو الصغيرة لا تهم.`,
  resumeSubmit: 'متابعة',
  resumeInvalid: 'هذا الرمز غير صحيح. الرمز فيه 12 حرفًا ورقمًا.',
  resumeUnknown: `لا نعرف هذا الرمز، أو أن المحادثة انتهت. يمكنك بدء دردشة جديدة، أو الاتصال مجانًا بالرقم ${PHONE}.`,
  resumeBusy: 'محاولات كثيرة جدًا. يُرجى الانتظار قليلًا ثم المحاولة مرة أخرى.',
  codeBoxHeading: 'رمزك للعودة',
  codeBoxText:
    'يُرجى كتابة هذا الرمز أو حفظه في الذاكرة. هل أُغلقت الصفحة بالخطأ؟ يمكنك فتح الدردشة من جديد واختيار «لدي رمز». لا نحفظ شيئًا على هذا الجهاز.',
  codeBoxWarning:
    'تنبيه: من يملك هذا الرمز يستطيع قراءة المحادثة كلها ومتابعتها. يُرجى حفظه في مكان لا يجده فيه أحد غيرك.',
  resumedNote: 'فُتحت المحادثة بالرمز في علامة تبويب أخرى أو على جهاز آخر.',

  waitingHeading: 'أنت في قائمة الانتظار',
  waitingPosition: (n: number) => (n === 1 ? 'دورك هو التالي.' : `رقمك في قائمة الانتظار: ${n}.`),
  waitingEstimate: (m: number) =>
    m <= 1 ? 'نتوقع أن يستغرق ذلك دقيقة واحدة على الأكثر.' : `وقت الانتظار المتوقع (عدد الدقائق): ${m} تقريبًا.`,
  waitingUnknown: 'لا نعرف بعد كم سيستغرق ذلك. يمكنك الاستمرار في الانتظار بهدوء.',
  waitingConnecting: 'نبحث لك عن مستشار.',
  waitingReadHeading: 'ماذا يحدث في الدردشة؟',
  waitingRead: [
    'مستشار من Veilig Thuis يقرأ سؤالك ويفكر معك.',
    'يمكنك السؤال عن أي شيء. لا يوجد سؤال صحيح أو خاطئ.',
    'القرار لك في ما تريد قوله. لا حاجة لذكر اسمك.',
    `الحديث أسهل من الكتابة؟ الاتصال مجاني بالرقم ${PHONE}، ليلًا ونهارًا.`,
  ],
  afterHours: `أُغلقت الدردشة في هذه الأثناء. يبقى مكانك في قائمة الانتظار ما دام هناك مستشار. يمكنك أيضًا الاتصال مجانًا: ${PHONE}.`,
  urgentNote: 'حسب إجابتك، أنت في خطر. يمكنك الاتصال بالرقم 112 إن أمكن. سنساعدك بأسرع ما يمكن.',
  stopWaiting: 'إيقاف الانتظار',

  chatWith: (name: string, org: string) => `تتحدث الآن مع ${iso(name)}، ${iso(org)}`,
  chatFallback: (region: string) => `يساعدك هذا المستشار نيابةً عن Veilig Thuis ${iso(region)}.`,
  advisorLost: (name: string) =>
    `انقطع الاتصال مع ${iso(name)}. سيتابع زميل المحادثة. لا حاجة لفعل أي شيء.`,
  transferredTo: (name: string, org: string) =>
    `تستمر محادثتك مع ${iso(name)}، ${iso(org)}. كل ما كُتب محفوظ.`,
  transferredToOrg: (org: string) =>
    `تنتقل محادثتك إلى ${iso(org)}. لحظة من فضلك: دورك الأول، وكل ما كُتب محفوظ.`,
  you: 'أنت',
  advisor: 'المستشار',
  messagesLabel: 'الرسائل',
  messageLabel: 'رسالتك',
  send: 'إرسال',
  sending: 'جارٍ الإرسال',
  sent: 'أُرسلت',
  failed: 'لم تُرسل',
  retry: 'إعادة الإرسال',
  tooFast: 'رسائل كثيرة في وقت قصير. سنرسلها بعد قليل.',
  sendError: 'تعذّر إرسال هذه الرسالة.',
  messageTooLong: 'يمكن أن تحتوي الرسالة على 2000 حرف على الأكثر.',
  endChat: 'إنهاء المحادثة',
  endConfirm: 'هل تريد فعلًا إنهاء المحادثة؟',
  endYes: 'نعم، إنهاء',
  endNo: 'لا، متابعة',
  at: (time: string) => `الساعة ${ltr(time)}`,

  endedHeading: 'انتهت المحادثة',
  endedByAdvisor: 'أنهى المستشار المحادثة.',
  endedByVisitor: 'أُنهيت المحادثة من جهتك.',
  endedBySystem: 'توقفت المحادثة.',
  closedHereHeading: 'الدردشة مغلقة هنا',
  endedElsewhere: `فُتحت هذه الدردشة بالرمز على جهاز آخر أو في علامة تبويب أخرى، لذلك أُغلقت هنا. لم يكن ذلك أنت؟ يمكنك الاتصال بـ Veilig Thuis مجانًا ودون كشف هويتك: ${PHONE}.`,
  endedMore: `هل هناك سؤال آخر أو بلاغ؟ يمكنك الاتصال بـ Veilig Thuis مجانًا ودون كشف هويتك: ${PHONE}. ليلًا ونهارًا.`,
  moreHelp: 'مزيد من المساعدة',
  moreHelpSite: 'مزيد من المعلومات على veiligthuis.nl',
  newChat: 'بدء دردشة جديدة',
  close: 'إغلاق',

  // feedback
  feedbackHeading: 'هل تريد أن تقول شيئًا عن هذه الدردشة؟',
  feedbackIntro: 'إجاباتك مجهولة الهوية. لا أحد يستطيع أن يعرف أنها منك. يمكنك تخطي أي سؤال.',
  feedbackHelpful: 'هل استفدت من هذه الدردشة؟',
  feedbackNextStep: 'هل تعرف ما الذي يمكنك فعله الآن؟',
  feedbackAgain: 'هل ستستخدم هذه الدردشة مرة أخرى؟',
  feedbackYes: 'نعم',
  feedbackPartly: 'قليلًا',
  feedbackNo: 'لا',
  feedbackSend: 'إرسال',
  feedbackSkip: 'تخطٍّ',
  feedbackThanks: 'شكرًا على إجابتك!',
  feedbackFailed: 'لم تُرسل إجابتك. لا بأس بذلك.',

  // routing by language: nobody speaking the visitor's language took the chat in time
  languageUnmatched:
    'لا يوجد الآن مستشار يتحدث لغتك. سيساعدك مستشار يتحدث الهولندية في أقرب وقت ممكن.',

  // signals
  advisorTyping: 'المستشار يكتب الآن…',
  readMark: 'تمت القراءة',
  readMarkLabel: 'قرأ المستشار رسالتك.',
  pause: 'إيقاف مؤقت',
  pauseLabel: 'إيقاف مؤقت: أخفِ الدردشة فورًا (Alt+P)',
  pauseContinue: 'متابعة',

  // no chat left unanswered: the advisor did not write in time, a colleague takes over
  reassigned:
    'لم يتمكن المستشار من الرد الآن. سيساعدك زميل قريبًا. دورك هو التالي. لا حاجة لفعل أي شيء.',
}
