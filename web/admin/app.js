// 管理画面 (admin console): sign-in, the frame with its menu, and the router.
import { createApi, h, mount, notice, showError, field, formValues, passwordChangeForm, startRouter } from '/shared/ui.js';
import * as users from '/admin/users.js';
import * as auditLog from '/admin/audit.js';
import * as merchants from '/admin/merchants.js';
import * as appUsers from '/admin/app-users.js';
import * as bulk from '/admin/bulk.js';
import * as programmes from '/admin/programmes.js';
import * as history from '/admin/history.js';
import * as reports from '/admin/reports.js';
import * as payouts from '/admin/payouts.js';
import * as notices from '/admin/notices.js';
import * as sale from '/admin/sale.js';
import * as cards from '/admin/cards.js';
import * as privacy from '/admin/privacy.js';
import { showSiteChrome, setChromeCommittee } from '/shared/footer.js';
import * as committees from '/admin/committees.js';

const root = document.getElementById('root');
const api = createApi('admin', { onUnauthenticated: () => { state.me = null; go('#/login'); } });
const state = { me: null, flash: null };

export function go(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

/** Set a message the next page shows at its top (e.g. 「管理ユーザの登録が完了しました。」). */
export function flash(kind, text) { state.flash = { kind, text }; }

function takeFlash() {
  const f = state.flash;
  state.flash = null;
  return f ? notice(f.kind, f.text) : null;
}

// The manual's menu. Items appear as their screens exist; each names the roles that may open it.
const MENU = [
  { group: '取引', items: [
    { hash: '#/history', label: '取引履歴', page: history.list },
    { hash: '#/files', label: 'ファイルダウンロード', page: history.files },
  ] },
  { group: '集計', roles: ['system_admin', 'committee_admin'], items: [
    { hash: '#/reports', label: '集計', page: reports.page },
  ] },
  { group: '精算', roles: ['system_admin', 'committee_admin', 'company_admin', 'company_staff'], items: [
    { hash: '#/payouts', label: '精算・支払通知書', page: payouts.page },
  ] },
  { group: '管理ユーザ', items: [
    { hash: '#/users', label: '管理ユーザ一覧', page: users.list },
    { hash: '#/users/new', label: '管理ユーザ登録', page: users.register },
  ] },
  { group: 'アクワイアラ', roles: ['system_admin', 'committee_admin'], items: [
    { hash: '#/committees', label: 'アクワイアラ一覧', page: committees.list },
  ] },
  { group: '加盟店', items: [
    { hash: '#/companies', label: '企業', page: merchants.companies },
    { hash: '#/stores', label: '店舗', page: merchants.stores },
    { hash: '#/terminals', label: '端末', page: merchants.terminals },
  ] },
  { group: '商品券', roles: ['system_admin', 'committee_admin'], items: [
    { hash: '#/programmes', label: '商品券事業', page: programmes.list },
    { hash: '#/charge', label: '店頭チャージ', page: programmes.charge },
    { hash: '#/campaigns', label: 'キャンペーン', page: programmes.campaigns },
    { hash: '#/app-users', label: 'アプリユーザ', page: appUsers.list },
    { hash: '#/residents', label: '住民名簿', page: sale.residents },
    { hash: '#/cards', label: 'カード発行', page: cards.page },
    { hash: '#/retention', label: '個人情報の保存期間', page: privacy.retention },
  ] },
  { group: 'お知らせ', roles: ['system_admin', 'committee_admin'], items: [
    { hash: '#/notices', label: 'お知らせ一覧', page: notices.list },
    { hash: '#/notices/new', label: 'お知らせ登録', page: notices.register },
    { hash: '#/reminders', label: '失効お知らせメール', page: notices.reminders },
    { hash: '#/contact', label: 'お問い合わせ先', page: committees.contact },
  ] },
  { group: 'その他', items: [
    { hash: '#/bulk', label: 'マスタ一括登録', page: bulk.page },
    { hash: '#/audit', label: '監査ログ', page: auditLog.list },
    { hash: '#/password', label: 'パスワード変更', page: passwordPage },
  ] },
];
const HIDDEN_PAGES = {
  '#/users/detail': users.detail,
  '#/committees/new': committees.create,
  '#/committees/detail': committees.detail,
  '#/companies/new': merchants.companyNew,
  '#/companies/detail': merchants.companyDetail,
  '#/stores/new': merchants.storeNew,
  '#/stores/detail': merchants.storeDetail,
  '#/terminals/new': merchants.terminalNew,
  '#/terminals/detail': merchants.terminalDetail,
  '#/app-users/detail': appUsers.detail,
  '#/cards/detail': cards.detail,
  '#/programmes/detail': programmes.detail,
  '#/history/detail': history.detail,
  '#/payouts/detail': payouts.detail,
  '#/notices/detail': notices.detail,
};
const HOME = '#/history';  // the manual opens the console on 取引履歴一覧

function menuFor(me) {
  return MENU.filter((group) => !group.roles || group.roles.includes(me.role));
}

function frame(content, current) {
  const nav = h('nav', { class: 'sidenav', id: 'sidenav', 'aria-label': 'メニュー' },
    menuFor(state.me).map((group) => [
      h('div', { class: 'group' }, group.group),
      h('ul', {}, group.items.map((item) => h('li', {},
        h('a', { href: item.hash, 'aria-current': item.hash === current ? 'page' : null }, item.label)))),
    ]));
  const toggle = h('button', { class: 'menu-toggle console', type: 'button', 'aria-controls': 'sidenav', 'aria-expanded': 'false',
    onclick: () => { const open = nav.classList.toggle('open'); toggle.setAttribute('aria-expanded', String(open)); } },
  h('span', { 'aria-hidden': 'true' }, '≡'), h('span', { class: 'visually-hidden' }, 'メニュー'));
  const me = state.me;
  const who = `${me.name || me.login_id} (${me.role_label})`;
  nav.prepend(h('p', { class: 'who' }, who));  // on a phone the header has no room for it
  const header = h('header', { class: 'topbar' }, toggle,
    h('p', { class: 'title' }, 'ウォレット管理画面'),
    h('span', { class: 'who wide-only' }, who),
    h('a', { href: '#/password', class: 'wide-only' }, 'パスワード変更'),
    h('button', { type: 'button', class: 'link', onclick: logout }, 'ログアウト'));
  trackHeaderHeight(header);
  return [header, h('div', { class: 'layout' }, nav, h('main', { id: 'main', class: 'page' }, takeFlash(), content))];
}

// The phone menu is placed under the header; the header's height depends on fonts and zoom, so it is measured.
let headerObserver = null;
function trackHeaderHeight(header) {
  if (headerObserver) headerObserver.disconnect();
  headerObserver = new ResizeObserver(() => {
    document.documentElement.style.setProperty('--topbar-h', `${Math.ceil(header.getBoundingClientRect().height)}px`);
  });
  headerObserver.observe(header);
}

function bare(...content) {
  return h('main', { id: 'main', class: 'page narrow' }, h('p', { class: 'brand-head' }, 'ウォレット管理画面'), takeFlash(), ...content);
}

async function logout() {
  try { await api.post('/api/auth/logout'); } catch (_) { /* already signed out */ }
  api.forgetCsrf();
  state.me = null;
  go('#/login');
}

// --- sign-in (manual: ログイン → パスワード変更 → メールアドレス認証) ---------------------------------
function loginPage() {
  const slot = h('div');
  const password = field({ label: 'パスワード', name: 'password', type: 'password', required: true, attrs: { autocomplete: 'current-password' } });
  const show = h('button', { type: 'button', class: 'link', 'aria-pressed': 'false', onclick: () => {
    const input = password.querySelector('input');
    const visible = input.type === 'password';
    input.type = visible ? 'text' : 'password';
    show.setAttribute('aria-pressed', String(visible));
    show.textContent = visible ? 'パスワードを隠す' : 'パスワードを表示';
  } }, 'パスワードを表示');
  const form = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    try {
      const step = await api.post('/api/auth/login', formValues(form));
      state.emailHint = step.email_hint;
      go(step.next === 'change_password' ? '#/first-password' : '#/verify');
    } catch (error) { showError(slot, error, form); }
  } },
  h('h1', {}, 'ログイン'), slot,
  field({ label: 'ログインID', name: 'login_id', required: true, attrs: { autocomplete: 'username', autocapitalize: 'off' } }),
  password, show,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'wide' }, 'ログイン')),
  h('p', { class: 'center' }, h('a', { href: '#/forgot' }, 'パスワードをお忘れですか?')));
  mount(root, bare(form));
}

