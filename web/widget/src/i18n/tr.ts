// Every Turkish text of the widget; same keys as nl.ts. Informal "sen", like
// the Dutch "je". Not yet checked by a native speaker (meta; docs/languages.md).
import { launcher } from './launcher-tr'
import type { PackMeta } from './languages'
import type { Strings } from './nl'

export const meta: PackMeta = {
  checkedByNativeSpeaker: false,
  note: 'Draft translation from the Dutch and English (issue 18); a native speaker should check tone and the form of address (sen).',
}

export const tr: Strings = {
  ...launcher,
  lang: 'tr',
  locale: 'tr-TR',
  languageLabel: 'Dil',

  panelTitle: 'Veilig Thuis ile sohbet',
  minimise: 'Sohbeti küçült',
  escHint: 'İpucu: hızlıca çıkmak için Esc tuşuna 2 kez bas.',
  danger112: 'Tehlikede misin? 112’yi ara',
  loading: 'Biraz bekle…',
  networkError: 'Bağlantı yok. Tekrar deniyoruz.',
  proofWorking: 'Biraz bekle: tarayıcın sohbeti güvenli bir şekilde başlatıyor. Bu bazen yarım dakika sürer.',

  rulesHeading: 'Veilig Thuis sohbetine hoş geldin',
  rulesIntro:
    'Burada ev içi şiddet ve çocuk istismarı hakkında anonim olarak tavsiye alabilirsin. Kendin için ya da başka biri için endişelendiğin için.',
  rulesList: [
    'Burada tavsiye alırsın. Sohbette resmi bir bildirim yapamazsın. Bunu telefonla yapabilirsin: 0800 2000.',
    '%100 anonimsin. Gerçek adını değil, bir takma ad kullan.',
    'Şu anda tehlikede misin? Hemen 112’yi ara.',
    'Sohbetten bu cihazda hiçbir şey kalmaz.',
  ],
  rulesStart: 'Sohbeti başlat',
  rulesHaveCode: 'Sohbetime geri dönmek için bir kodum var',

  safeHeading: 'Şu anda güvenle sohbet edebilir misin?',
  safeIntro: 'Biri seni izliyor mu, ya da biri içeri girebilir mi? O zaman şunları yapabilirsin:',
  safeList: [
    '"Hızlı çık" düğmesine bas ya da Esc tuşuna 2 kez bas. Sohbet kapanır ve başka bir web sitesi görürsün.',
    '"Duraklat" düğmesine bas. Sohbet gizlenir ama kapanmaz. Geri geldiğinde her şeyi yeniden görürsün.',
    'Tehlikede misin? 112’yi ara.',
  ],
  safeTipHeading: 'İpucu: gizli pencere kullan',
  safeTip:
    '"Hızlı çık" tarayıcının geçmişini silemez. Telefonunu ya da bilgisayarını kullanan biri burada olduğunu görebilir. Gizli pencerede tarayıcı hangi web sitelerine girdiğini hatırlamaz.',
  safeTipHow: 'Gizli pencere nasıl açılır',
  safeTipSteps: [
    'Telefon: tarayıcını aç. 3 noktaya ya da sekmeler düğmesine dokun. "Yeni gizli sekme" ya da "Gizli" seçeneğini seç.',
    'Bilgisayar: Ctrl + Shift + N (Chrome, Edge, Safari) ya da Ctrl + Shift + P (Firefox) tuşlarına bas. Mac’te Ctrl yerine Cmd kullan.',
    'Bu web sitesini gizli pencerede aç. İşin bitince gizli pencereyi kapat.',
  ],

  closedHeading: 'Sohbet şu anda kapalı',
  closedText: 'Veilig Thuis’i her zaman ücretsiz ve anonim olarak arayabilirsin: 0800 2000. Gece gündüz.',
  closedOpensAt: (when: string) => `Sohbet yeniden açılıyor: ${when}.`,
  closedHours: 'Sohbetin açık olduğu saatler (Felemenkçe)',
  callVT: '0800 2000’i ara',

  intakeHeading: 'Önce birkaç soru',
  intakeIntro: 'Seni doğru bölgeyle buluşturmak için birkaç şey soruyoruz. Anonim kalırsın.',
  required: '(zorunlu)',
  optional: '(boş bırakabilirsin)',
  nickname: 'Takma ad',
  nicknameHint: 'Gerçek adın değil.',
  age: 'Yaş',
  gender: 'Ben',
  genderWoman: 'kadın ya da kız çocuğuyum',
  genderMan: 'erkek ya da erkek çocuğuyum',
  genderOther: 'başka',
  genderUnspecified: 'söylemek istemiyorum',
  whereHeading: 'Nerede yaşıyorsun?',
  wherePostcode: 'Posta kodumu yazacağım',
  whereRegion: 'Bölgemi seçeceğim',
  postcode: 'Posta kodunun 4 rakamı',
  postcodeHint: 'Örneğin 3511. Sadece rakamlar.',
  region: 'Bölge',
  regionChoose: 'Bölgeni seç',
  inDanger: 'Şu anda tehlikede misin?',
  yes: 'Evet',
  no: 'Hayır',
  dangerNow:
    'Şu anda tehlikede misin? Hemen 112’yi ara. Arayamıyor musun? O zaman sohbeti başlat, sana olabildiğince çabuk yardım edeceğiz.',
  dangerCall: '112’yi ara',
  about: 'Sorun ne hakkında?',
  aboutMyself: 'kendim hakkında',
  aboutSomeoneElse: 'başka biri hakkında',
  aboutChild: 'bir çocuk hakkında',
  aboutOther: 'başka bir şey',
  firstContact: 'Veilig Thuis ile ilk kez mi iletişime geçiyorsun?',
  firstYes: 'evet',
  firstNo: 'hayır',
  firstUnknown: 'bilmiyorum',
  intakeSubmit: 'Sohbete git',
  intakeBack: 'Geri',
  errorsHeading: 'Lütfen bu sorulara bir daha bak:',
  errNickname: 'Bir takma ad yaz (en fazla 30 karakter).',
  errNicknameUrl: 'Takma ad bir internet adresi içeremez.',
  errAge: 'Yaşını rakamla yaz, örneğin 15.',
  errAgeRange: '6 ile 120 arasında bir yaş yaz.',
  errGender: 'Sana uyanı seç. "Söylemek istemiyorum" da olur.',
  errPostcode: 'Posta kodunun 4 rakamını yaz, örneğin 3511.',
  errRegion: 'Bölgeni seç.',
  busy: (seconds: number) =>
    `Şu anda çok yoğun. ${Math.max(1, Math.ceil(seconds / 60))} dakika sonra tekrar dene ya da ücretsiz 0800 2000’i ara.`,

  resumeHeading: 'Sohbetine geri dön',
  resumeIntro: 'Sohbeti başlattığında aldığın kodu yaz.',
  resumeCode: 'Kodun',
  resumeHint: 'Örneğin K7QM-3XHP-2RTA. Büyük ya da küçük harf fark etmez.',
  resumeSubmit: 'Devam et',
  resumeInvalid: 'Bu kod doğru değil. Bir kodda 12 harf ve rakam vardır.',
  resumeUnknown:
    'Bu kodu tanımıyoruz ya da sohbet zaten bitti. Yeni bir sohbet başlat ya da ücretsiz 0800 2000’i ara.',
  resumeBusy: 'Çok fazla deneme oldu. Biraz bekle ve sonra tekrar dene.',
  codeBoxHeading: 'Geri dönmek için kodun',
  codeBoxText:
    'Bu kodu bir yere yaz ya da aklında tut. Sayfayı yanlışlıkla mı kapattın? Sohbeti yeniden aç ve "Bir kodum var" seçeneğini seç. Bu cihazda hiçbir şey saklamıyoruz.',
  codeBoxWarning:
    'Dikkat: bu kod kimde olursa tüm sohbeti okuyabilir ve sohbete devam edebilir. Kodu kimsenin bulamayacağı bir yerde sakla.',
  resumedNote: 'Sohbet kodla başka bir sekmede ya da başka bir cihazda açıldı.',

  waitingHeading: 'Sıradasın',
  waitingPosition: (n: number) => (n === 1 ? 'Sıradaki sensin.' : `Sırada ${n}. kişisin.`),
  waitingEstimate: (m: number) =>
    m <= 1 ? 'En fazla bir dakika sürmesini bekliyoruz.' : `Yaklaşık ${m} dakika sürmesini bekliyoruz.`,
  waitingUnknown: 'Ne kadar süreceğini henüz bilmiyoruz. Beklemeye devam edebilirsin.',
  waitingConnecting: 'Senin için bir danışman arıyoruz.',
  waitingReadHeading: 'Sohbette ne olur?',
  waitingRead: [
    'Veilig Thuis’ten bir danışman sorunu okur ve seninle birlikte düşünür.',
    'Her şeyi sorabilirsin. Doğru ya da yanlış soru yoktur.',
    'Ne anlatacağına sen karar verirsin. Adını söylemek zorunda değilsin.',
    'Konuşmayı mı tercih edersin? Ücretsiz 0800 2000’i ara, gece gündüz.',
  ],
  afterHours:
    'Sohbet bu arada kapandı. Bir danışman olduğu sürece sırada kalırsın. Ücretsiz de arayabilirsin: 0800 2000.',
  urgentNote: 'Tehlikede olduğunu söyledin. Yapabiliyorsan 112’yi ara. Sana olabildiğince çabuk yardım edeceğiz.',
  stopWaiting: 'Beklemeyi bırak',

  chatWith: (name: string, org: string) => `${name} ile konuşuyorsun, ${org}`,
  chatFallback: (region: string) => `Bu danışman sana Veilig Thuis ${region} adına yardım ediyor.`,
  advisorLost: (name: string) =>
    `${name} ile bağlantı koptu. Bir meslektaşı sohbeti devralacak. Bir şey yapmana gerek yok.`,
  transferredTo: (name: string, org: string) =>
    `Sohbetin ${name} ile devam ediyor, ${org}. Yazdığın her şey saklandı.`,
  transferredToOrg: (org: string) =>
    `Sohbetin şuraya geçiyor: ${org}. Biraz bekle: sıranın başındasın ve yazdığın her şey saklandı.`,
  you: 'Sen',
  advisor: 'Danışman',
  messagesLabel: 'Mesajlar',
  messageLabel: 'Mesajın',
  send: 'Gönder',
  sending: 'gönderiliyor',
  sent: 'gönderildi',
  failed: 'gönderilemedi',
  retry: 'Tekrar gönder',
  tooFast: 'Kısa sürede çok mesaj gönderiyorsun. Onları birazdan göndereceğiz.',
  sendError: 'Bu mesaj gönderilemedi.',
  messageTooLong: 'Bir mesaj en fazla 2000 karakter olabilir.',
  endChat: 'Sohbeti bitir',
  endConfirm: 'Sohbeti gerçekten bitirmek istiyor musun?',
  endYes: 'Evet, bitir',
  endNo: 'Hayır, devam et',
  at: (time: string) => `saat ${time}`,

  endedHeading: 'Sohbet bitti',
  endedByAdvisor: 'Danışman sohbeti bitirdi.',
  endedByVisitor: 'Sohbeti sen bitirdin.',
  endedBySystem: 'Sohbet durdu.',
  closedHereHeading: 'Sohbet burada kapandı',
  endedElsewhere:
    'Bu sohbet kodla başka bir cihazda ya da sekmede açıldı. Bu yüzden burada kapandı. Bunu sen yapmadın mı? Veilig Thuis’i ücretsiz ve anonim olarak ara: 0800 2000.',
  endedMore:
    'Başka bir şey sormak ya da bildirmek mi istiyorsun? Veilig Thuis’i ücretsiz ve anonim olarak ara: 0800 2000. Gece gündüz.',
  moreHelp: 'Daha fazla yardım',
  moreHelpSite: 'veiligthuis.nl sitesinde daha fazla bilgi',
  newChat: 'Yeni sohbet başlat',
  close: 'Kapat',

  // feedback
  feedbackHeading: 'Bu sohbet hakkında bir şey söylemek ister misin?',
  feedbackIntro: 'Cevapların anonimdir. Kimse onların senin olduğunu göremez. Her soruyu atlayabilirsin.',
  feedbackHelpful: 'Bu sohbet sana yardımcı oldu mu?',
  feedbackNextStep: 'Şimdi ne yapabileceğini biliyor musun?',
  feedbackAgain: 'Bu sohbeti tekrar kullanır mısın?',
  feedbackYes: 'Evet',
  feedbackPartly: 'Biraz',
  feedbackNo: 'Hayır',
  feedbackSend: 'Gönder',
  feedbackSkip: 'Atla',
  feedbackThanks: 'Cevabın için teşekkürler!',
  feedbackFailed: 'Cevabın gönderilemedi. Sorun değil.',

  // routing by language: nobody speaking the visitor's language took the chat in time
  languageUnmatched:
    'Şu anda senin dilini konuşan bir danışman yok. Hollandaca konuşan bir danışman sana en kısa sürede yardım edecek.',

  // signals
  advisorTyping: 'Danışman yazıyor…',
  readMark: 'okundu',
  readMarkLabel: 'Danışman mesajını okudu.',
  pause: 'Duraklat',
  pauseLabel: 'Duraklat: sohbeti hemen gizle (Alt+P)',
  pauseContinue: 'Devam',

  // no chat left unanswered: the advisor did not write in time, a colleague takes over
  reassigned:
    'Danışmanın şu anda cevap veremedi. Bir meslektaşı birazdan sana yardım edecek. Sıradaki ilk kişi sensin. Bir şey yapmana gerek yok.',
}
