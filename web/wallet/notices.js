// The wallet's tabs (ホーム / お知らせ / その他) and what the お知らせ and その他 tabs show. The manual's
// wallet also has クーポン and プッシュ履歴; they are not built, so no tab leads to them.
import { h } from '/shared/ui.js';
import { noticeList } from '/shared/notices.js';
import { t, language, setLanguage } from '/wallet/i18n.js';

const unread = { count: 0, listeners: new Set() };

function setUnread(n) {
  unread.count = n;
  unread.listeners.forEach((fn) => fn(n));
}

/** Fetch the unread count for the tab's badge (the home screen calls it; failures keep the old count). */
export async function refreshUnread(api) {
  try { setUnread((await api.get('/api/wallet/notices')).unread_count); } catch (_) { /* keep the last count */ }
}

/** The tab bar. current: 'home' | 'notices' | 'other'; open: the page functions of the three tabs. */
export function walletTabs(current, open) {
  const count = h('span', { class: 'count', 'data-testid': 'unread-count', hidden: !unread.count }, String(unread.count));
  const listener = (n) => {
    if (!count.isConnected) { unread.listeners.delete(listener); return; }
    count.textContent = String(n);
    count.hidden = !n;
  };
  unread.listeners.add(listener);
  const tab = (name, label, extra) => h('button', { type: 'button', 'aria-current': name === current ? 'page' : null,
    onclick: () => open[name]() }, label, extra,
  extra ? h('span', { class: 'visually-hidden' }, t('unreadCount')) : null);
  return h('nav', { class: 'tabbar', 'aria-label': t('tabs') },
    tab('home', t('home')), tab('notices', t('notices'), count), tab('other', t('other')));
}

/** The お知らせ tab: the notices the resident is sent, unread ones marked; opening one clears the mark. */
export function noticesContent(api) {
  const { element, load } = noticeList({
    api,
    listPath: '/api/wallet/notices',
    readPath: (id) => `/api/wallet/notices/${encodeURIComponent(id)}/read`,
    labels: { unread: t('unread'), empty: t('noNotices'), period: (s, e) => t('noticePeriod', s, e) },
    onCount: setUnread,
  });
  const slot = h('div');
  load().catch((error) => slot.replaceChildren(h('div', { class: 'notice error', role: 'alert' }, error.message)));
  return [h('h1', {}, t('notices')), slot, element];
}

/** The その他 tab: the committee's contact, terms, language and sign-out. */
export function otherContent({ committee, onTerms, onLanguage, onLogout }) {
  const other = language() === 'ja' ? 'en' : 'ja';
  const phone = committee && committee.contact_phone;
  return [
    h('h1', {}, t('other')),
    h('section', { class: 'card', 'aria-labelledby': 'contact-label' },
      h('h2', { id: 'contact-label' }, t('contact')),
      committee ? h('p', {}, h('strong', {}, committee.name)) : h('p', {}, t('noContact')),
      phone ? h('p', {}, `${t('phone')} `, h('a', { href: `tel:${phone.replace(/[^0-9+]/g, '')}` }, phone)) : null,
      committee && committee.contact_hours ? h('p', {}, `${t('hours')} ${committee.contact_hours}`) : null),
    h('nav', { 'aria-label': t('other') }, h('ul', { class: 'list' },
      h('li', {}, h('a', { href: '#', onclick: (e) => { e.preventDefault(); onTerms(); } }, h('span', {}, t('terms')), h('span', { 'aria-hidden': 'true' }, '›'))),
      h('li', {}, h('a', { href: '#', lang: other, onclick: (e) => { e.preventDefault(); setLanguage(other); onLanguage(); } },
        h('span', {}, `${t('language')}: ${other === 'en' ? 'English' : '日本語'}`), h('span', { 'aria-hidden': 'true' }, '›'))),
      h('li', {}, h('a', { href: '#', onclick: (e) => { e.preventDefault(); onLogout(); } }, h('span', {}, t('logout')), h('span', { 'aria-hidden': 'true' }, '›'))))),
  ];
}

/** ご利用にあたって: the rules a resident agrees to, from SPEC §6 (the money rules) and §12. */
export function termsContent(onBack) {
  return [
    h('h1', {}, t('terms')),
    h('ol', { class: 'terms' }, t('termsItems').map((line) => h('li', {}, line))),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary wide', onclick: onBack }, t('back'))),
  ];
}
