// 集計: totals with a bar chart, 精算 (merchant settlement), 基準日未使用残高; each as Excel or CSV.
import { h, showError, field, selectField, formValues, yen, jstToday } from '/shared/ui.js';
import { saveFile } from '/admin/common.js';

const GROUPS = [['day', '日別'], ['store', '店舗別'], ['company', '企業別'], ['voucher_type', '券種別']];
const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

/**
 * A bar chart of net payments (決済 − 取消) per row, drawn as SVG in page pixels (no viewBox): each row
 * has its name on one line and its bar below, the bar's length a share of the width, so the text keeps
 * its size on a phone (a 760-wide viewBox scaled to 340 px made 13 px labels 6 px).
 */
function chart(rows) {
  const rowHeight = 46;
  const max = Math.max(1, ...rows.map((r) => r.net_payments));
  const height = rows.length * rowHeight + 6;
  const title = svg('title', {}, '決済額 (取消控除後) のグラフ');
  const bars = rows.map((r, i) => {
    const y = i * rowHeight + 4;
    const share = Math.max(0, (70 * r.net_payments) / max); // percent of the width; room for the amount
    return svg('g', {},
      svg('text', { x: 0, y: y + 14, 'font-size': 13 }, r.label),
      svg('rect', { x: 0, y: y + 20, width: `${share}%`, height: 16, fill: '#0b6e4f', rx: 3 }),
      svg('text', { x: `${share + 1.5}%`, y: y + 33, 'font-size': 13 }, `${yen(r.net_payments)}円`));
  });
  return h('figure', { class: 'chart card' },
    svg('svg', { width: '100%', height, role: 'img', 'aria-label': '決済額 (取消控除後) のグラフ', class: 'bars' }, title, ...bars),
    h('figcaption', { class: 'hint' }, '決済額 (取消控除後)'));
}

function defaultPeriod() {
  const today = jstToday();
  return [`${today.slice(0, 8)}01`, today];
}