// The new password typed twice, as every password screen asks for it.
function newPasswordFields() {
  return [
    field({ label: '新しいパスワードを入力', name: 'new_password', type: 'password', required: true, attrs: { autocomplete: 'new-password' } }),
    field({ label: 'パスワード確認', name: 'confirm_password', type: 'password', required: true, attrs: { autocomplete: 'new-password' },
      hint: '※ 英字と数字を混ぜた半角8文字以上で入力してください' }),
  ];
}

function firstPasswordPage() {
  const slot = h('div');
  const form = passwordChangeForm({ class: 'card' }, slot, async (values) => {
    const step = await api.post('/api/auth/initial-password', values);
    state.emailHint = step.email_hint;
    state.passwordChanged = true;
    go('#/verify');
  },
  h('h1', {}, 'パスワード変更'),
  notice('warn', 'パスワードが初期状態のため、パスワードを再設定してください。'), slot,
  newPasswordFields(),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'wide' }, '変更する')));
  mount(root, bare(form));
}

function verifyPage() {
  const slot = h('div');
  const form = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    try {
      const step = await api.post('/api/auth/verify', formValues(form));
      state.me = step.me;
      if (state.passwordChanged) flash('ok', 'パスワードの変更が完了しました');
      state.passwordChanged = false;
      go(HOME);
    } catch (error) { showError(slot, error, form); }
  } },
  h('h1', {}, 'メールアドレス認証'),
  notice('ok', `✓ メールを送信しました。${state.emailHint ? `(${state.emailHint})` : ''}`),
  h('p', {}, '登録済みのメールアドレスに送信された6桁の確認コードを入力してください。'), slot,
  field({ label: '6桁の確認コード', name: 'code', required: true, attrs: { inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6', pattern: '[0-9]{6}' } }),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'wide' }, 'ログイン')),
  h('p', { class: 'hint' }, 'メールが届かない場合 迷惑メールフォルダをご確認いただき、送信元メールアドレスからの受信を許可してください。それでも解決しない場合は、実行委員会にお問い合わせください。'),
  h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: async () => {
    try {
      await api.post('/api/auth/resend');
      slot.replaceChildren(notice('ok', '確認コードを再送信しました。'));
    } catch (error) { showError(slot, error); }
  } }, '確認コードを再送信'),
  h('a', { href: '#/login' }, 'ログイン画面に戻る')));
  mount(root, bare(form));
}

