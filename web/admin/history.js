// 取引履歴一覧 / 取引履歴詳細 (取引の取消) / ファイルダウンロード, as the manual shows them.
import { h, notice, showError, confirmDialog, field, formValues, yen, jstDateTime, jstToday } from '/shared/ui.js';
import { pagedList } from '/shared/pager.js';

const TYPES = [
  ['charge', 'チャージ'], ['payment', '決済'], ['prepaid_payment', 'プリペイド決済'], ['adjust_lapse', '残高調整/失効'],
  ['adjust_add', '残高調整(加算)'], ['adjust_sub', '残高調整(減算)'], ['bonus_grant', 'ボーナス付与'], ['campaign_grant', 'キャンペーン付与'],
  ['campaign_grant_cancel', 'キャンペーン付与取消'], ['store_charge', '店頭チャージ'], ['transfer_charge', '振込購入'], ['charge_cancel', 'チャージ取消'],
  ['payment_cancel', '決済取消'], ['lapse', '残高失効'],
];
const PAGE = 50;
let lastSearch = null;  // kept while the console is open, so 取引履歴詳細 → 一覧 returns to the same search

function searchForm(values = {}) {
  const today = jstToday();
  const text = (label, name, placeholder) => field({ label, name, value: values[name] || '', attrs: { placeholder } });
  return [
    h('div', { class: 'grid' },
      field({ label: '取引日時 (開始)', name: 'date_from', type: 'datetime-local', value: values.date_from || `${today}T00:00`, hint: '※指定可能期間は 60 日間です。' }),
      field({ label: '取引日時 (終了)', name: 'date_to', type: 'datetime-local', value: values.date_to || `${today}T23:59` }),
      text('取引番号', 'number', '取引番号を入力 (取引日時の指定に関わらず検索できます)'),
      h('div', { class: 'field' }, h('label', { for: 'f-status' }, '取引状態'),
        h('select', { id: 'f-status', name: 'status' }, [['', '指定なし'], ['done', '正常'], ['cancelled', '取消済み']]
          .map(([v, l]) => h('option', { value: v, selected: values.status === v }, l))))),
    h('fieldset', { class: 'checks' }, h('legend', {}, '取引区分'),
      TYPES.map(([value, label]) => h('label', {}, h('input', { type: 'checkbox', name: 'types', value, 'data-group': 'types',
        checked: (values.types || []).includes(value) }), label))),
    h('div', { class: 'grid' },
      text('アクワイアラ名', 'committee', 'アクワイアラ名を入力'), text('外部アクワイアラID', 'external_acquirer_id', '外部アクワイアラIDを入力'),
      text('企業名', 'company', '企業名または企業IDを入力'), text('店舗名', 'store', '店舗名または店舗IDを入力'),
      text('外部店舗ID', 'external_store_id', '外部店舗IDを入力'), text('端末ID', 'terminal_id', '端末IDを入力'),
      text('外部端末ID', 'external_terminal_id', '外部端末IDを入力'), text('ユーザID', 'user_id', 'ユーザIDを入力'),
      text('外部ユーザID', 'external_user_id', '外部ユーザIDを入力'), text('ウォレットサービス名', 'service_name', 'サービス名を入力'),
      text('キャンペーン名', 'campaign_name', 'キャンペーン名を入力'), text('一括付与名', 'grant_name', '一括付与名を入力')),
  ];
}

/** The form's values as API parameters (datetime-local → "YYYY-MM-DD HH:MM", checkboxes → list). */
function toQuery(values) {
  const query = {};
  for (const [key, value] of Object.entries(values)) {
    if (key === 'types') { if (value.length) query.types = value.join(','); } else if (value) query[key] = key.startsWith('date_') ? value.replace('T', ' ') : value;
  }
  return query;
}

