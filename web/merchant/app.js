// 加盟店アプリ (merchant app): terminal setup, staff sign-in, and the till's screens.
import { showSiteChrome, setChromeCommittee } from '/shared/footer.js';
import { homeNotices, unreadBanner } from '/merchant/notices.js';
import { createApi, h, mount, notice, showError, field, formValues, passwordChangeForm } from '/shared/ui.js';
import * as till from '/merchant/till.js';

const root = document.getElementById('root');
const api = createApi('merchant', { onUnauthenticated: () => { if (state.me) { state.me = null; start(); } } });
const state = { me: null, terminal: null, pendingTerminal: null, flash: null };
const pages = {};

function register(name, render) { pages[name] = render; }

function screen(title, ...content) {
  const flash = state.flash ? notice(state.flash.kind, state.flash.text) : null;
  state.flash = null;
  return [
    h('header', { class: 'topbar' },
      state.me ? h('button', { class: 'menu-toggle', type: 'button', 'aria-label': 'メニュー', 'aria-haspopup': 'true', onclick: openMenu }, '≡') : null,
      h('p', { class: 'title' }, title),
      state.me ? h('span', { class: 'who' }, state.me.role_label) : null),
    h('main', { id: 'main', class: 'page' }, flash, ...content),
  ];
}

function openMenu() {
  const close = () => drawer.remove();
  const item = (label, name) => h('a', { href: '#', onclick: (e) => { e.preventDefault(); close(); show(name); } }, label);
  const drawer = h('div', { class: 'drawer', onclick: (e) => { if (e.target === drawer) close(); } },
    h('nav', { 'aria-label': 'メニュー' },
      h('p', { class: 'center' }, h('strong', {}, state.me.store_name || '')),
      Object.keys(pages).includes('pay') ? item('QRコード決済', 'pay') : null,
      Object.keys(pages).includes('history') ? item('取引履歴', 'history') : null,
      item('お知らせ', 'notices'),
      item('パスワード変更', 'password'),
      h('button', { type: 'button', class: 'link', onclick: () => { close(); logout(); } }, 'ログアウト'),
      h('button', { type: 'button', class: 'link', onclick: close }, '閉じる')));
  document.body.append(drawer);
  drawer.querySelector('a, button').focus();
}

function show(name, ...args) {
  const render = pages[name];
  mount(root, screen(...render({ api, state, show }, ...args)));
}

async function logout() {
  try { await api.post('/api/auth/logout'); } catch (_) { /* already ended */ }
  api.forgetCsrf();
  state.me = null;
  start();
}

// --- 端末ID入力 → 店舗情報確認 ---------------------------------------------------------------------
register('terminal', () => {
  const slot = h('div');
  const form = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const values = formValues(form);
    try {
      state.pendingTerminal = { values, info: await api.post('/api/merchant/terminal/check', values) };
      show('confirmStore');
    } catch (error) { showError(slot, error, form); }
  } },
  h('p', {}, '端末IDとパスワードを入力して、「OK」ボタンをタップします。'), slot,
  field({ label: '端末ID', name: 'terminal_id', required: true, attrs: { inputmode: 'numeric', maxlength: '12', autocomplete: 'off' } }),
  field({ label: 'パスワード', name: 'password', type: 'password', required: true, attrs: { inputmode: 'numeric', maxlength: '4', autocomplete: 'off' } }),
  h('div', { class: 'actions' }, h('button', { type: 'reset', class: 'secondary' }, 'クリア'), h('span', { class: 'spacer' }), h('button', { type: 'submit' }, 'OK')));
  return ['端末ID入力', h('h1', {}, '端末設定'), form];
});

register('confirmStore', () => {
  const { info, values } = state.pendingTerminal;
  const slot = h('div');
  return ['店舗情報確認', h('h1', {}, '店舗情報確認'), slot,
    h('dl', { class: 'detail' },
      h('dt', {}, '端末ID'), h('dd', {}, info.terminal_id),
      h('dt', {}, '店舗ID'), h('dd', {}, info.store_id),
      h('dt', {}, '店舗名'), h('dd', {}, info.store_name),
      h('dt', {}, '店舗電話番号'), h('dd', {}, info.store_phone || '')),
    h('p', {}, '上記店舗を設定します。確認後「OK」ボタンをタップします。'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => show('terminal') }, '戻る'), h('span', { class: 'spacer' }),
      h('button', { type: 'button', onclick: async () => {
        try {
          state.terminal = await api.post('/api/merchant/terminal/bind', values);
          state.pendingTerminal = null;
          show('login');
        } catch (error) { showError(slot, error); }
      } }, 'OK'))];
});

