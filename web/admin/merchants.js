// 企業 / 店舗 / 端末: 一覧, 登録, 詳細 and 更新 (manual: 端末詳細).
import { h, notice, showError, confirmDialog, jstDateTime } from '/shared/ui.js';
import { searchList, entityForm, details, STATUS_OPTIONS, nulls } from '/admin/common.js';
import { accountSection } from '/admin/payouts.js';

const committeeLevel = (me) => me.role === 'system_admin' || me.role === 'committee_admin';
const STATUS = [['active', '有効'], ['suspended', '利用停止']];

// --- 企業 ---------------------------------------------------------------------------------------------
export async function companies(ctx) {
  const list = searchList(ctx, {
    endpoint: '/api/admin/companies',
    fields: [
      { label: '企業ID', name: 'company_id', placeholder: '企業IDを入力' },
      { label: '企業名', name: 'name', placeholder: '企業名を入力' },
      { label: '状態', name: 'status', options: STATUS_OPTIONS },
    ],
    columns: [
      { label: '企業ID', value: (c) => c.company_id, link: (c) => `#/companies/detail?id=${c.company_id}` },
      { label: '企業名', value: (c) => c.name }, { label: '電話番号', value: (c) => c.phone || '' },
      { label: '外部企業ID', value: (c) => c.external_company_id || '' }, { label: '状態', value: (c) => c.status_label },
    ],
  });
  return h('div', {}, h('h1', {}, '企業一覧'),
    committeeLevel(ctx.me) ? h('p', {}, h('a', { class: 'button', href: '#/companies/new' }, '企業登録')) : null, list.form, list.results);
}

function companyFields(company = {}) {
  return [
    { label: '企業名', name: 'name', required: true, value: company.name },
    { label: '企業名カナ', name: 'name_kana', value: company.name_kana },
    { label: '電話番号', name: 'phone', type: 'tel', value: company.phone },
    { label: '住所', name: 'address', value: company.address },
    { label: '代表者名', name: 'representative', value: company.representative },
    { label: '外部企業ID', name: 'external_company_id', value: company.external_company_id },
  ];
}

export async function companyNew(ctx) {
  const options = await ctx.api.get('/api/admin/options');
  const committee = ctx.me.role === 'system_admin'
    ? [{ label: 'アクワイアラ', name: 'committee_id', required: true, options: options.committees.map((c) => [c.value, c.label]) }] : [];
  return h('div', {}, h('h1', {}, '企業登録'), entityForm({
    fields: [...committee, ...companyFields()], back: '#/companies',
    submit: async (values) => {
      const saved = await ctx.api.post('/api/admin/companies', nulls(values));
      ctx.flash('ok', `企業を登録しました (企業ID ${saved.company_id})。`);
      ctx.go(`#/companies/detail?id=${saved.company_id}`);
    },
  }));
}

export async function companyDetail(ctx, params) {
  const company = await ctx.api.get(`/api/admin/companies/${encodeURIComponent(params.get('id') || '')}`);
  const edit = committeeLevel(ctx.me) ? entityForm({
    fields: [...companyFields(company), { label: '状態', name: 'status', options: STATUS, value: company.status }],
    submitLabel: '更新',
    submit: async (values) => {
      await ctx.api.put(`/api/admin/companies/${company.company_id}`, nulls(values));
      ctx.flash('ok', '更新しました。');
      ctx.go(`#/companies/detail?id=${company.company_id}&t=${Date.now()}`);
    },
  }) : null;
  return h('div', {}, h('p', {}, h('a', { href: '#/companies' }, '< 企業一覧')), h('h1', {}, '企業詳細'),
    details([['企業ID', company.company_id], ['企業名', company.name], ['電話番号', company.phone], ['住所', company.address],
      ['外部企業ID', company.external_company_id], ['状態', company.status_label], ['登録日時', jstDateTime(company.created_at)]]),
    h('p', {}, h('a', { href: `#/stores?company=${company.company_id}` }, 'この企業の店舗')),
    await accountSection(ctx, 'company', company.company_id),
    edit ? [h('h2', {}, '更新'), edit] : null);
}

