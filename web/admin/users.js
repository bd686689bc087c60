// 管理ユーザ一覧 / 管理ユーザ登録 / 詳細 (manual: 店舗管理者・店舗担当者の登録).
import { h, notice, showError, confirmDialog, field, selectField, formValues, jstDateTime } from '/shared/ui.js';

const LOCK_OPTIONS = [['', '指定なし'], ['locked', 'ロック中'], ['unlocked', 'ロックなし']];
const STATUS_OPTIONS = [['', '指定なし'], ['active', '使用中'], ['suspended', '停止中']];

export async function list(ctx, params) {
  const options = await ctx.api.get('/api/admin/options');
  const slot = h('div');
  const results = h('div');
  const roleOptions = [['', '指定なし'], ...options.roles.map((r) => [r.value, r.label])];
  const form = h('form', { class: 'card', novalidate: true, onsubmit: (event) => { event.preventDefault(); run(); } },
    h('h2', {}, '検索'), slot,
    h('div', { class: 'grid' },
      field({ label: '管理ユーザID', name: 'user_id', attrs: { placeholder: '管理ユーザIDを入力' } }),
      field({ label: 'ログインID', name: 'login_id', attrs: { placeholder: 'ログインIDを入力' } }),
      field({ label: 'メールアドレス', name: 'email', type: 'email', attrs: { placeholder: 'メールアドレスを入力 (完全一致)' } }),
      selectField({ label: 'ユーザ区分', name: 'role', options: roleOptions }),
      selectField({ label: 'アカウントロック状態', name: 'locked', options: LOCK_OPTIONS }),
      selectField({ label: 'アカウント利用ステータス', name: 'status', options: STATUS_OPTIONS, value: 'active' }),
      field({ label: 'アクワイアラ', name: 'committee', attrs: { placeholder: 'アクワイアラIDまたはアクワイアラ名を入力' } }),
      field({ label: 'バリューイシュア', name: 'issuer', attrs: { placeholder: 'イシュアIDまたはイシュア名を入力', disabled: true } }),
      field({ label: 'ウォレットサービス', name: 'service', attrs: { placeholder: 'サービスIDまたはサービス名を入力', disabled: true } }),
      field({ label: '店舗', name: 'store', attrs: { placeholder: '店舗IDまたは店舗名を入力' } }),
      field({ label: '企業', name: 'company', attrs: { placeholder: '企業IDまたは企業名を入力' } })),
    h('div', { class: 'actions' },
      h('button', { type: 'reset', class: 'secondary' }, 'クリア'), h('span', { class: 'spacer' }),
      h('button', { type: 'submit' }, '検索')));

  let pages = [null];
  let current = 0;
  async function run(index = 0) {
    current = index;
    const values = formValues(form);
    const query = new URLSearchParams(Object.entries(values).filter(([, v]) => v));
    if (pages[index]) query.set('cursor', pages[index]);
    try {
      const reply = await ctx.api.get(`/api/admin/users?${query}`);
      pages = pages.slice(0, index + 1);
      if (reply.next_cursor) pages.push(reply.next_cursor);
      results.replaceChildren(table(reply.items, index));
    } catch (error) { showError(slot, error, form); }
  }

  function table(items, index) {
    const start = index * 50;
    const pager = h('div', { class: 'pager' },
      h('span', {}, items.length ? `${start + 1}-${start + items.length}件目を表示中` : '0-0件目を表示中'),
      h('button', { type: 'button', class: 'secondary', disabled: index === 0, onclick: () => run(current - 1) }, '前へ'),
      h('button', { type: 'button', class: 'secondary', disabled: !pages[index + 1], onclick: () => run(current + 1) }, '次へ'));
    return h('section', { 'aria-label': '検索結果' }, pager,
      h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['管理ユーザID', 'ログインID', '氏名', 'ユーザ区分', 'アクワイアラ', '企業', '店舗', 'メールアドレス', 'ロック', '利用ステータス']
          .map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, items.map((u) => h('tr', {},
          h('td', {}, h('a', { href: `#/users/detail?id=${encodeURIComponent(u.user_id)}` }, u.user_id)),
          h('td', {}, u.login_id), h('td', {}, u.name), h('td', {}, u.role_label),
          h('td', {}, u.committee_name || ''), h('td', {}, u.company_name || ''), h('td', {}, u.store_name || ''),
          h('td', {}, u.email),
          h('td', {}, u.locked ? h('span', { class: 'badge bad' }, 'ロック中') : ''),
          h('td', {}, h('span', { class: `badge ${u.status === 'active' ? 'ok' : 'bad'}` }, u.status_label))))))));
  }
  form.addEventListener('reset', () => setTimeout(() => run(0)));
  run(0);
  return h('div', {}, h('h1', {}, '管理ユーザ一覧'), form, results);
}

