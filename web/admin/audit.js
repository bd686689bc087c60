// 監査ログ: who did what, when, to which record (SPEC §3.11).
import { h, showError, field, formValues, jstDateTime, jstToday } from '/shared/ui.js';
import { pagedList } from '/shared/pager.js';

export async function list(ctx) {
  const slot = h('div');
  const today = jstToday();
  const weekAgo = new Date(Date.parse(today) - 6 * 86400000).toISOString().slice(0, 10);
  const actionSelect = h('select', { id: 'audit-action', name: 'action' }, h('option', { value: '' }, 'すべての操作'));
  const actionField = h('div', { class: 'field' }, h('label', { for: 'audit-action' }, '操作'), actionSelect);
  const form = h('form', { class: 'card', novalidate: true, onsubmit: (event) => { event.preventDefault(); run(); } },
    slot,
    h('div', { class: 'grid' },
      field({ label: '開始日', name: 'date_from', type: 'date', value: weekAgo, required: true }),
      field({ label: '終了日', name: 'date_to', type: 'date', value: today, required: true }),
      actionField,
      ctx.me.role === 'system_admin' ? field({ label: 'アクワイアラID', name: 'committee_id' }) : null),
    h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '検索')));
  let search = []; // the values of the last 検索: turning a page keeps them
  const paged = pagedList({
    label: '検索結果',
    empty: '該当する操作はありません。',
    onError: (error) => showError(slot, error, form),
    load: async (cursor) => {
      const query = new URLSearchParams(search);
      if (cursor) query.set('cursor', cursor);
      const reply = await ctx.api.get(`/api/admin/audit?${query}`);
      if (actionSelect.options.length === 1) {
        actionSelect.append(...Object.entries(reply.actions || {}).map(([code, label]) => h('option', { value: code }, label)));
      }
      slot.replaceChildren();
      return reply;
    },
    render: (items) => h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['日時', '操作', '操作者', '対象', '接続元', '内容'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map((e) => h('tr', {},
        h('td', {}, jstDateTime(e.at)), h('td', {}, e.action_label),
        h('td', {}, e.actor.login_id || e.actor.wallet_id || e.actor.terminal_id || ''),
        h('td', {}, e.target_label || ''),
        h('td', {}, e.source_ip || ''), h('td', {}, e.detail_label || '')))))),
  });
  const results = h('div', {}, paged.element);
  function run() {
    search = Object.entries(formValues(form)).filter(([, v]) => v);
    return paged.restart();
  }
  run();
  return h('div', {}, h('h1', {}, '監査ログ'), form, results);
}