// --- 店舗 ---------------------------------------------------------------------------------------------
export async function stores(ctx, params) {
  const list = searchList(ctx, {
    endpoint: '/api/admin/stores',
    fields: [
      { label: '店舗ID', name: 'store_id', placeholder: '店舗IDを入力' },
      { label: '店舗名', name: 'name', placeholder: '店舗名を入力' },
      { label: '企業', name: 'company', placeholder: '企業IDまたは企業名を入力', value: params.get('company') || '' },
      { label: '外部店舗ID', name: 'external_store_id', placeholder: '外部店舗IDを入力' },
      { label: '大型店', name: 'large', options: [['', '指定なし'], ['yes', '大型店'], ['no', '大型店以外']] },
      { label: '状態', name: 'status', options: STATUS_OPTIONS },
    ],
    columns: [
      { label: '店舗ID', value: (s) => s.store_id, link: (s) => `#/stores/detail?id=${s.store_id}` },
      { label: '店舗名', value: (s) => s.name }, { label: '企業名', value: (s) => s.company_name || '' },
      { label: '電話番号', value: (s) => s.phone || '' }, { label: '利用できる券', value: (s) => s.voucher_types },
      { label: '外部店舗ID', value: (s) => s.external_store_id || '' }, { label: '状態', value: (s) => s.status_label },
    ],
  });
  return h('div', {}, h('h1', {}, '店舗一覧'),
    committeeLevel(ctx.me) ? h('p', {}, h('a', { class: 'button', href: '#/stores/new' }, '店舗登録')) : null, list.form, list.results);
}

/** 店舗位置情報: latitude and longitude in degrees (e.g. from a map app's 「座標をコピー」). */
function locationFields(store = {}) {
  return [
    { label: '緯度', name: 'latitude', value: store.latitude ?? '', inputmode: 'decimal', placeholder: '例: 35.4490', hint: '位置情報 (任意)。地図アプリで店舗の場所の座標を確認できます' },
    { label: '経度', name: 'longitude', value: store.longitude ?? '', inputmode: 'decimal', placeholder: '例: 137.4123' },
  ];
}

/** Form strings to the API's types: '' → null, latitude / longitude → numbers. */
function storeBody(values) {
  const body = nulls(values);
  for (const key of ['latitude', 'longitude']) if (body[key] !== null && body[key] !== undefined) body[key] = Number(body[key]);
  return body;
}

function storeFields(store = {}) {
  return [
    { label: '店舗名', name: 'name', required: true, value: store.name },
    { label: '店舗電話番号', name: 'phone', type: 'tel', required: true, value: store.phone },
    { label: '住所', name: 'address', value: store.address },
    { label: '地区', name: 'area', value: store.area, hint: '利用者アプリの加盟店一覧で地区として表示されます' },
    ...locationFields(store),
    { label: '大型店', name: 'large', checkbox: '大型店 (専用券は利用できません)', value: store.large },
    { label: '外部店舗ID', name: 'external_store_id', value: store.external_store_id },
    { label: '外部連携サービス名', name: 'external_service_name', value: store.external_service_name },
  ];
}

export async function storeNew(ctx) {
  const options = await ctx.api.get('/api/admin/options');
  return h('div', {}, h('h1', {}, '店舗登録'), entityForm({
    fields: [{ label: '企業', name: 'company_id', required: true, options: [['', '選択してください'], ...options.companies.map((c) => [c.value, c.label])] }, ...storeFields()],
    back: '#/stores',
    submit: async (values) => {
      const saved = await ctx.api.post('/api/admin/stores', storeBody(values));
      ctx.flash('ok', `店舗を登録しました (店舗ID ${saved.store_id})。`);
      ctx.go(`#/stores/detail?id=${saved.store_id}`);
    },
  }));
}

