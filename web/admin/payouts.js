// 振込先口座 on 企業詳細 / 店舗詳細, and 精算確定 (payout runs): 支払予定, 全銀ファイル, 支払通知書.
import { h, notice, showError, confirmDialog, jstDateTime, jstToday, field, formValues, yen } from '/shared/ui.js';
import { entityForm, details, saveFile } from '/admin/common.js';

const TYPES = [['ordinary', '普通'], ['current', '当座']];

/** The payee's account card: what is registered, the company's choice, and the form for those who may edit. */
export async function accountSection(ctx, ownerType, ownerId) {
  const base = ownerType === 'store' ? `/api/admin/stores/${ownerId}` : `/api/admin/companies/${ownerId}`;
  const account = await ctx.api.get(`${base}/payout-account`);
  const reload = () => ctx.go(`#/${ownerType === 'store' ? 'stores' : 'companies'}/detail?id=${ownerId}&t=${Date.now()}`);
  const by = account.payout_by === 'company' ? '企業の口座にまとめて振込' : '店舗ごとの口座に振込';
  const rows = [['振込先の単位', by], ['この口座への振込', account.paid_here ? '対象' : '対象外 (振込先の単位により使われません)']];
  if (account.registered) {
    rows.push(['金融機関', `${account.bank_name} (${account.bank_code})`], ['支店', `${account.branch_name} (${account.branch_code})`],
      ['預金種目', account.account_type_label], ['口座番号', account.account_number], ['口座名義 (カナ)', account.holder_kana],
      ['更新日時', jstDateTime(account.updated_at)]);
  } else {
    rows.push(['口座', '未登録']);
  }
  const parts = [h('h2', {}, '振込先口座'), details(rows)];
  if (account.may_edit && ownerType === 'company') {
    const other = account.payout_by === 'company' ? 'store' : 'company';
    parts.push(h('p', {}, h('button', { type: 'button', class: 'secondary', onclick: async () => {
      if (!(await confirmDialog('振込先の単位を変更します。よろしいですか？'))) return;
      try { await ctx.api.put(`${base}/payout-by`, { payout_by: other }); ctx.flash('ok', '振込先の単位を変更しました。'); reload(); } catch (error) { notice('error', error.message); }
    } }, other === 'company' ? '企業の口座にまとめて振込する' : '店舗ごとの口座に振込する')));
  }
  if (account.may_edit) {
    const names = h('p', { class: 'hint', role: 'status' });
    const form = entityForm({
      submitLabel: account.registered ? '口座を変更' : '口座を登録',
      fields: [
        { label: '金融機関コード (4桁)', name: 'bank_code', required: true, value: account.bank_code, inputmode: 'numeric' },
        { label: '支店コード (3桁)', name: 'branch_code', required: true, value: account.branch_code, inputmode: 'numeric' },
        { label: '預金種目', name: 'account_type', options: TYPES, value: account.account_type || 'ordinary' },
        { label: '口座番号 (7桁)', name: 'account_number', required: true, value: account.account_number, inputmode: 'numeric' },
        { label: '口座名義 (カナ)', name: 'holder_name', required: true, value: account.holder_kana,
          hint: 'カナ・英大文字・数字・スペース・( ) - . で30文字以内。半角カナに変換して登録します' },
      ],
      submit: async (values) => {
        await ctx.api.put(`${base}/payout-account`, values);
        ctx.flash('ok', '振込先口座を登録しました。');
        reload();
      },
    });
    const lookUp = async () => {
      const bank = form.querySelector('[name=bank_code]').value.trim();
      const branch = form.querySelector('[name=branch_code]').value.trim();
      if (!/^\d{4}$/.test(bank)) { names.textContent = ''; return; }
      try {
        const found = await ctx.api.get(`/api/admin/banks/${bank}${/^\d{3}$/.test(branch) ? `?branch_code=${branch}` : ''}`);
        names.textContent = [found.bank_name, found.branch_name].filter(Boolean).join(' ');
      } catch (error) { names.textContent = error.message; }
    };
    form.addEventListener('change', lookUp);
    parts.push(h('h3', {}, account.registered ? '口座の変更' : '口座の登録'), names, form);
  }
  return h('section', { 'aria-label': '振込先口座' }, parts);
}

