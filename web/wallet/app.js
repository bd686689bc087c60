// 利用者アプリ (citizen wallet): sign-in, ホーム, QRコード表示 → お支払い完了, 取引履歴, 加盟店一覧.
import { createApi, h, mount, notice, showError, field, formValues, yen, jstDateTime, randomKey } from '/shared/ui.js';
import { startScanner } from '/shared/scanner.js';
import { pagedList } from '/shared/pager.js';
import { t, language, setLanguage, txnType, money } from '/wallet/i18n.js';
import { loadSite, showSiteChrome } from '/shared/footer.js';
import { walletTabs, refreshUnread, noticesContent, otherContent, termsContent } from '/wallet/notices.js';
import { salesCard, salePage as saleContent } from '/wallet/sale.js';

const root = document.getElementById('root');
const api = createApi('wallet', { onUnauthenticated: () => { if (state.me) { state.me = null; signInPage(); } } });
const state = { me: null, site: null, emailHint: null, timers: [] };

function stopTimers() {
  state.timers.forEach((id) => clearTimeout(id));
  state.timers = [];
}

function later(fn, ms) { state.timers.push(setTimeout(fn, ms)); }

/** The big figure: 13,000<small>円</small> in Japanese, <small>¥</small>13,000 in English. */
function bigMoney(n) {
  return language() === 'en' ? [h('small', { class: 'pre' }, '¥'), yen(n)] : [yen(n), h('small', {}, '円')];
}

function frame(title, ...content) {
  stopTimers();
  const other = language() === 'ja' ? 'en' : 'ja';
  const languageSwitch = h('button', { type: 'button', class: 'link', lang: other,
    onclick: () => { setLanguage(other); showSiteChrome(); (state.current || signInPage)(); } }, other === 'en' ? 'English' : '日本語');
  return [
    h('header', { class: 'topbar' }, h('p', { class: 'title' }, title), languageSwitch,
      state.me ? h('button', { type: 'button', class: 'link', onclick: logout }, t('logout')) : null),
    h('main', { id: 'main', class: 'page' }, ...content),
    state.me && TAB_OF.has(state.current) ? walletTabs(TAB_OF.get(state.current), { home, notices: noticesPage, other: otherPage }) : null,
  ];
}

// --- お知らせ / その他 tabs (web/wallet/notices.js) --------------------------------------------------------
function noticesPage() {
  state.current = noticesPage;
  mount(root, frame(serviceName(), noticesContent(api)));
}

function otherPage() {
  state.current = otherPage;
  const committee = state.site && state.site.committees.find((c) => c.wallet_service_id === serviceId());
  mount(root, frame(serviceName(), otherContent({ committee, onTerms: termsPage, onLanguage: () => { showSiteChrome(); otherPage(); }, onLogout: logout })));
}

function termsPage() {
  state.current = termsPage;
  mount(root, frame(serviceName(), termsContent(otherPage)));
}

function serviceName() {
  const committee = state.site && state.site.committees.find((c) => c.wallet_service_id === serviceId());
  return committee ? committee.wallet_service_name : t('appName');
}

function serviceId() {
  const wanted = new URLSearchParams(location.search).get('s');
  const committees = (state.site && state.site.committees) || [];
  const found = committees.find((c) => c.wallet_service_id === wanted) || committees[0];
  return found ? found.wallet_service_id : null;
}

// --- sign-in -----------------------------------------------------------------------------------------
function signInPage() {
  state.current = signInPage;
  const slot = h('div');
  const form = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    try {
      const step = await api.post('/api/wallet/auth/start', { ...formValues(form), service_id: serviceId() });
      state.emailHint = step.email_hint;
      codePage();
    } catch (error) { showError(slot, error, form); }
  } },
  h('p', {}, t('emailPrompt')), slot,
  field({ label: t('email'), name: 'email', type: 'email', required: true, attrs: { autocomplete: 'email', inputmode: 'email' } }),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'wide' }, t('sendCode'))));
  mount(root, frame(serviceName(), h('h1', {}, t('login')), form));
}