export async function storeDetail(ctx, params) {
  const store = await ctx.api.get(`/api/admin/stores/${encodeURIComponent(params.get('id') || '')}`);
  const edit = committeeLevel(ctx.me) ? entityForm({
    fields: [...storeFields(store), { label: '状態', name: 'status', options: STATUS, value: store.status }],
    submitLabel: '更新',
    submit: async (values) => {
      await ctx.api.put(`/api/admin/stores/${store.store_id}`, storeBody(values));
      ctx.flash('ok', '更新しました。');
      ctx.go(`#/stores/detail?id=${store.store_id}&t=${Date.now()}`);
    },
  }) : ctx.me.role === 'company_admin' ? entityForm({
    // 企業管理者 keep their stores' contact and place up to date; the rest is the committee's.
    fields: [
      { label: '店舗電話番号', name: 'phone', type: 'tel', required: true, value: store.phone },
      { label: '住所', name: 'address', value: store.address },
      { label: '地区', name: 'area', value: store.area, hint: '利用者アプリの加盟店一覧で地区として表示されます' },
      ...locationFields(store),
    ],
    submitLabel: '店舗情報を更新',
    submit: async (values) => {
      await ctx.api.put(`/api/admin/stores/${store.store_id}/details`, storeBody(values));
      ctx.flash('ok', '店舗情報を更新しました。');
      ctx.go(`#/stores/detail?id=${store.store_id}&t=${Date.now()}`);
    },
  }) : null;
  return h('div', {}, h('p', {}, h('a', { href: '#/stores' }, '< 店舗一覧')), h('h1', {}, '店舗詳細'),
    details([['店舗ID', store.store_id], ['店舗名', store.name], ['企業', `${store.company_name || ''}/${store.company_id}`],
      ['店舗電話番号', store.phone], ['住所', store.address], ['地区', store.area],
      ['位置情報', store.latitude != null && store.longitude != null ? `${store.latitude}, ${store.longitude}` : '未登録'], ['利用できる券', store.voucher_types],
      ['外部店舗ID', store.external_store_id], ['外部連携サービス名', store.external_service_name], ['状態', store.status_label]]),
    h('p', {}, h('a', { class: 'button secondary', href: `#/terminals/new?store=${store.store_id}` }, 'この店舗の端末を登録'), ' ',
      h('a', { href: `#/terminals?store=${store.store_id}` }, 'この店舗の端末')),
    await accountSection(ctx, 'store', store.store_id),
    edit ? [h('h2', {}, '更新'), edit] : null);
}

// --- 端末 ---------------------------------------------------------------------------------------------
export async function terminals(ctx, params) {
  const list = searchList(ctx, {
    endpoint: '/api/admin/terminals',
    fields: [
      { label: '端末ID', name: 'terminal_id', placeholder: '端末IDを入力' },
      { label: '店舗', name: 'store', placeholder: '店舗IDまたは店舗名を入力', value: params.get('store') || '' },
      { label: '企業', name: 'company', placeholder: '企業IDまたは企業名を入力' },
      { label: '外部端末ID', name: 'external_terminal_id', placeholder: '外部端末IDを入力' },
      { label: '状態', name: 'status', options: STATUS_OPTIONS },
    ],
    columns: [
      { label: '端末ID', value: (t) => t.terminal_id, link: (t) => `#/terminals/detail?id=${t.terminal_id}` },
      { label: '機器名', value: (t) => t.device_name || '' }, { label: '店舗名', value: (t) => t.store_name || '' },
      { label: '企業名', value: (t) => t.company_name || '' }, { label: '外部端末ID', value: (t) => t.external_terminal_id || '' },
      { label: '端末設定', value: (t) => (t.bound ? '設定済み' : '未設定') }, { label: '状態', value: (t) => t.status_label },
    ],
  });
  return h('div', {}, h('h1', {}, '端末一覧'), h('p', {}, h('a', { class: 'button', href: '#/terminals/new' }, '端末登録')), list.form, list.results);
}

