// The wallet's texts in Japanese (default) and English, for residents who do not read Japanese.
const TEXTS = {
  ja: {
    appName: '利用者アプリ', home: 'ホーム', login: 'ログイン', logout: 'ログアウト', language: 'Language / 言語',
    emailPrompt: 'メールアドレスを入力してください。ログイン用の6桁の確認コードをお送りします。',
    email: 'メールアドレス', sendCode: '確認コードを送信', codeSent: (hint) => `${hint} に確認コードを送信しました。`,
    code: '6桁の確認コード', resend: '確認コードを再送信', resent: '確認コードを再送信しました。', reenter: 'メールアドレスを入力し直す',
    noMail: 'メールが届かない場合は、迷惑メールフォルダをご確認ください。', codeTitle: '確認コードの入力',
    available: 'ご利用可能金額', yen: '円', breakdown: '内訳', common: '共通券', dedicated: '専用券', expires: '有効期限',
    commonNote: '共通券: すべての加盟店で利用できます', dedicatedNote: '専用券: 大型店以外の加盟店で利用できます',
    pending: (amount) => `利用開始前の商品券 ${amount}`, showQr: 'QRコード表示', history: '取引履歴', stores: '加盟店一覧',
    qrTitle: 'QRコード表示', qrHelp: 'お店の方にこのQRコードを読み取ってもらってください。', qrValid: (s) => `有効期限まで ${s}`,
    qrRefreshing: 'QRコードを更新しています…', qrBrightness: '読み取りにくい場合は、画面を明るくしてください。', back: '戻る',
    paidTitle: 'お支払い完了', paid: 'お支払いが完了しました', paymentInfo: 'お支払い情報', storeName: '店舗名', paidAt: 'お支払い日時',
    number: '取引番号', ok: 'OK', noHistory: '取引はまだありません。', searchStores: '店舗名で検索',
    area: '地区', allAreas: 'すべての地区', search: '検索', noStores: '該当する加盟店はありません。',
    cancelled: '取消済み', scanStore: 'お店のQRコードを読み取る', scanHelp: 'お店に表示されたQRコードを枠内に映してください。',
    camera: 'カメラの映像', confirmPay: 'お支払い内容の確認', pay: '支払う',
    money: (n, signed) => `${signed && n > 0 ? '+' : ''}${n < 0 ? '-' : ''}${Math.abs(n).toLocaleString('ja-JP')}円`,
    txnTypes: {
      charge: 'チャージ', store_charge: '店頭チャージ', transfer_charge: '振込購入', charge_cancel: 'チャージ取消', payment: '決済', prepaid_payment: '決済',
      payment_cancel: '決済取消', bonus_grant: 'ボーナス付与', campaign_grant: 'キャンペーン付与', campaign_grant_cancel: 'キャンペーン付与取消',
      lapse: '失効', adjust_lapse: '失効 (調整)', adjust_add: '残高調整 (加算)', adjust_sub: '残高調整 (減算)',
    },
    sep: ' ・ ', bothTypes: '共通券・専用券',
    offline: '通信できません。電波の届く場所で、もう一度お試しください。',
    contact: 'お問い合わせ', phone: '電話', hours: '受付時間', noContact: 'お問い合わせ先は登録されていません。',
    notices: 'お知らせ', other: 'その他', tabs: 'メニュー', unread: '未読', unreadCount: '件の未読', noNotices: 'お知らせはありません。',
    noticePeriod: (s, e) => `掲載期間 ${s} 〜 ${e}`, terms: 'ご利用にあたって (利用規約)',
    saleTitle: '商品券の購入申込', salePeriod: (s, e) => `申込期間 ${s}〜${e}`, saleOpen: '受付中', saleClosed: '受付期間外',
    saleApplied: (n) => `${n}冊で申込済み`, saleLimit: (n) => `お一人${n}冊まで申し込めます。申込期間中は変更・取消ができます。`,
    saleEligibility: '申込資格の確認', saleEligibilityHelp: '市から届いた案内に記載の住民番号と、氏名(カナ)・生年月日を入力してください。',
    saleResidentKey: '住民番号', saleNameKana: '氏名(カナ)', saleNameKanaHint: '例: ヤマダ タロウ (ひらがなでも入力できます)', saleBirthDate: '生年月日',
    saleConfirm: '確認する', saleEligibleNow: '申込資格を確認しました。申込冊数を選んで申し込んでください。',
    saleApplication: '申込', saleHowMany: '申込冊数', saleUnits: (n) => `${n}冊`, saleApply: '申し込む', saleChange: '申込冊数を変更する',
    saleAppliedNow: (n) => `${n}冊で申し込みました。`, saleWithdraw: '申込を取り消す', saleWithdrawConfirm: '申込を取り消します。よろしいですか？',
    saleWithdrawn: '申込を取り消しました。', saleClosedHelp: '申込期間外のため、申込・変更・取消はできません。', saleFailed: '処理できませんでした。',
    saleWon: (n) => `当選 (${n}冊)`, saleLost: '落選',
    saleBuyBy: (n, d) => `残り${n}冊を${d}までに窓口または銀行振込でご購入ください`, saleBought: '購入済み',
    saleTransferTitle: '銀行振込でのお支払い', saleTransferCode: '振込依頼人コード', saleTransferAmount: 'お振込金額',
    saleYen: (n) => `${Number(n).toLocaleString('ja-JP')}円`,
    saleTransferHelp: '銀行振込の場合は、振込依頼人名の前にこのコード(9桁)を入力し、お振込金額ちょうどを購入期限までにお振り込みください。入金の確認後、このアプリにチャージされます。',
    saleSecondWon: (n) => `二次抽選で当選 (${n}冊)`, saleLapsed: '購入期限を過ぎたため、当選分は失効しました',
    saleCodeTitle: '引換コードで登録', saleCodeHelp: '市から引換コードが届いた方は、住民番号の代わりにコード(12文字)を入力できます。',
    saleCode: '引換コード', saleCodeHint: '例: ABCD-EFGH-JKLM (ハイフンは省略できます)', saleCodeSubmit: 'コードで登録する',
    termsItems: [
      '商品券は、商品券事業の利用期間内に、加盟店でのお支払いにご利用いただけます。',
      '共通券はすべての加盟店で、専用券は大型店以外の加盟店でご利用いただけます。両方が使える場合は専用券から、有効期限の近いものから使われます。',
      '利用期間が終わると、残高は失効します。換金・払い戻しはできません。失効の前に、登録のメールアドレスへお知らせします。',
      'お支払い用のQRコードは一度だけ・短い時間だけ有効です。他の人に見せたり、撮影させたりしないでください。',
      'スマートフォンの紛失や、身に覚えのない取引があったときは、すぐにお問い合わせ先へご連絡ください。',
    ],
  },
  en: {
    appName: 'Wallet', home: 'Home', login: 'Sign in', logout: 'Sign out', language: 'Language / 言語',
    emailPrompt: 'Enter your email address. We will send you a 6-digit sign-in code.',
    email: 'Email address', sendCode: 'Send code', codeSent: (hint) => `We sent a code to ${hint}.`,
    code: '6-digit code', resend: 'Send the code again', resent: 'We sent the code again.', reenter: 'Use another email address',
    noMail: 'If no email arrives, please check your spam folder.', codeTitle: 'Enter the code',
    available: 'Available balance', yen: 'yen', breakdown: 'Breakdown', common: 'Common voucher', dedicated: 'Local-shop voucher', expires: 'Valid until',
    commonNote: 'Common vouchers: usable at every participating store', dedicatedNote: 'Local-shop vouchers: not usable at large stores',
    pending: (amount) => `Not yet usable: ${amount}`, showQr: 'Show QR code', history: 'History', stores: 'Stores',
    qrTitle: 'Pay with QR code', qrHelp: 'Ask the store staff to scan this QR code.', qrValid: (s) => `Valid for ${s}`,
    qrRefreshing: 'Refreshing the QR code…', qrBrightness: 'If it does not scan, turn up the screen brightness.', back: 'Back',
    paidTitle: 'Payment complete', paid: 'Your payment is complete', paymentInfo: 'Payment details', storeName: 'Store', paidAt: 'Date and time',
    number: 'Transaction number', ok: 'OK', noHistory: 'No transactions yet.', searchStores: 'Search by store name',
    area: 'Area', allAreas: 'All areas', search: 'Search', noStores: 'No stores found.',
    cancelled: 'Cancelled', scanStore: "Scan the store's QR code", scanHelp: "Point the camera at the store's QR code.",
    camera: 'Camera view', confirmPay: 'Confirm your payment', pay: 'Pay',
    money: (n, signed) => `${signed && n > 0 ? '+' : ''}${n < 0 ? '-' : ''}¥${Math.abs(n).toLocaleString('en-US')}`,
    txnTypes: {
      charge: 'Top-up', store_charge: 'Top-up at a counter', transfer_charge: 'Bought by bank transfer', charge_cancel: 'Top-up cancelled', payment: 'Payment', prepaid_payment: 'Payment',
      payment_cancel: 'Payment cancelled', bonus_grant: 'Bonus', campaign_grant: 'Campaign bonus', campaign_grant_cancel: 'Campaign bonus cancelled',
      lapse: 'Expired', adjust_lapse: 'Expired (adjustment)', adjust_add: 'Balance adjustment (+)', adjust_sub: 'Balance adjustment (−)',
    },
    sep: ' · ', bothTypes: 'Common and local-shop',
    offline: 'No connection. Please try again where you have a signal.',
    contact: 'Contact', phone: 'Tel', hours: 'Hours', noContact: 'No contact has been registered.',
    notices: 'Notices', other: 'More', tabs: 'Menu', unread: 'Unread', unreadCount: ' unread', noNotices: 'No notices.',
    noticePeriod: (s, e) => `Shown ${s} to ${e}`, terms: 'Terms of use',
    saleTitle: 'Apply to buy vouchers', salePeriod: (s, e) => `Applications ${s} to ${e}`, saleOpen: 'Open', saleClosed: 'Closed',
    saleApplied: (n) => `Applied for ${n}`, saleLimit: (n) => `Up to ${n} per person. You can change or withdraw until the period ends.`,
    saleEligibility: 'Confirm your eligibility', saleEligibilityHelp: 'Enter the resident number from the letter the city sent you, your name in kana and your date of birth.',
    saleResidentKey: 'Resident number', saleNameKana: 'Name in kana', saleNameKanaHint: 'e.g. ヤマダ タロウ (hiragana also works)', saleBirthDate: 'Date of birth',
    saleConfirm: 'Confirm', saleEligibleNow: 'Your eligibility is confirmed. Choose how many to apply for.',
    saleApplication: 'Application', saleHowMany: 'How many', saleUnits: (n) => `${n}`, saleApply: 'Apply', saleChange: 'Change the number',
    saleAppliedNow: (n) => `You applied for ${n}.`, saleWithdraw: 'Withdraw the application', saleWithdrawConfirm: 'Withdraw your application?',
    saleWithdrawn: 'Your application is withdrawn.', saleClosedHelp: 'Outside the application period you cannot apply, change or withdraw.', saleFailed: 'The request could not be completed.',
    saleWon: (n) => `Won (${n})`, saleLost: 'Not drawn',
    saleBuyBy: (n, d) => `Buy the remaining ${n} at the counter or by bank transfer by ${d}`, saleBought: 'Bought',
    saleTransferTitle: 'Paying by bank transfer', saleTransferCode: 'Transfer code', saleTransferAmount: 'Amount to transfer',
    saleYen: (n) => `¥${Number(n).toLocaleString('en-US')}`,
    saleTransferHelp: 'To pay by bank transfer, type this 9-digit code before your name as the sender and transfer exactly this amount by the deadline. Once the deposit is confirmed it is charged to this app.',
    saleSecondWon: (n) => `Won in the second round (${n})`, saleLapsed: 'The purchase deadline passed; your units lapsed',
    saleCodeTitle: 'Register with a code', saleCodeHelp: 'If the city sent you a redemption code, you can enter it (12 letters) instead of your resident details.',
    saleCode: 'Redemption code', saleCodeHint: 'e.g. ABCD-EFGH-JKLM (hyphens optional)', saleCodeSubmit: 'Register with the code',
    termsItems: [
      'Vouchers can be used to pay at participating stores during the programme\'s usage period.',
      'Common vouchers work at every participating store; local-shop vouchers at every store except large stores. When both can pay, local-shop vouchers are used first, soonest expiry first.',
      'When the usage period ends, the remaining balance lapses. It cannot be exchanged for cash or refunded. We email you before it lapses.',
      'The payment QR code works once and only for a short time. Do not show it to others or let them photograph it.',
      'If you lose your phone or see a payment you did not make, contact us at once.',
    ],
  },
};

const KEY = 'shoken.wallet.lang';

export function language() {
  const saved = localStorage.getItem(KEY);
  return saved === 'en' || saved === 'ja' ? saved : 'ja';
}

export function setLanguage(lang) {
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang;
}

/** A transaction type in the wallet's language (the server's label is Japanese). */
export function txnType(code, fallback) {
  return TEXTS[language()].txnTypes[code] || (language() === 'ja' ? fallback : 'Transaction');
}

/** An amount as the wallet's language writes it: 500円 / ¥500 (signed: +500円 / +¥500). */
export function money(n, signed = false) { return TEXTS[language()].money(Number(n || 0), signed); }

export function t(key, ...args) {
  const value = TEXTS[language()][key];
  return typeof value === 'function' ? value(...args) : value;
}

document.documentElement.lang = language();