// --- ログイン → (初回) パスワード -------------------------------------------------------------------
register('login', () => {
  const slot = h('div');
  const form = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    try {
      const step = await api.post('/api/merchant/login', formValues(form));
      if (step.next === 'change_password') { show('firstPassword'); return; }
      signedIn(step.me);
    } catch (error) {
      if (error.code === 'terminal_unbound' || error.code === 'terminal_rebound') { state.flash = { kind: 'error', text: error.message }; show('terminal'); return; }
      showError(slot, error, form);
    }
  } },
  h('p', {}, '店舗担当者のログインIDとパスワードを入力して、「ログイン」ボタンをタップします。'),
  h('p', { class: 'hint' }, '*初期パスワードはログインIDを入力'), slot,
  field({ label: 'ログインID', name: 'login_id', required: true, attrs: { autocomplete: 'username', autocapitalize: 'off' } }),
  field({ label: 'パスワード', name: 'password', type: 'password', required: true, attrs: { autocomplete: 'current-password' } }),
  h('div', { class: 'actions' }, h('button', { type: 'reset', class: 'secondary' }, 'クリア'), h('span', { class: 'spacer' }), h('button', { type: 'submit' }, 'ログイン')));
  const where = state.terminal ? h('p', { class: 'hint' }, `${state.terminal.store_name} (端末ID ${state.terminal.terminal_id})`) : null;
  return ['ログイン', h('h1', {}, 'ログイン'), where, form];
});

register('firstPassword', () => {
  const slot = h('div');
  const form = passwordChangeForm({}, slot, async (values) => {
    const step = await api.post('/api/auth/initial-password', values);
    state.flash = { kind: 'ok', text: 'パスワードを変更しました。' };
    signedIn(step.me);
  },
  h('p', {}, '新しいパスワードを設定してください。'), slot,
  field({ label: '新しいパスワード', name: 'new_password', type: 'password', required: true, attrs: { autocomplete: 'new-password' } }),
  field({ label: 'パスワードの確認', name: 'confirm_password', type: 'password', required: true, attrs: { autocomplete: 'new-password' },
    hint: '※新ログインパスワードは12文字以上で設定してください' }),
  h('div', { class: 'actions' }, h('button', { type: 'reset', class: 'secondary' }, 'クリア'), h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '変更')));
  return ['パスワード', h('h1', {}, 'パスワード設定'), form];
});

register('password', () => {
  const slot = h('div');
  const form = passwordChangeForm({}, slot, async (values) => {
    const step = await api.post('/api/auth/password', values);
    state.me = step.me;
    state.flash = { kind: 'ok', text: 'パスワードを変更しました。' };
    show('home');
  },
  slot,
  field({ label: '現在のパスワード', name: 'current_password', type: 'password', required: true, attrs: { autocomplete: 'current-password' } }),
  field({ label: '新しいパスワード', name: 'new_password', type: 'password', required: true, attrs: { autocomplete: 'new-password' } }),
  field({ label: 'パスワードの確認', name: 'confirm_password', type: 'password', required: true, attrs: { autocomplete: 'new-password' },
    hint: '※新ログインパスワードは12文字以上で設定してください' }),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, '変更')));
  return ['パスワード変更', h('h1', {}, 'パスワード変更'), form];
});

register('home', () => ['加盟店アプリ', h('h1', {}, state.me.store_name || '加盟店アプリ'),
  h('p', {}, `${state.me.name || ''} さん (${state.me.role_label})`),
  h('p', { class: 'hint' }, `端末ID ${state.me.terminal_id || ''}`),
  h('p', {}, '画面左上の ≡ からメニューを表示してください。'), homeNotices(api)]);

register('notices', () => ['お知らせ', homeNotices(api, { heading: 'h1' })]);

function signedIn(me) {
  state.me = me;
  state.wasSignedIn = true;
  setChromeCommittee(me.committee_id);
  show(pages.pay ? 'pay' : 'home');
  unreadBanner(api, root, () => show('notices'));
}

async function start() {
  try {
    state.me = await api.get('/api/auth/me');
    signedIn(state.me);
    return;
  } catch (_) { state.me = null; }
  try {
    state.terminal = await api.get('/api/merchant/terminal');
    show('login');
  } catch (error) {
    // A phone that was in use is told why it is back at 端末ID入力; a new phone just sees the form.
    if (['terminal_suspended', 'store_suspended', 'terminal_rebound'].includes(error.code) || (error.code === 'terminal_unbound' && state.wasSignedIn)) {
      state.flash = { kind: 'error', text: error.message };
    }
    show('terminal');
  }
}

till.register(pages);
showSiteChrome();
start();
