// 利用者アプリ (citizen wallet): sign-in with email + code, then the wallet's screens.
import { createApi, h, mount, showError, field, formValues } from '/shared/ui.js';

const root = document.getElementById('root');
const api = createApi('wallet', { onUnauthenticated: () => { if (state.me) { state.me = null; signInPage(); } } });
const state = { me: null, site: null, emailHint: null };

function frame(title, ...content) {
  return [
    h('header', { class: 'topbar' }, h('p', { class: 'title' }, title),
      state.me ? h('button', { type: 'button', class: 'link', onclick: logout }, 'ログアウト') : null),
    h('main', { id: 'main', class: 'page' }, ...content),
  ];
}

function serviceName() {
  const committee = state.site && state.site.committees[0];
  return committee ? committee.wallet_service_name : '電子商品券';
}

function serviceId() {
  const wanted = new URLSearchParams(location.search).get('s');
  const committees = (state.site && state.site.committees) || [];
  const found = committees.find((c) => c.wallet_service_id === wanted) || committees[0];
  return found ? found.wallet_service_id : null;
}

function signInPage() {
  const slot = h('div');
  const form = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    try {
      const step = await api.post('/api/wallet/auth/start', { ...formValues(form), service_id: serviceId() });
      state.emailHint = step.email_hint;
      codePage();
    } catch (error) { showError(slot, error, form); }
  } },
  h('p', {}, 'メールアドレスを入力してください。ログイン用の6桁の確認コードをお送りします。'), slot,
  field({ label: 'メールアドレス', name: 'email', type: 'email', required: true, attrs: { autocomplete: 'email', inputmode: 'email' } }),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'wide' }, '確認コードを送信')));
  mount(root, frame(serviceName(), h('h1', {}, 'ログイン'), form));
}

function codePage() {
  const slot = h('div');
  const form = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    try {
      const step = await api.post('/api/auth/verify', formValues(form));
      state.me = step.me;
      home();
    } catch (error) { showError(slot, error, form); }
  } },
  h('p', {}, `${state.emailHint || 'メールアドレス'} に確認コードを送信しました。`), slot,
  field({ label: '6桁の確認コード', name: 'code', required: true, attrs: { inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6' } }),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'wide' }, 'ログイン')),
  h('div', { class: 'actions' },
    h('button', { type: 'button', class: 'secondary', onclick: async () => {
      try { await api.post('/api/auth/resend'); slot.replaceChildren(h('div', { class: 'notice ok', role: 'status' }, '確認コードを再送信しました。')); } catch (error) { showError(slot, error); }
    } }, '確認コードを再送信'),
    h('button', { type: 'button', class: 'link', onclick: signInPage }, 'メールアドレスを入力し直す')),
  h('p', { class: 'hint' }, 'メールが届かない場合は、迷惑メールフォルダをご確認ください。'));
  mount(root, frame(serviceName(), h('h1', {}, '確認コードの入力'), form));
}

function home() {
  mount(root, frame(serviceName(), h('h1', {}, 'ホーム'), h('p', {}, `${state.me.email} でログインしています。`)));
}

async function logout() {
  try { await api.post('/api/auth/logout'); } catch (_) { /* already ended */ }
  api.forgetCsrf();
  state.me = null;
  signInPage();
}

async function start() {
  try { state.site = await api.get('/api/site'); } catch (_) { state.site = null; }
  try { state.me = await api.get('/api/auth/me'); home(); } catch (_) { signInPage(); }
}

start();