export async function page(ctx) {
  const [first, last] = defaultPeriod();
  const slot = h('div');
  const totalsBox = h('div');
  const settlementBox = h('div');
  const unusedBox = h('div');
  const form = h('form', { class: 'card', novalidate: true, onsubmit: (event) => { event.preventDefault(); run(); } },
    slot,
    h('div', { class: 'grid' },
      field({ label: '開始日', name: 'date_from', type: 'date', value: first, required: true }),
      field({ label: '終了日', name: 'date_to', type: 'date', value: last, required: true }),
      selectField({ label: '集計単位', name: 'group', options: GROUPS })),
    h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '集計する')));
  async function run() {
    const values = formValues(form);
    const query = new URLSearchParams(values);
    try {
      const totals = await ctx.api.get(`/api/reports/totals?${query}`);
      const period = `date_from=${values.date_from}&date_to=${values.date_to}`;
      // The chart shows payments: a row without any (店舗外: charges, grants, lapses) is only in the table.
      const paid = totals.rows.filter((r) => r.payment_count || r.cancel_count);
      const none = h('p', {}, '該当する取引はありません。');
      totalsBox.replaceChildren(h('h2', {}, '集計結果'), ...(totals.rows.length ? [downloads(`/api/reports/totals`, query.toString(), '集計'),
        ...(paid.length ? [chart(paid)] : []),
        h('div', { class: 'table-wrap' }, h('table', {},
          h('thead', {}, h('tr', {}, ['区分', '決済件数', '決済額', '取消件数', '取消額', '決済額(取消控除後)', 'チャージ額', '付与額', '失効額'].map((t, i) => h('th', { scope: 'col', class: i ? 'num' : '' }, t)))),
          h('tbody', {}, totals.rows.map((r) => h('tr', {}, h('td', {}, r.label), h('td', { class: 'num' }, yen(r.payment_count)), h('td', { class: 'num' }, yen(r.payments)),
            h('td', { class: 'num' }, yen(r.cancel_count)),
            [r.cancels, r.net_payments, r.charges, r.grants, r.lapses].map((n) => h('td', { class: 'num' }, yen(n))))))))] : [none]));
      const settlement = await ctx.api.get(`/api/reports/settlement?${period}`);
      settlementBox.replaceChildren(h('h2', {}, '精算 (店舗別)'), ...(settlement.rows.length ? [downloads('/api/reports/settlement', period, '精算'),
        h('div', { class: 'table-wrap' }, h('table', {},
          h('thead', {}, h('tr', {}, ['店舗', '企業', '決済件数', '決済額', '取消件数', '取消額', '精算額', 'うち共通券', 'うち専用券'].map((t, i) => h('th', { scope: 'col', class: i > 1 ? 'num' : '' }, t)))),
          h('tbody', {}, settlement.rows.map((r) => h('tr', {}, h('td', {}, `${r.store_name}/${r.store_id}`), h('td', {}, r.company_name),
            h('td', { class: 'num' }, r.payment_count), h('td', { class: 'num' }, yen(r.payment_amount)), h('td', { class: 'num' }, r.cancel_count),
            h('td', { class: 'num' }, yen(r.cancel_amount)), h('td', { class: 'num' }, yen(r.net)), h('td', { class: 'num' }, yen(r.net_common)),
            h('td', { class: 'num' }, yen(r.net_dedicated)))))))] : [h('p', {}, '該当する決済はありません。')]));
    } catch (error) { showError(slot, error, form); }
  }
  /** 「Excelでダウンロード」「CSVでダウンロード」 for a report: the server names the file (Japan time). */
  function downloads(path, query, what) {
    return h('p', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => download(`${path}.xlsx?${query}`) }, `${what}をExcelでダウンロード`),
      h('button', { type: 'button', class: 'secondary', onclick: () => download(`${path}.csv?${query}`) }, `${what}をCSVでダウンロード`));
  }
  async function download(path) {
    try {
      const response = await fetch(path, { headers: { 'X-Shoken-App': 'admin' }, credentials: 'same-origin' });
      if (!response.ok) throw new Error('ダウンロードできませんでした。時間をおいてもう一度お試しください。');
      const filename = (/filename="([^"]+)"/.exec(response.headers.get('content-disposition') || '') || [])[1] || 'report';
      saveFile(await response.blob(), filename);
    } catch (error) { showError(slot, error); }
  }
  const referenceDates = () => {
    const year = Number(jstToday().slice(0, 4));
    return [`${year - 1}-09-30`, `${year}-03-31`, `${year}-09-30`].filter((d) => d <= jstToday()).reverse();
  };
  const unusedForm = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    try {
      const on = formValues(unusedForm).on;
      const data = await ctx.api.get(`/api/reports/unused?on=${on}`);
      unusedBox.replaceChildren(downloads('/api/reports/unused', `on=${on}`, '未使用残高'), h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['商品券事業', '券種', '未使用残高'].map((t, i) => h('th', { scope: 'col', class: i === 2 ? 'num' : '' }, t)))),
        h('tbody', {}, data.rows.map((r) => h('tr', {}, h('td', {}, r.programme_name), h('td', {}, r.voucher_type_label), h('td', { class: 'num' }, `${yen(r.unused)}円`))),
          h('tr', {}, h('th', { scope: 'row' }, '合計'), h('td', {}), h('td', { class: 'num' }, `${yen(data.total)}円`))))));
    } catch (error) { showError(unusedBox, error); }
  } },
  h('div', { class: 'grid' }, field({ label: '基準日', name: 'on', type: 'date', value: referenceDates()[0] || jstToday(), attrs: { max: jstToday() } })),
  h('p', { class: 'hint' }, '資金決済法の報告では 3月31日・9月30日 を基準日とします。'),
  h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '表示する')));
  run();
  return h('div', {}, h('h1', {}, '集計'), form, totalsBox, settlementBox, h('h2', {}, '基準日未使用残高'), unusedForm, unusedBox);
}
