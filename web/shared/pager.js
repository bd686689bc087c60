// One paging style for every list of the three apps (issue 14.11), as the manual's 取引履歴一覧 draws it:
// 「« ‹ 2 ›」 at the top right of the list with 「51-100件目を表示中」 beside it, the same buttons again
// under a long list. Pages come from the API's opaque cursors, so the pager knows the pages it has
// seen: « goes back to the first, ‹ one back, › one on (while the API says there is more).
//
// Keyboard: the buttons are ordinary buttons in a <nav> (Tab, Enter, Space). After a page turn the
// focus stays on the button pressed, in the pager above the list (a turn from the pager below brings
// the top of the list into view); if that button is now disabled (the first or last page), the focus
// goes to the 「N-M件目を表示中」 line, so it is never lost to the page.
import { h } from '/shared/ui.js';

const WORDS = {
  ja: {
    nav: 'ページ送り', navBelow: 'ページ送り (一覧の下)', first: '最初のページ', prev: '前のページ', next: '次のページ',
    page: 'ページ', shown: (a, b) => `${a}-${b}件目を表示中`, none: '該当するデータはありません。', loading: '読み込み中…',
  },
  en: {
    nav: 'Pages', navBelow: 'Pages (below the list)', first: 'First page', prev: 'Previous page', next: 'Next page',
    page: 'Page', shown: (a, b) => `Showing ${a}-${b}`, none: 'Nothing found.', loading: 'Loading…',
  },
};
// Under a list this long the buttons are repeated below it (a phone user should not scroll back up).
const BOTTOM_FROM = 10;

/**
 * A paged list.
 *   load(cursor) → Promise<{items, next_cursor}>   one page from the API (cursor null: the first page)
 *   render(items, start) → Node                    the rows of one page (start: rows before it)
 *   empty: what to say when there is nothing (it replaces 「N-M件目を表示中」)
 *   label: the list's accessible name (e.g. 「検索結果」); onError(error): show a failed load
 *   lang: 'ja' | 'en' (default: the page's lang)
 * Returns { element, restart() (from the first page, e.g. a new search), reload() (the page shown) }.
 */
export function pagedList({ load, render, empty, label, onError, lang }) {
  const words = WORDS[lang || document.documentElement.lang] || WORDS.ja;
  let cursors = [null]; // cursors[i] fetches page i
  let starts = [0]; // rows before page i
  let index = 0;
  let generation = 0;
  const status = h('span', { role: 'status', class: 'pager-status', tabindex: '-1' }, words.loading);
  const top = h('nav', { class: 'pager', 'aria-label': words.nav });
  const bottom = h('nav', { class: 'pager', 'aria-label': words.navBelow, hidden: true });
  const rows = h('div', { class: 'pager-rows' });
  const element = h('section', { class: 'paged', 'aria-label': label || words.nav }, top, rows, bottom);
  top.append(status);

  function buttons(where, count) {
    const button = (key, glyph, target, enabled) => h('button', {
      type: 'button', class: 'secondary', 'aria-label': words[key], title: words[key], 'data-page': key,
      disabled: !enabled, onclick: () => show(target, { where, key }),
    }, glyph);
    return [
      button('first', '«', 0, index > 0),
      button('prev', '‹', index - 1, index > 0),
      h('span', { class: 'pager-page' }, h('span', { class: 'visually-hidden' }, words.page), String(index + 1)),
      button('next', '›', index + 1, Boolean(cursors[index + 1]) && count > 0),
    ];
  }

  async function show(target, from) {
    const mine = ++generation;
    let reply;
    try {
      reply = await load(cursors[target]);
    } catch (error) {
      if (mine === generation && onError) onError(error);
      return;
    }
    if (mine !== generation) return; // a newer search or page turn has replaced this one
    index = target;
    cursors = cursors.slice(0, index + 1);
    starts = starts.slice(0, index + 1);
    const items = reply.items || [];
    if (reply.next_cursor) {
      cursors.push(reply.next_cursor);
      starts.push(starts[index] + items.length);
    }
    const start = starts[index];
    status.textContent = items.length ? words.shown(start + 1, start + items.length) : (empty || words.none);
    rows.replaceChildren(items.length ? render(items, start) : '');
    top.replaceChildren(...buttons('top', items.length), status);
    bottom.replaceChildren(...buttons('bottom', items.length));
    bottom.hidden = items.length < BOTTOM_FROM;
    if (from) {
      if (from.where === 'bottom') element.scrollIntoView({ block: 'start' });
      const again = top.querySelector(`[data-page="${from.key}"]`);
      (again && !again.disabled ? again : status).focus({ preventScroll: from.where !== 'bottom' });
    }
  }

  return {
    element,
    restart() {
      cursors = [null];
      starts = [0];
      return show(0);
    },
    reload() { return show(index); },
  };
}
