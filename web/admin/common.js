// Building blocks of the console's 一覧 / 登録 / 詳細 screens, so every list pages and searches alike.
import { h, showError, field, selectField, formValues, confirmDialog, checkForm } from '/shared/ui.js';
import { pagedList } from '/shared/pager.js';

/**
 * A search form over a paged list API, paged as every list is (web/shared/pager.js: « ‹ N › and
 * 「N-M件目を表示中」). fields: [{label, name, type?, options?, value?, placeholder?}];
 * columns: [{label, value(row), num?, link?(row)}]
 */
export function searchList(ctx, { endpoint, fields, columns, pageSize = 50, emptyText = '該当するデータはありません。', autoRun = true, method = 'GET' }) {
  const slot = h('div');
  const form = h('form', { class: 'card', novalidate: true, onsubmit: (event) => { event.preventDefault(); run(); } },
    h('h2', {}, '検索'), slot,
    h('div', { class: 'grid' }, fields.map((f) => (f.options
      ? selectField({ label: f.label, name: f.name, options: f.options, value: f.value || '' })
      : field({ label: f.label, name: f.name, type: f.type || 'text', value: f.value || '', attrs: { placeholder: f.placeholder || '' } })))),
    h('div', { class: 'actions' },
      h('button', { type: 'reset', class: 'secondary' }, 'クリア'), h('span', { class: 'spacer' }),
      h('button', { type: 'submit' }, '検索')));
  let search = null; // the form's values at 検索: turning a page keeps them, even if the form was edited since
  const list = pagedList({
    label: '検索結果',
    empty: emptyText,
    onError: (error) => showError(slot, error, form),
    load: async (cursor) => {
      const query = new URLSearchParams(search);
      query.set('page_size', String(pageSize));
      if (cursor) query.set('cursor', cursor);
      // POST keeps what was typed (an email address) out of URLs, and so out of CloudFront's access logs.
      const reply = method === 'POST' ? await ctx.api.post(endpoint, Object.fromEntries(query)) : await ctx.api.get(`${endpoint}?${query}`);
      slot.replaceChildren();
      return reply;
    },
    render: (items) => h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : '' }, c.label)))),
      h('tbody', {}, items.map((row) => h('tr', {}, columns.map((c) => {
        const value = c.value(row);
        const content = c.link ? h('a', { href: c.link(row) }, value) : value;
        return h('td', { class: c.num ? 'num' : '' }, content);
      })))))),
  });
  const results = h('div');
  function run() {
    search = Object.entries(formValues(form)).filter(([, v]) => v !== '' && v !== false);
    if (!results.firstChild) results.append(list.element);
    return list.restart();
  }
  form.addEventListener('reset', () => setTimeout(run));
  if (autoRun) run();
  return { form, results, run };
}

/**
 * A create / edit form. fields as searchList plus {required, checkbox, textarea, hint}.
 * submit(values) returns the saved record; the confirm text is the manual's 「更新します。よろしいですか？」.
 */
export function entityForm({ fields, submitLabel = '登録', back, submit, confirmText = '更新します。よろしいですか？' }) {
  const slot = h('div');
  const form = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    if (!checkForm(form, slot)) return;
    if (!(await confirmDialog(confirmText))) return;
    try { await submit(formValues(form)); } catch (error) { showError(slot, error, form); }
  } },
  slot,
  fields.map((f) => {
    if (f.checkbox) {
      return h('fieldset', { class: 'checks' }, h('legend', {}, f.label),
        h('label', {}, h('input', { type: 'checkbox', name: f.name, checked: Boolean(f.value) }), f.checkbox));
    }
    if (f.textarea) {
      const id = `f-${f.name}`;
      return h('div', { class: 'field' }, h('label', { for: id }, f.label), h('textarea', { id, name: f.name, rows: '3' }, f.value || ''));
    }
    if (f.options) return selectField({ label: f.label, name: f.name, options: f.options, value: f.value ?? '', required: f.required });
    return field({ label: f.label, name: f.name, type: f.type || 'text', value: f.value ?? '', required: f.required, hint: f.hint,
      attrs: { placeholder: f.placeholder || '', readonly: f.readonly || null, inputmode: f.inputmode || null } });
  }),
  h('div', { class: 'actions' },
    back ? h('a', { class: 'button secondary', href: back }, '戻る') : null, h('span', { class: 'spacer' }),
    h('button', { type: 'submit' }, submitLabel)));
  return form;
}

/** 詳細: a definition list of [label, value] rows. */
export function details(rows) {
  return h('div', { class: 'card' }, h('dl', { class: 'detail' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '')])));
}

export const STATUS_OPTIONS = [['', '指定なし'], ['active', '有効'], ['suspended', '利用停止']];

/** Values of an entity form, with empty strings as null (the API's "not set"). */
export function nulls(values) {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === '' ? null : v]));
}

/** Hands `blob` to the browser as a download named `filename` (an object URL, released at once). */
export function saveFile(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}