function codePage() {
  state.current = codePage;
  const slot = h('div');
  const form = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    try {
      const step = await api.post('/api/auth/verify', formValues(form));
      state.me = step.me;
      landing();
    } catch (error) { showError(slot, error, form); }
  } },
  h('p', {}, t('codeSent', state.emailHint || '')), slot,
  field({ label: t('code'), name: 'code', required: true, attrs: { inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6' } }),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'wide' }, t('login'))),
  h('div', { class: 'actions' },
    h('button', { type: 'button', class: 'secondary', onclick: async () => {
      try { await api.post('/api/auth/resend'); slot.replaceChildren(h('div', { class: 'notice ok', role: 'status' }, t('resent'))); } catch (error) { showError(slot, error); }
    } }, t('resend')),
    h('button', { type: 'button', class: 'link', onclick: signInPage }, t('reenter'))),
  h('p', { class: 'hint' }, t('noMail')));
  mount(root, frame(serviceName(), h('h1', {}, t('codeTitle')), form));
}

// --- ホーム ----------------------------------------------------------------------------------------------
async function home() {
  state.current = home;
  const data = await api.get('/api/wallet/home');
  refreshUnread(api);
  const typeName = (type) => (type === 'dedicated' ? t('dedicated') : t('common'));
  mount(root, frame(data.service_name || serviceName(),
    h('h1', { class: 'visually-hidden' }, t('home')),
    h('section', { class: 'card center', 'aria-labelledby': 'balance-label' },
      h('p', { id: 'balance-label' }, t('available')),
      h('p', { class: 'big-amount', 'data-testid': 'balance' }, ...bigMoney(data.balance)),
      h('button', { type: 'button', class: 'wide', onclick: qrPage }, t('showQr')),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary wide', onclick: scanPage }, t('scanStore')))),
    h('section', { class: 'card', 'aria-labelledby': 'breakdown-label' },
      h('h2', { id: 'breakdown-label' }, t('breakdown')),
      h('ul', { class: 'list' }, data.lines.map((line) => h('li', {}, h('div', { class: 'row' },
        h('span', {}, `${typeName(line.voucher_type)} (${t('expires')} ${line.expires_on.replaceAll('-', '/')})`),
        h('strong', {}, money(line.balance)))))),
      data.pending ? h('p', { class: 'hint' }, t('pending', money(data.pending))) : null,
      h('p', { class: 'hint' }, t('commonNote'), h('br'), t('dedicatedNote'))),
    h('nav', { 'aria-label': t('home') }, h('ul', { class: 'list' },
      h('li', {}, h('a', { href: '#', onclick: (e) => { e.preventDefault(); historyPage(); } }, h('span', {}, t('history')), h('span', { 'aria-hidden': 'true' }, '›'))),
      h('li', {}, h('a', { href: '#', onclick: (e) => { e.preventDefault(); storesPage(); } }, h('span', {}, t('stores')), h('span', { 'aria-hidden': 'true' }, '›')))))));
  const sales = await salesCard(api, salePage);  // 申込 (web/wallet/sale.js): shown only when a programme is sold by application
  if (sales && state.current === home) root.querySelector('main').append(sales);
}

async function salePage(programmeId) {
  state.current = salePage;
  const content = await saleContent(api, programmeId, home);
  if (state.current === salePage) mount(root, frame(serviceName(), ...content));
}

// --- QRコード表示 → お支払い完了 -------------------------------------------------------------------------
async function qrPage() {
  state.current = qrPage;
  const image = h('img', { alt: t('qrTitle'), width: '300', height: '300' });
  const countdown = h('p', { class: 'center', role: 'timer', 'aria-live': 'off' });
  const slot = h('div', { 'aria-live': 'polite' });
  mount(root, frame(serviceName(), h('h1', {}, t('qrTitle')), slot,
    h('div', { class: 'qr-box' }, image, countdown),
    h('p', { class: 'center' }, t('qrHelp')), h('p', { class: 'hint center' }, t('qrBrightness')),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary wide', onclick: home }, t('back')))));
  const watching = [];  // tokens still valid: the store may read the previous one just before a refresh
  async function refresh() {
    try {
      const issued = await api.post('/api/wallet/qr');
      image.src = issued.image;
      image.dataset.token = issued.token;
      watching.push(issued);
      const untilRefresh = Math.max(5, issued.ttl_seconds - 20) * 1000;
      later(refresh, untilRefresh);
    } catch (error) { showError(slot, error); }
  }
  function tick() {
    const current = watching[watching.length - 1];
    if (current) {
      const left = Math.max(0, current.valid_until - Math.floor(Date.now() / 1000));
      countdown.textContent = t('qrValid', `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`);
    }
    later(tick, 1000);
  }
  async function poll() {
    const now = Math.floor(Date.now() / 1000);
    for (const issued of [...watching]) {
      if (issued.valid_until + 5 < now) { watching.splice(watching.indexOf(issued), 1); continue; }
      try {
        const reply = await api.get(`/api/wallet/qr/${issued.poll_id}`);
        if (reply.state === 'paid') { paidPage(reply.payment); return; }
      } catch (_) { /* a failed poll is retried on the next tick */ }
    }
    later(poll, 1500);
  }
  await refresh();
  tick();
  later(poll, 1500);
}

// --- MPM: read the store's QR, check, pay ----------------------------------------------------------
const MPM = /^SKMPM:\d{7}\.\d{12}\.[A-Za-z0-9_-]+$/;

async function scanPage() {
  state.current = scanPage;
  const video = h('video', { 'aria-label': t('camera') });
  const slot = h('div', { 'aria-live': 'assertive' });
  let stop = () => {};
  mount(root, frame(serviceName(), h('h1', {}, t('scanStore')), h('p', {}, t('scanHelp')), slot,
    h('div', { class: 'video-box' }, video, h('div', { class: 'frame', 'aria-hidden': 'true' })),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary wide', onclick: () => { stop(); home(); } }, t('back')))));
  try {
    stop = await startScanner(video, (text) => confirmMpm(text), { accept: (text) => MPM.test(text) });
  } catch (error) { slot.replaceChildren(notice('error', error.message)); }
}

async function confirmMpm(text) {
  state.current = () => confirmMpm(text);
  const slot = h('div', { 'aria-live': 'assertive' });
  const requestId = text.slice('SKMPM:'.length);
  let request;
  try { request = await api.get(`/api/wallet/mpm/${encodeURIComponent(requestId)}`); } catch (error) {
    mount(root, frame(serviceName(), h('h1', {}, t('confirmPay')), slot));
    showError(slot, error);
    return;
  }
  const key = randomKey();
  mount(root, frame(serviceName(), h('h1', {}, t('confirmPay')), slot,
    h('p', { class: 'big-amount' }, ...bigMoney(request.amount)),
    h('dl', { class: 'detail' }, h('dt', {}, t('storeName')), h('dd', {}, request.store_name)),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'wide', onclick: async () => {
        try {
          paidPage(await api.post(`/api/wallet/mpm/${encodeURIComponent(requestId)}/pay`, { idempotency_key: key }));
        } catch (error) { showError(slot, error); }
      } }, t('pay')),
      h('button', { type: 'button', class: 'secondary wide', onclick: home }, t('back')))));
}

function paidPage(payment) {
  state.current = () => paidPage(payment);
  mount(root, frame(t('paidTitle'),
    h('h1', { class: 'visually-hidden' }, t('paidTitle')),
    h('p', { class: 'big-amount' }, ...bigMoney(payment.amount)),
    h('div', { class: 'done-mark', 'aria-hidden': 'true' }, '✓'),
    h('p', { class: 'center', role: 'status' }, h('strong', {}, t('paid'))),
    h('div', { class: 'card center' }, h('p', {}, t('available')), h('p', { class: 'big-amount' }, ...bigMoney(payment.balance_after))),
    h('h2', {}, t('paymentInfo')),
    h('dl', { class: 'detail' },
      h('dt', {}, t('storeName')), h('dd', {}, payment.store_name),
      h('dt', {}, t('paidAt')), h('dd', {}, jstDateTime(payment.occurred_at, false)),
      h('dt', {}, t('number')), h('dd', {}, payment.number)),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'wide', onclick: home }, t('ok')))));
}