const committeeLevel = (me) => me.role === 'system_admin' || me.role === 'committee_admin';
const STATE_CLASS = { created: '', paid: 'ok', cancelled: 'muted' };

async function download(path, filename, slot) {
  try {
    const response = await fetch(path, { headers: { 'X-Shoken-App': 'admin' }, credentials: 'same-origin' });
    if (!response.ok) {
      let message = 'ダウンロードできませんでした。';
      try { message = (await response.json()).error.message || message; } catch (_) { /* not JSON */ }
      throw new Error(message);
    }
    saveFile(await response.blob(), filename);
  } catch (error) { showError(slot, error); }
}

function runTable(items) {
  if (!items.length) return h('p', {}, '確定した精算はありません。');
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': '確定した精算の一覧' }, h('table', {},
    h('thead', {}, h('tr', {}, ['精算期間', '商品券事業', '支払日', '状態', '振込件数', '振込額合計'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, items.map((r) => h('tr', {},
      h('td', {}, h('a', { href: `#/payouts/detail?id=${encodeURIComponent(r.run_id)}` }, r.period_label)),
      h('td', {}, r.programme_name), h('td', {}, r.pay_date.replaceAll('-', '/')),
      h('td', { class: STATE_CLASS[r.state] }, r.state_label + (r.paid_on ? ` (${r.paid_on.replaceAll('-', '/')})` : '')),
      h('td', { class: 'num' }, r.transfer_count), h('td', { class: 'num' }, `${yen(r.transfer_total)}円`))))));
}

