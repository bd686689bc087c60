// お知らせ as residents and stores read them: a list with unread marks; opening one marks it read.
// The body is plain text: it is put on the page as text nodes, and only http(s) addresses in it become
// links, so markup or script in a notice is shown as the characters it is and never runs.
import { h } from '/shared/ui.js';

const URL_IN_TEXT = /https?:\/\/[^\s<>"'「」『』（）【】、。]+/g;

function safeLink(candidate) {
  const trimmed = candidate.replace(/[.,!?;:)\]]+$/, '');
  try {
    const url = new URL(trimmed);
    if (url.protocol === 'https:' || url.protocol === 'http:') return { text: trimmed, href: url.href };
  } catch (_) { /* not an address: stays text */ }
  return null;
}

/** A notice body as nodes: text, line breaks and safe links. */
export function noticeBody(text) {
  const nodes = [];
  (text || '').split('\n').forEach((line, index) => {
    if (index) nodes.push(h('br'));
    let last = 0;
    for (const match of line.matchAll(URL_IN_TEXT)) {
      const link = safeLink(match[0]);
      if (!link) continue;
      nodes.push(line.slice(last, match.index));
      nodes.push(h('a', { href: link.href, target: '_blank', rel: 'noopener noreferrer' }, link.text));
      last = match.index + link.text.length;
    }
    nodes.push(line.slice(last));
  });
  return h('div', { class: 'notice-body' }, nodes.filter((n) => n !== ''));
}

const JA = { unread: '未読', empty: 'お知らせはありません。', period: (s, e) => `掲載期間 ${s} 〜 ${e}` };

function slash(isoDate) { return isoDate.replaceAll('-', '/'); }

/**
 * The list of the caller's notices. listPath: GET of {items, unread_count}; readPath(id): POST marking
 * one read. onCount(n) hears the unread count (for a tab's badge). labels: texts in the page's language.
 */
export function noticeList({ api, listPath, readPath, labels = JA, onCount = () => {} }) {
  const list = h('ul', { class: 'list notices', 'data-testid': 'notices' });
  let unread = 0;
  function item(notice) {
    const mark = notice.unread ? h('span', { class: 'badge unread', 'data-testid': 'unread' }, labels.unread) : null;
    const details = h('details', { class: 'notice-item', dataset: { noticeId: notice.notice_id } },
      h('summary', {}, h('span', { class: 'notice-title' }, notice.title), mark),
      h('p', { class: 'hint' }, labels.period(slash(notice.start_date), slash(notice.end_date))),
      noticeBody(notice.body));
    details.addEventListener('toggle', async () => {
      if (!details.open || !mark || !mark.isConnected) return;
      try {
        await api.post(readPath(notice.notice_id));
        mark.remove();
        unread = Math.max(0, unread - 1);
        onCount(unread);
      } catch (_) { /* stays unread; the next opening tries again */ }
    });
    return h('li', {}, details);
  }
  async function load() {
    const reply = await api.get(listPath);
    unread = reply.unread_count;
    onCount(unread);
    list.replaceChildren(...(reply.items.length ? reply.items.map(item) : [h('li', {}, h('p', {}, labels.empty))]));
    return reply;
  }
  return { element: list, load };
}
