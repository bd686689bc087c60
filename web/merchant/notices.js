// お知らせ in the merchant app: the committee's notices for every store and for this store's area, on
// the home and お知らせ screens; after sign-in the first screen says how many are unread.
import { h } from '/shared/ui.js';
import { noticeList } from '/shared/notices.js';

const LIST = '/api/merchant/notices';

export function homeNotices(api, { heading = 'h2' } = {}) {
  const count = h('span', { class: 'hint', role: 'status' });
  const { element, load } = noticeList({
    api,
    listPath: LIST,
    readPath: (id) => `/api/merchant/notices/${encodeURIComponent(id)}/read`,
    onCount: (n) => { count.textContent = n ? `未読 ${n}件` : ''; },
  });
  const section = h('section', { class: 'card', 'aria-labelledby': 'merchant-notices' },
    h(heading, { id: 'merchant-notices' }, 'お知らせ ', count), element);
  load().catch(() => element.replaceChildren(h('li', {}, h('p', {}, 'お知らせを読み込めませんでした。'))));
  return section;
}

/** After sign-in: if notices are unread, a line at the top of the shown screen leads to them. */
export async function unreadBanner(api, root, open) {
  let reply;
  try { reply = await api.get(LIST); } catch (_) { return; }
  const main = root.querySelector('main');
  if (!reply.unread_count || !main) return;
  main.prepend(h('div', { class: 'notice warn', role: 'status' },
    `未読のお知らせが${reply.unread_count}件あります。 `,
    h('button', { type: 'button', class: 'link', onclick: open }, 'お知らせを見る')));
}