/** 精算: the committee's calendar, 精算確定 of closed periods and the list of runs; a company sees its runs. */
export async function page(ctx) {
  const runs = await ctx.api.get('/api/admin/payout-runs');
  if (!committeeLevel(ctx.me)) {
    return h('div', {}, h('h1', {}, '精算・支払通知書'),
      h('p', {}, '委員会が確定した精算のうち、この企業への支払を表示します。明細から支払通知書をダウンロードできます。'),
      runTable(runs.items));
  }
  const slot = h('div');
  const { items: programmes } = await ctx.api.get('/api/admin/programmes');
  const sections = [];
  for (const programme of programmes) {
    const cal = await ctx.api.get(`/api/admin/programmes/${programme.programme_id}/payout-calendar`);
    const rows = cal.periods.map((p) => h('tr', {},
      h('td', {}, p.label), h('td', {}, p.pay_date.replaceAll('-', '/')),
      h('td', {}, p.run_id ? h('a', { href: `#/payouts/detail?id=${encodeURIComponent(p.run_id)}` }, '確定済み') : (p.closed ? '未確定' : '期間中')),
      h('td', {}, !p.run_id && p.closed ? h('button', { type: 'button', onclick: async () => {
        if (!(await confirmDialog(`${p.label} の精算を確定します。確定後は変更できません。よろしいですか？`))) return;
        try {
          const run = await ctx.api.post('/api/admin/payout-runs', { programme_id: programme.programme_id, period_end: p.end });
          ctx.flash('ok', `精算を確定しました (振込 ${run.transfer_count}件 ${yen(run.transfer_total)}円)。`);
          ctx.go(`#/payouts/detail?id=${encodeURIComponent(run.run_id)}`);
        } catch (error) { showError(slot, error); }
      } }, '精算確定') : '')));
    const calendarForm = entityForm({
      submitLabel: 'カレンダーを更新',
      fields: [
        { label: '締め日 (カンマ区切り、31は末日)', name: 'cutoff_days', required: true, value: cal.cutoff_days.join(','), inputmode: 'numeric' },
        { label: '支払日 (締め日の何営業日後)', name: 'pay_after_days', type: 'number', required: true, value: cal.pay_after_days, inputmode: 'numeric' },
        { label: '手数料 (0.01%単位、0は手数料なし)', name: 'fee_bps', type: 'number', required: true, value: cal.fee_bps, inputmode: 'numeric',
          hint: '例: 150 = 1.5%。円未満は切り捨てます' },
      ],
      submit: async (values) => {
        await ctx.api.put(`/api/admin/programmes/${programme.programme_id}/payout-calendar`, {
          cutoff_days: String(values.cutoff_days).split(/[,、\s]+/).filter(Boolean).map(Number),
          pay_after_days: Number(values.pay_after_days), fee_bps: Number(values.fee_bps),
        });
        ctx.flash('ok', '精算カレンダーを更新しました。');
        ctx.go(`#/payouts?t=${Date.now()}`);
      },
    });
    sections.push(h('section', { class: 'card', 'aria-label': programme.name }, h('h2', {}, programme.name),
      details([['締め日', cal.cutoff_labels.join('・')], ['支払日', `締め日の${cal.pay_after_days}営業日後 (土日・祝日・12/31〜1/3を除く)`],
        ['手数料', cal.fee_label]]),
      h('h3', {}, '精算期間'),
      h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `${programme.name} の精算期間` }, h('table', {},
        h('thead', {}, h('tr', {}, ['精算期間', '支払日', '状態', '操作'].map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, rows))),
      h('details', {}, h('summary', {}, '精算カレンダーの設定'), calendarForm)));
  }
  const committeeId = ctx.me.committee_id || (programmes[0] && programmes[0].committee_id);
  if (!committeeId) return h('div', {}, h('h1', {}, '精算'), h('p', {}, '商品券事業がありません。'));
  const settings = await ctx.api.get(`/api/admin/committees/${committeeId}/payout-settings`);
  const settingsForm = entityForm({
    submitLabel: '精算設定を更新',
    fields: [
      { label: '委託者コード (10桁)', name: 'consignor_code', required: true, value: settings.consignor_code, inputmode: 'numeric' },
      { label: '委託者名 (カナ)', name: 'consignor_name', required: true, value: settings.consignor_kana },
      { label: '振込元 金融機関コード', name: 'bank_code', required: true, value: settings.bank_code, inputmode: 'numeric' },
      { label: '振込元 支店コード', name: 'branch_code', required: true, value: settings.branch_code, inputmode: 'numeric' },
      { label: '振込元 預金種目', name: 'account_type', options: TYPES, value: settings.account_type || 'ordinary' },
      { label: '振込元 口座番号 (7桁)', name: 'account_number', required: true, value: settings.account_number, inputmode: 'numeric' },
    ],
    submit: async (values) => {
      await ctx.api.put(`/api/admin/committees/${committeeId}/payout-settings`, values);
      ctx.flash('ok', '精算設定を更新しました。');
      ctx.go(`#/payouts?t=${Date.now()}`);
    },
  });
  return h('div', {}, h('h1', {}, '精算'), slot, sections,
    h('h2', {}, '確定した精算'), runTable(runs.items),
    h('h2', {}, '精算設定 (全銀ファイルの振込依頼人)'),
    details([['委託者コード', settings.consignor_code || '未登録'], ['委託者名', settings.consignor_kana || '未登録'],
      ['振込元口座', settings.registered ? `${settings.bank_name} ${settings.branch_name} ${settings.account_type_label} ${settings.account_number}` : '未登録']]),
    h('details', {}, h('summary', {}, '精算設定の変更'), settingsForm));
}