export async function list(ctx) {
  const slot = h('div');
  const formatSelect = h('select', { id: 'export-format' },
    h('option', { value: 'xlsx' }, 'Excel (xlsx)'), h('option', { value: 'csv' }, 'CSV'));
  const results = h('div');
  const form = h('form', { class: 'card', novalidate: true, onsubmit: (event) => { event.preventDefault(); run(); } },
    h('h2', {}, '検索'), slot, ...searchForm(lastSearch || {}),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => { lastSearch = null; ctx.go(`#/history?clear=${Date.now()}`); } }, 'クリア'),
      h('span', { class: 'spacer' }),
      h('button', { type: 'submit' }, '検索'),
      h('label', { class: 'inline', for: 'export-format' }, 'ファイル形式'), formatSelect,
      h('button', { type: 'button', class: 'secondary', onclick: reserve }, 'ダウンロード予約')));
  let search = {}; // the values of the last 検索: turning a page keeps them
  const paged = pagedList({
    label: '検索結果',
    empty: '該当する取引はありません。',
    onError: (error) => showError(slot, error, form),
    load: async (cursor) => {
      const query = new URLSearchParams({ ...toQuery(search), page_size: String(PAGE) });
      if (cursor) query.set('cursor', cursor);
      const page = await ctx.api.get(`/api/history?${query}`);
      slot.replaceChildren();
      return page;
    },
    render: (items) => render(items),
  });
  function run() {
    const values = formValues(form);
    lastSearch = values;
    search = values;
    if (!results.firstChild) results.append(paged.element);
    return paged.restart();
  }
  async function reserve() {
    try {
      await ctx.api.post('/api/exports', { ...toQuery(formValues(form)), format: formatSelect.value });
      slot.replaceChildren(notice('ok', 'ダウンロード予約を受け付けました。「ファイルダウンロード」から取得できます。'));
    } catch (error) { showError(slot, error, form); }
  }
  function render(items) {
    const heads = ['取引日時', '取引番号', '取引状態', '取引区分', 'アクワイアラ名', '企業名', '店舗名', '端末ID', 'ユーザID', '取引金額', 'ウォレットサービス名', '前払バリュー取引額', 'ボーナスバリュー取引額', 'キャンペーン付与取引額'];
    return h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, heads.map((t, i) => h('th', { scope: 'col', class: i >= 9 && i !== 10 ? 'num' : '' }, t)))),
      h('tbody', {}, items.map((r) => h('tr', {},
        h('td', {}, jstDateTime(r.occurred_at)),
        h('td', {}, h('a', { href: `#/history/detail?no=${r.number}` }, r.number)),
        h('td', {}, r.status === 'cancelled' ? h('span', { class: 'badge bad' }, r.status_label) : r.status_label),
        h('td', {}, r.txn_type_label), h('td', {}, r.committee_name || ''), h('td', {}, r.company_name || ''), h('td', {}, r.store_name || ''),
        h('td', {}, r.terminal_id || ''), h('td', {}, r.user_id || ''), h('td', { class: 'num' }, yen(r.amount)),
        h('td', {}, r.service_name || ''), h('td', { class: 'num' }, yen(r.prepaid)), h('td', { class: 'num' }, yen(r.bonus)),
        h('td', { class: 'num' }, yen(r.grant)))))));
  }
  if (lastSearch) run();
  return h('div', {}, h('h1', {}, '取引履歴一覧'), form, results);
}

