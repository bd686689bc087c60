// Every screen's frame around the app: the stage badge (【ローカル】, none on prod) and the footer with
// the committee's contact (name, phone, hours), both from /api/site. The apps call showSiteChrome()
// once at start and again when they know whose committee it is; mount() never touches these nodes.
import { h } from '/shared/ui.js';

const JA = { contact: 'お問い合わせ', phone: '電話' };
const state = { committeeId: null, serviceId: null, labels: () => JA };
let sitePromise = null;

/** /api/site, fetched once per page load and shared (the wallet reads its service names from it). */
export function loadSite() {
  if (!sitePromise) {
    sitePromise = fetch('/api/site', { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then((response) => (response.ok ? response.json() : null))
      .catch(() => null);
  }
  return sitePromise;
}

function ensureStyles() {
  if (document.getElementById('site-css')) return;
  document.head.append(h('link', { id: 'site-css', rel: 'stylesheet', href: '/shared/site.css' }));
}

function chosenCommittees(site) {
  const all = (site && site.committees) || [];
  const byId = all.filter((c) => c.committee_id === state.committeeId);
  if (byId.length) return byId;
  const byService = all.filter((c) => c.wallet_service_id === state.serviceId);
  if (byService.length) return byService;
  return all.length === 1 ? all : all.filter((c) => c.contact_phone);
}

function contactLine(committee, labels) {
  return h('p', { class: 'contact' },
    h('span', { class: 'contact-name' }, committee.name),
    committee.contact_phone
      ? h('span', {}, `${labels.phone} `, h('a', { href: `tel:${committee.contact_phone.replace(/[^0-9+]/g, '')}` }, committee.contact_phone))
      : null,
    committee.contact_hours ? h('span', {}, `（${committee.contact_hours}）`) : null);
}

function render(site) {
  ensureStyles();
  const labels = state.labels();
  let badge = document.getElementById('stage-badge');
  if (site && site.stage_label) {
    if (!badge) {
      badge = h('p', { id: 'stage-badge', class: 'stage-badge', role: 'note' });
      document.body.prepend(badge);
    }
    badge.textContent = `【${site.stage_label}】`;
  } else if (badge) badge.remove();
  const committees = chosenCommittees(site);
  let footer = document.getElementById('site-footer');
  if (!committees.length) { if (footer) footer.remove(); return; }
  if (!footer) {
    footer = h('footer', { id: 'site-footer', class: 'site-footer' });
    document.body.append(footer);
  }
  footer.replaceChildren(h('p', { class: 'contact-title' }, labels.contact), ...committees.map((c) => contactLine(c, labels)));
}

/**
 * Show (or refresh) the badge and the footer. `committeeId`: the signed-in user's committee;
 * `serviceId`: the wallet's service; `labels`: a function giving { contact, phone } in the page's language.
 */
export async function showSiteChrome(options = {}) {
  for (const [key, value] of Object.entries(options)) if (value !== undefined) state[key] = value;
  render(await loadSite());
}

/** The committee a signed-in user belongs to, or null for everyone (system admin, signed out). */
export function setChromeCommittee(committeeId, { reload = false } = {}) {
  state.committeeId = committeeId || null;
  if (reload) sitePromise = null;
  loadSite().then(render);
}