function forgotPage() {
  const slot = h('div');
  const form = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    try {
      const reply = await api.post('/api/auth/password-reset', formValues(form));
      slot.replaceChildren(notice('ok', reply.message));
    } catch (error) { showError(slot, error, form); }
  } },
  h('h1', {}, 'パスワード再設定'),
  h('p', {}, 'ログインIDを入力してください。ご登録のメールアドレスに再設定用のURLをお送りします。'), slot,
  field({ label: 'ログインID', name: 'login_id', required: true, attrs: { autocomplete: 'username' } }),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'wide' }, '送信する')),
  h('p', { class: 'center' }, h('a', { href: '#/login' }, 'ログイン画面に戻る')));
  mount(root, bare(form));
}

function resetPage(params) {
  const slot = h('div');
  const form = passwordChangeForm({ class: 'card' }, slot, async (values) => {
    const reply = await api.post('/api/auth/password-reset/confirm', { ...values, token: params.get('token') || '' });
    flash('ok', reply.message);
    go('#/login');
  },
  h('h1', {}, '新しいパスワードの設定'), slot,
  newPasswordFields(),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'wide' }, '変更する')));
  mount(root, bare(form));
}

function passwordPage(ctx) {
  const slot = h('div');
  const form = passwordChangeForm({ class: 'card' }, slot, async (values) => {
    const step = await ctx.api.post('/api/auth/password', values);
    state.me = step.me;
    flash('ok', 'パスワードの変更が完了しました');
    go('#/password');
  },
  h('h1', {}, 'パスワード変更'), slot,
  field({ label: '現在のパスワード', name: 'current_password', type: 'password', required: true, attrs: { autocomplete: 'current-password' } }),
  newPasswordFields(),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, '変更する')),
  h('p', {}, 'メールアドレスの変更は', h('a', { href: `#/users/detail?id=${encodeURIComponent(ctx.me.user_id)}` }, '管理ユーザ詳細'), 'から行えます。'));
  return form;
}

const PUBLIC = { '#/login': loginPage, '#/first-password': firstPasswordPage, '#/verify': verifyPage, '#/forgot': forgotPage, '#/reset': resetPage };

async function route(params) {
  const path = (location.hash || '#/').split('?')[0];
  if (PUBLIC[path]) { PUBLIC[path](params); return; }
  if (!state.me) {
    try { state.me = await api.get('/api/auth/me'); } catch (_) { state.me = null; }
  }
  if (!state.me) { go('#/login'); return; }
  setChromeCommittee(state.me.committee_id);
  const item = menuFor(state.me).flatMap((g) => g.items).find((i) => i.hash === path);
  const page = item ? item.page : HIDDEN_PAGES[path];
  if (!page) { go(HOME); return; }
  const ctx = { api, me: state.me, go, flash };
  const placeholder = h('p', {}, '読み込み中…');
  mount(root, frame(placeholder, item ? item.hash : null));
  try {
    const content = await page(ctx, params);
    if (content) placeholder.replaceWith(content);
  } catch (error) {
    placeholder.replaceWith(notice('error', error.message || 'エラーが発生しました。'));
  }
  const heading = root.querySelector('main h1');
  if (heading) { heading.setAttribute('tabindex', '-1'); heading.focus({ preventScroll: true }); }
}

showSiteChrome();
startRouter({}, route);