export async function detail(ctx, params) {
  const number = params.get('no') || '';
  const t = await ctx.api.get(`/api/history/${encodeURIComponent(number)}`);
  const slot = h('div');
  const rows = [
    ['取引日時', jstDateTime(t.occurred_at)], ['取引番号', t.number], ['取引状態', t.status_label], ['取引区分', t.txn_type_label],
    ['取引金額', `${yen(t.amount)}円`], ['アクワイアラ名', t.committee_name], ['外部アクワイアラID', t.external_acquirer_id],
    ['企業名', t.company_name && `${t.company_name}/${t.company_id}`], ['店舗名', t.store_name && `${t.store_name}/${t.store_id}`],
    ['外部店舗ID', t.external_store_id], ['端末ID', t.terminal_id], ['外部端末ID', t.external_terminal_id], ['ユーザID', t.user_id],
    ['外部ユーザID', t.external_user_id], ['ウォレットサービス名', t.service_name], ['前払バリュー取引額', `${yen(t.prepaid)}円`],
    ['ボーナスバリュー取引額', `${yen(t.bonus)}円`], ['キャンペーン付与取引額', `${yen(t.grant)}円`],
    ['共通券 / 専用券', `${yen(t.common)}円 / ${yen(t.dedicated)}円`], ['キャンペーン名', t.campaign_name], ['一括付与名', t.grant_name],
    ['商品券事業', t.programme_name], ['決済方式', t.method ? ({ card: 'カード (暗証番号)' }[t.method] || t.method.toUpperCase()) : null], ['操作者', t.operator_login],
    ['元取引番号', t.original_number], ['取消の取引番号', t.cancelled_by], ['取消日時', t.cancelled_at && jstDateTime(t.cancelled_at)],
  ].filter(([, v]) => v !== null && v !== undefined && v !== '');
  return h('div', {}, h('p', {}, h('a', { href: '#/history' }, '< 取引履歴一覧')), h('h1', {}, '取引履歴詳細'), slot,
    h('div', { class: 'card' }, h('dl', { class: 'detail' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))),
    t.cancellable ? h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'button', class: 'danger', onclick: async () => {
      if (!(await confirmDialog('取引の取り消しを行います。よろしいですか？'))) return;
      try {
        const done = await ctx.api.post(`/api/transactions/${encodeURIComponent(number)}/cancel`);
        ctx.flash('ok', (done && done.message) || '取消処理が完了しました。');
        ctx.go(`#/history/detail?no=${number}&t=${Date.now()}`);
      } catch (error) { showError(slot, error); }
    } }, '取引の取消')) : null,
    t.cancel_deadline && t.status === 'done' ? h('p', { class: 'hint' }, `※取消可能期間は90日間です (${jstDateTime(t.cancel_deadline)} まで)。`) : null);
}

export async function files(ctx) {
  const slot = h('div');
  const table = h('div');
  let timer;
  async function refresh() {
    clearTimeout(timer);
    try {
      const { items } = await ctx.api.get('/api/exports');
      table.replaceChildren(items.length ? h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['予約日時', '内容', '状態', '進捗', '件数', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, items.map((f) => h('tr', {},
          h('td', {}, jstDateTime(f.created_at)), h('td', {}, f.label, f.state === 'failed' && f.message ? h('div', { class: 'hint' }, f.message) : null),
          h('td', {}, h('span', { class: `badge ${f.state === 'done' ? 'ok' : f.state === 'failed' ? 'bad' : ''}` }, f.expired ? '期限切れ' : f.state_label)),
          h('td', {}, h('progress', { class: 'progress', max: '100', value: String(f.progress), 'aria-label': `${f.label} の進捗` }, `${f.progress}%`)),
          h('td', { class: 'num' }, f.state === 'done' ? `${f.rows.toLocaleString('ja-JP')}件` : ''),
          h('td', {}, f.state === 'done' && !f.expired ? h('button', { type: 'button', class: 'secondary', onclick: () => download(f) }, 'ダウンロード') : '')))))) : h('p', {}, 'ダウンロード予約はありません。'));
      if (items.some((f) => f.state === 'queued' || f.state === 'running') && document.body.contains(table)) timer = setTimeout(refresh, 1500);
    } catch (error) { showError(slot, error); }
  }
  async function download(file) {
    try {
      const link = await ctx.api.post(`/api/exports/${file.job_id}/link`);
      const a = h('a', { href: link.url, download: link.filename });
      document.body.append(a);
      a.click();
      a.remove();
    } catch (error) { showError(slot, error); }
  }
  refresh();
  return h('div', {}, h('h1', {}, 'ファイルダウンロード'), h('p', {}, 'ダウンロード予約したファイルの一覧です。ダウンロード用のリンクは短時間で無効になります。'), slot, table);
}