// --- 取引履歴 / 加盟店一覧 ----------------------------------------------------------------------------------
async function historyPage() {
  state.current = historyPage;
  const slot = h('div');
  const paged = pagedList({
    label: t('history'),
    empty: t('noHistory'),
    onError: (error) => showError(slot, error),
    load: async (cursor) => {
      const page = await api.get(`/api/wallet/history${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
      slot.replaceChildren();
      return page;
    },
    render: (items) => h('ul', { class: 'list' }, items.map((item) => h('li', {}, h('div', { class: 'row' },
      h('span', {}, h('span', {}, item.store_name || item.campaign_name || txnType(item.txn_type, item.txn_type_label)), h('br'),
        h('small', {}, `${jstDateTime(item.occurred_at, false)}${t('sep')}${txnType(item.txn_type, item.txn_type_label)}${item.status === 'cancelled' ? ` (${t('cancelled')})` : ''}`)),
      h('strong', {}, money(item.amount, true)))))),
  });
  mount(root, frame(serviceName(), h('h1', {}, t('history')), slot, paged.element,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary wide', onclick: home }, t('back')))));
  await paged.restart();
}

async function storesPage() {
  state.current = storesPage;
  const slot = h('div');
  const area = h('select', { id: 'store-area', name: 'area' }, h('option', { value: '' }, t('allAreas')));
  const form = h('form', { novalidate: true, onsubmit: (event) => { event.preventDefault(); search = formValues(form); paged.restart(); } },
    field({ label: t('searchStores'), name: 'name', type: 'search' }),
    h('div', { class: 'field' }, h('label', { for: 'store-area' }, t('area')), area),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('search'))));
  let areasFilled = false;
  let search = {}; // the values of the last 検索: turning a page keeps them
  const paged = pagedList({
    label: t('stores'),
    empty: t('noStores'),
    onError: (error) => showError(slot, error),
    load: async (cursor) => {
      const query = new URLSearchParams(Object.entries(search).filter(([, v]) => v));
      if (cursor) query.set('cursor', cursor);
      const page = await api.get(`/api/wallet/stores?${query}`);
      if (!areasFilled) { area.append(...page.areas.map((a) => h('option', { value: a }, a))); areasFilled = true; }
      slot.replaceChildren();
      return page;
    },
    render: (items) => h('ul', { class: 'list' }, items.map((s) => h('li', {}, h('div', { class: 'row' },
      h('span', {}, h('strong', {}, s.name), h('br'), h('small', {}, [s.area, s.address, s.phone].filter(Boolean).join(t('sep')))),
      h('span', { class: `badge ${s.large ? '' : 'ok'}` }, s.large ? t('common') : t('bothTypes')))))),
  });
  mount(root, frame(serviceName(), h('h1', {}, t('stores')), slot, form, paged.element,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary wide', onclick: home }, t('back')))));
  await paged.restart();
}

// Which tab is lit on each page; pages not listed (QR, scan, pay) show no tab bar, to keep the code large.
const TAB_OF = new Map([[home, 'home'], [historyPage, 'home'], [storesPage, 'home'], [salePage, 'home'], [noticesPage, 'notices'], [otherPage, 'other'], [termsPage, 'other']]);

async function logout() {
  try { await api.post('/api/auth/logout'); } catch (_) { /* already ended */ }
  api.forgetCsrf();
  state.me = null;
  signInPage();
}

async function start() {
  state.site = await loadSite();
  showSiteChrome({ serviceId: serviceId(), labels: () => ({ contact: t('contact'), phone: t('phone') }) });
  try { state.me = await api.get('/api/auth/me'); await landing(); } catch (_) { signInPage(); }
}

// The expiry reminder email links to /wallet/?s=…#stores: after sign-in, the store list.
async function landing() {
  await home();
  if (location.hash === '#stores') {
    history.replaceState(null, '', location.pathname + location.search);
    storesPage();
  }
}

start();