export async function register(ctx) {
  const options = await ctx.api.get('/api/admin/options');
  const slot = h('div');
  const role = selectField({ label: '権限', name: 'role', required: true, options: options.roles.map((r) => [r.value, r.label]), value: 'store_manager' });
  const committee = selectField({ label: 'アクワイアラ', name: 'committee_id', options: [['', '未指定'], ...options.committees.map((c) => [c.value, c.label])], value: options.committees.length === 1 ? options.committees[0].value : '' });
  const company = selectField({ label: '企業', name: 'company_id', options: [['', '未指定']] });
  const store = selectField({ label: '店舗', name: 'store_id', options: [['', '未指定']] });

  function refill(select, items, parent, keep) {
    const value = keep ? select.value : '';
    select.replaceChildren(h('option', { value: '' }, '未指定'), ...items.filter((i) => !parent || i.parent === parent).map((i) => h('option', { value: i.value }, i.label)));
    if ([...select.options].some((o) => o.value === value)) select.value = value;
  }
  const companySelect = company.querySelector('select');
  const storeSelect = store.querySelector('select');
  const committeeSelect = committee.querySelector('select');
  committeeSelect.addEventListener('change', () => { refill(companySelect, options.companies, committeeSelect.value); refill(storeSelect, [], ''); });
  companySelect.addEventListener('change', () => refill(storeSelect, options.stores, companySelect.value));
  refill(companySelect, options.companies, committeeSelect.value, false);
  if (options.companies.length === 1) { companySelect.value = options.companies[0].value; }
  refill(storeSelect, options.stores, companySelect.value, false);

  const form = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    if (!(await confirmDialog('更新します。よろしいですか？'))) return;
    const values = formValues(form);
    for (const key of ['committee_id', 'company_id', 'store_id']) if (!values[key]) values[key] = null;
    try {
      await ctx.api.post('/api/admin/users', values);
      ctx.flash('ok', '管理ユーザの登録が完了しました。');
      ctx.go('#/users');
    } catch (error) { showError(slot, error, form); }
  } },
  slot, role, committee,
  selectField({ label: 'バリューイシュア', name: 'issuer', options: [['', '未指定']], attrs: { disabled: true } }),
  selectField({ label: 'ウォレットサービス', name: 'service', options: [['', '未指定']], attrs: { disabled: true } }),
  company, store,
  field({ label: '氏名', name: 'name', required: true, attrs: { autocomplete: 'off' } }),
  field({ label: 'ログインID', name: 'login_id', required: true, hint: '※ログインIDは8文字以上で設定してください', attrs: { autocomplete: 'off', autocapitalize: 'off' } }),
  field({ label: 'メールアドレス', name: 'email', type: 'email', required: true, attrs: { placeholder: 'メールアドレスを入力' } }),
  h('div', { class: 'field' }, h('label', { for: 'note' }, '備考'), h('textarea', { id: 'note', name: 'note', rows: '3' })),
  h('fieldset', { class: 'checks' }, h('legend', {}, '登録通知メール'),
    h('label', {}, h('input', { type: 'checkbox', name: 'notify' }), '入力したメールアドレスに登録結果を通知する')),
  h('div', { class: 'actions' }, h('a', { class: 'button secondary', href: '#/users' }, '戻る'), h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '登録')));
  return h('div', {}, h('h1', {}, '管理ユーザ登録'), form);
}

export async function detail(ctx, params) {
  const id = params.get('id') || '';
  const user = await ctx.api.get(`/api/admin/users/${encodeURIComponent(id)}`);
  const slot = h('div');
  async function act(path, message, done) {
    if (!(await confirmDialog(message))) return;
    try {
      await ctx.api.post(`/api/admin/users/${encodeURIComponent(id)}/${path}`);
      ctx.flash('ok', done);
      ctx.go(`#/users/detail?id=${encodeURIComponent(id)}&t=${Date.now()}`);
    } catch (error) { showError(slot, error); }
  }
  const rows = [
    ['管理ユーザID', user.user_id], ['ログインID', user.login_id], ['氏名', user.name], ['権限', user.role_label],
    ['アクワイアラ', user.committee_name || '未指定'], ['企業', user.company_name ? `${user.company_name}/${user.company_id}` : '未指定'],
    ['店舗', user.store_name ? `${user.store_name}/${user.store_id}` : '未指定'], ['メールアドレス', user.email], ['備考', user.note || ''],
    ['アカウントロック状態', user.locked ? 'ロック中' : 'ロックなし'], ['アカウント利用ステータス', user.status_label],
    ['初期パスワード', user.must_change_password ? '未変更' : '変更済み'], ['登録日時', jstDateTime(user.created_at)],
  ];
  return h('div', {},
    h('p', {}, h('a', { href: '#/users' }, '< 管理ユーザ一覧')),
    h('h1', {}, '管理ユーザ詳細'), slot,
    h('div', { class: 'card' }, h('dl', { class: 'detail' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))),
    h('div', { class: 'actions' },
      user.locked ? h('button', { type: 'button', onclick: () => act('unlock', 'アカウントロックを解除します。よろしいですか？', 'アカウントロックを解除しました。') }, 'ロック解除') : null,
      user.status === 'active'
        ? h('button', { type: 'button', class: 'danger', onclick: () => act('suspend', 'このユーザを利用停止にします。よろしいですか？', '利用停止にしました。') }, '利用停止')
        : h('button', { type: 'button', onclick: () => act('resume', 'このユーザの利用を再開します。よろしいですか？', '利用を再開しました。') }, '利用再開')));
}