/** 精算詳細: per payee, what is paid; the 全銀 file, the list and each company's 支払通知書. */
export async function detail(ctx, params) {
  const run = await ctx.api.get(`/api/admin/payout-runs/${encodeURIComponent(params.get('id') || '')}`);
  const slot = h('div');
  const base = `/api/admin/payout-runs/${encodeURIComponent(run.run_id)}`;
  const companies = [...new Map(run.lines.map((l) => [l.company_id, l.company_name])).entries()];
  const actions = [];
  if (committeeLevel(ctx.me) && run.state !== 'cancelled') {
    actions.push(h('button', { type: 'button', onclick: () => download(`${base}/zengin`, `zengin_${run.period_end}.txt`, slot) }, '振込ファイル (全銀) をダウンロード'),
      h('button', { type: 'button', class: 'secondary', onclick: () => download(`${base}/list.csv`, `payout_${run.period_end}.csv`, slot) }, '支払一覧 CSV'),
      h('button', { type: 'button', class: 'secondary', onclick: () => download(`${base}/list.xlsx`, `payout_${run.period_end}.xlsx`, slot) }, '支払一覧 Excel'));
  }
  const stateForm = [];
  if (committeeLevel(ctx.me) && run.state === 'created') {
    const paidOn = field({ label: '振込日', name: 'paid_on', type: 'date', value: jstToday(), required: true });
    stateForm.push(h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      if (!(await confirmDialog('振込済みにします。よろしいですか？'))) return;
      try {
        await ctx.api.post(`${base}/paid`, formValues(event.target));
        ctx.flash('ok', '振込済みにしました。');
        ctx.go(`#/payouts/detail?id=${encodeURIComponent(run.run_id)}&t=${Date.now()}`);
      } catch (error) { showError(slot, error); }
    } }, h('h2', {}, '振込済みの登録'), paidOn, h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: async () => {
        if (!(await confirmDialog('この精算を取り消します。期間は未確定に戻ります。よろしいですか？'))) return;
        try {
          await ctx.api.post(`${base}/cancel`);
          ctx.flash('ok', '精算を取り消しました。');
          ctx.go(`#/payouts/detail?id=${encodeURIComponent(run.run_id)}&t=${Date.now()}`);
        } catch (error) { showError(slot, error); }
      } }, '精算を取り消す'), h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '振込済みにする'))));
  }
  const lines = h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': '支払先ごとの明細' }, h('table', {},
    h('thead', {}, h('tr', {}, ['支払先', '企業', '店舗・券種', '差引額', '前回繰越', '手数料', '振込額', '振込先口座', '振込状況'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, run.lines.map((l) => h('tr', {},
      h('td', {}, `${l.payee_name} (${l.payee_id})`), h('td', {}, l.company_name),
      h('td', {}, l.stores.map((s) => h('div', {}, `${s.store_name} ${s.voucher_type_label}: 決済${s.payment_count}件 ${yen(s.payment_amount)}円 / 取消${s.cancel_count}件 ${yen(s.cancel_amount)}円`))),
      h('td', { class: 'num' }, `${yen(l.period_net)}円`), h('td', { class: 'num' }, `${yen(l.carry_in)}円`),
      h('td', { class: 'num' }, `${yen(l.fee)}円`), h('td', { class: 'num' }, `${yen(l.transfer)}円`),
      h('td', {}, l.bank_label ? `${l.bank_label} ${l.account_masked}` : '未登録'), h('td', {}, l.status_label))))));
  return h('div', {}, h('p', {}, h('a', { href: '#/payouts' }, '< 精算')), h('h1', {}, '精算詳細'), slot,
    details([['精算期間', run.period_label], ['商品券事業', run.programme_name], ['支払日', run.pay_date.replaceAll('-', '/')],
      ['状態', run.state_label + (run.paid_on ? ` (${run.paid_on.replaceAll('-', '/')} 振込)` : '')],
      ['手数料率', run.fee_bps ? `${run.fee_bps / 100}% (円未満切り捨て)` : 'なし'],
      ['振込件数', `${run.transfer_count}件`], ['振込額合計', `${yen(run.transfer_total)}円`],
      ['口座未登録で振込ファイルから除いた支払先', run.missing.length ? run.missing.map((m) => `${m.payee_name} (${m.payee_id}) ${yen(m.amount)}円`).join('、') : 'なし']]),
    actions.length ? h('p', { class: 'actions' }, actions) : null,
    h('h2', {}, '支払通知書'),
    h('ul', {}, companies.map(([id, name]) => h('li', {}, h('button', { type: 'button', class: 'secondary',
      onclick: () => download(`${base}/statements/${id}`, `statement_${run.period_end}_${id}.pdf`, slot) }, `${name} の支払通知書 (PDF)`)))),
    h('h2', {}, '支払先ごとの明細'), lines, stateForm);
}
