// 管理ユーザ一覧 / 管理ユーザ登録 / 詳細 (manual: 店舗管理者・店舗担当者の登録).
import { h, showError, confirmDialog, field, selectField, formValues, jstDateTime } from '/shared/ui.js';
import { searchList } from '/admin/common.js';

const LOCK_OPTIONS = [['', '指定なし'], ['locked', 'ロック中'], ['unlocked', 'ロックなし']];
const STATUS_OPTIONS = [['', '指定なし'], ['active', '使用中'], ['suspended', '停止中']];  // the manual's アカウント利用ステータス

export async function list(ctx) {
  const options = await ctx.api.get('/api/admin/options');
  const view = searchList(ctx, {
    endpoint: '/api/admin/users',
    fields: [
      { label: '管理ユーザID', name: 'user_id', placeholder: '管理ユーザIDを入力' },
      { label: 'ログインID', name: 'login_id', placeholder: 'ログインIDを入力' },
      { label: 'メールアドレス', name: 'email', type: 'email', placeholder: 'メールアドレスを入力 (完全一致)' },
      { label: 'ユーザ区分', name: 'role', options: [['', '指定なし'], ...options.roles.map((r) => [r.value, r.label])] },
      { label: 'アカウントロック状態', name: 'locked', options: LOCK_OPTIONS },
      { label: 'アカウント利用ステータス', name: 'status', options: STATUS_OPTIONS, value: 'active' },
      { label: 'アクワイアラ', name: 'committee', placeholder: 'アクワイアラIDまたはアクワイアラ名を入力' },
      { label: 'バリューイシュア', name: 'issuer', placeholder: 'イシュアIDまたはイシュア名を入力' },
      { label: 'ウォレットサービス', name: 'service', placeholder: 'サービスIDまたはサービス名を入力' },
      { label: '店舗', name: 'store', placeholder: '店舗IDまたは店舗名を入力' },
      { label: '企業', name: 'company', placeholder: '企業IDまたは企業名を入力' },
    ],
    columns: [
      { label: '管理ユーザID', value: (u) => u.user_id, link: (u) => `#/users/detail?id=${encodeURIComponent(u.user_id)}` },
      { label: 'ログインID', value: (u) => u.login_id }, { label: '氏名', value: (u) => u.name },
      { label: 'ユーザ区分', value: (u) => u.role_label }, { label: 'アクワイアラ', value: (u) => u.committee_name || '' },
      { label: '企業', value: (u) => u.company_name || '' }, { label: '店舗', value: (u) => u.store_name || '' },
      { label: 'メールアドレス', value: (u) => u.email },
      { label: 'ロック', value: (u) => (u.locked ? h('span', { class: 'badge bad' }, 'ロック中') : '') },
      { label: '利用ステータス', value: (u) => h('span', { class: `badge ${u.status === 'active' ? 'ok' : 'bad'}` }, u.status_label) },
    ],
  });
  return h('div', {}, h('h1', {}, '管理ユーザ一覧'), view.form, view.results);
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
  const self = ctx.me && ctx.me.user_id === user.user_id;
  const manageable = self || (ctx.me && (ctx.me.role === 'system_admin' || RANK[user.role] > RANK[ctx.me.role]));
  return h('div', {},
    h('p', {}, h('a', { href: '#/users' }, '< 管理ユーザ一覧')),
    h('h1', {}, '管理ユーザ詳細'), slot,
    h('div', { class: 'card' }, h('dl', { class: 'detail' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))),
    h('div', { class: 'actions' },
      user.locked ? h('button', { type: 'button', onclick: () => act('unlock', 'アカウントロックを解除します。よろしいですか？', 'アカウントロックを解除しました。') }, 'ロック解除') : null,
      user.status === 'active'
        ? h('button', { type: 'button', class: 'danger', onclick: () => act('suspend', 'このユーザを利用停止にします。よろしいですか？', '利用停止にしました。') }, '利用停止')
        : h('button', { type: 'button', onclick: () => act('resume', 'このユーザの利用を再開します。よろしいですか？', '利用を再開しました。') }, '利用再開')),
    manageable ? nameForm(ctx, user) : null,
    manageable ? emailForms(ctx, user, self) : null);
}