function terminalFields(terminal = {}) {
  return [
    { label: '機器名', name: 'device_name', value: terminal.device_name, placeholder: '例: iPhone 14' },
    { label: '外部端末ID', name: 'external_terminal_id', value: terminal.external_terminal_id },
    { label: '外部連携サービス名', name: 'external_service_name', value: terminal.external_service_name, placeholder: '例: enacity' },
  ];
}

export async function terminalNew(ctx, params) {
  const options = await ctx.api.get('/api/admin/options');
  return h('div', {}, h('h1', {}, '端末登録'), entityForm({
    fields: [{ label: '店舗', name: 'store_id', required: true, value: params.get('store') || '', options: [['', '選択してください'], ...options.stores.map((s) => [s.value, s.label])] }, ...terminalFields()],
    back: '#/terminals',
    submit: async (values) => {
      const saved = await ctx.api.post('/api/admin/terminals', nulls(values));
      ctx.flash('ok', `端末を登録しました (端末ID ${saved.terminal_id})。`);
      ctx.go(`#/terminals/detail?id=${saved.terminal_id}`);
    },
  }));
}

export async function terminalDetail(ctx, params) {
  const id = encodeURIComponent(params.get('id') || '');
  const terminal = await ctx.api.get(`/api/admin/terminals/${id}`);
  const slot = h('div');
  async function act(path, question, done) {
    if (!(await confirmDialog(question))) return;
    try {
      await ctx.api.post(`/api/admin/terminals/${id}/${path}`);
      ctx.flash('ok', done);
      ctx.go(`#/terminals/detail?id=${id}&t=${Date.now()}`);
    } catch (error) { showError(slot, error); }
  }
  const edit = entityForm({
    fields: [...terminalFields(terminal), { label: '状態', name: 'status', options: STATUS, value: terminal.status }],
    submitLabel: '更新',
    submit: async (values) => {
      await ctx.api.put(`/api/admin/terminals/${id}`, nulls(values));
      ctx.flash('ok', '更新しました。');
      ctx.go(`#/terminals/detail?id=${id}&t=${Date.now()}`);
    },
  });
  return h('div', {}, h('p', {}, h('a', { href: '#/terminals' }, '< 端末一覧')), h('h1', {}, '端末詳細'), slot,
    terminal.setup_locked ? notice('warn', '端末設定の失敗が続いたためロックされています。端末パスワードを再発行してください。') : null,
    details([['端末ID', terminal.terminal_id], ['機器名', terminal.device_name], ['企業ID', terminal.company_id], ['企業名', terminal.company_name],
      ['店舗ID', terminal.store_id], ['店舗名', terminal.store_name], ['端末パスワード', terminal.password], ['端末利用種別', terminal.use_type],
      ['端末設定', terminal.bound ? `設定済み (${jstDateTime(terminal.bound_at)} から)` : '未設定'],
      terminal.bound ? ['設定した機器', terminal.bound_device || '記録なし'] : null, ['状態', terminal.status_label]].filter(Boolean)),
    h('h2', {}, '外部連携サービス'),
    details([['外部端末ID', terminal.external_terminal_id], ['外部連携サービス名', terminal.external_service_name]]),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => act('password', '端末パスワードを再発行します。よろしいですか？', '端末パスワードを再発行しました。') }, '端末パスワード再発行'),
      terminal.bound ? h('button', { type: 'button', class: 'danger', onclick: () => act('unbind', '端末設定を解除します。設定済みの加盟店アプリは使えなくなります。よろしいですか？', '端末設定を解除しました。') }, '端末設定の解除') : null),
    h('h2', {}, '更新'), edit);
}