// Who may edit whom (the server decides; the screen only hides forms that would be refused).
const RANK = { system_admin: 0, committee_admin: 1, company_admin: 2, company_staff: 3, store_manager: 4, store_staff: 5 };

function reload(ctx, id) { ctx.go(`#/users/detail?id=${encodeURIComponent(id)}&t=${Date.now()}`); }

// 氏名・備考の修正: applies at once (the email is not part of it).
function nameForm(ctx, user) {
  const slot = h('div');
  const form = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const values = formValues(form);
    if (!values.name.trim()) { showError(slot, { message: '氏名を入力してください。' }); return; }
    if (!(await confirmDialog(`氏名を「${values.name}」に修正します。よろしいですか？`))) return;
    try {
      await ctx.api.put(`/api/admin/users/${encodeURIComponent(user.user_id)}`, { name: values.name, note: values.note || null });
      ctx.flash('ok', '管理ユーザ情報を更新しました。');
      reload(ctx, user.user_id);
    } catch (error) { showError(slot, error, form); }
  } },
  h('h2', {}, '氏名・備考の修正'), slot,
  field({ label: '氏名', name: 'name', value: user.name, required: true, attrs: { autocomplete: 'off', maxlength: '60' } }),
  h('div', { class: 'field' }, h('label', { for: 'edit-note' }, '備考'), h('textarea', { id: 'edit-note', name: 'note', rows: '3', maxlength: '500' }, user.note || '')),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, '更新')));
  return form;
}

// メールアドレス変更: your own password, then the code sent to the new address.
function emailForms(ctx, user, self) {
  const slot = h('div');
  const base = `/api/admin/users/${encodeURIComponent(user.user_id)}/email`;
  const request = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const values = formValues(request);
    if (!values.email || !values.current_password) { showError(slot, { message: '新しいメールアドレスと現在のパスワードを入力してください。' }); return; }
    if (!(await confirmDialog(`${values.email} に確認コードを送信します。よろしいですか？`))) return;
    try {
      const started = await ctx.api.post(base, values);
      ctx.flash('ok', started.message);
      reload(ctx, user.user_id);
    } catch (error) { showError(slot, error, request); }
  } },
  h('h2', {}, 'メールアドレス変更'), slot,
  h('p', { class: 'hint' }, self
    ? '新しいメールアドレスに確認コードを送信します。コードを入力するまで、メールアドレスは変更されません。'
    : '新しいメールアドレスに確認コードを送信します。ご本人に届いたコードを確認して入力するまで、メールアドレスは変更されません。'),
  field({ label: '新しいメールアドレス', name: 'email', type: 'email', required: true, attrs: { autocomplete: 'off', maxlength: '254' } }),
  field({ label: self ? '現在のパスワード' : 'あなたの現在のパスワード', name: 'current_password', type: 'password', required: true,
    hint: '※ 本人確認のため、ログイン中のあなたのパスワードを入力してください', attrs: { autocomplete: 'current-password' } }),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, '確認コードを送信')));
  if (!user.pending_email) return request;
  const codeSlot = h('div');
  const confirmForm = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const { code } = formValues(confirmForm);
    if (!/^[0-9]{6}$/.test(code || '')) { showError(codeSlot, { message: '確認コードは半角数字6桁で入力してください。' }); return; }
    if (!(await confirmDialog(`メールアドレスを ${user.pending_email} に変更します。よろしいですか？`))) return;
    try {
      await ctx.api.post(`${base}/confirm`, { code });
      ctx.flash('ok', 'メールアドレスを変更しました。変更前と変更後のアドレスにお知らせを送信しました。');
      reload(ctx, user.user_id);
    } catch (error) { showError(codeSlot, error, confirmForm); }
  } },
  h('h2', {}, '確認コードの入力'), codeSlot,
  h('p', {}, `${user.pending_email} に送信した6桁の確認コードを入力してください (有効期限30分)。`),
  field({ label: '確認コード', name: 'code', required: true, attrs: { inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6' } }),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'メールアドレスを変更')));
  return h('div', {}, confirmForm, request);
}
