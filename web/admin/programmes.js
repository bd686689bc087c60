// 商品券事業 (programmes), 店頭チャージ and キャンペーン (一括付与).
import { h, notice, showError, confirmDialog, checkForm, field, selectField, formValues, yen, jstDateTime, randomKey } from '/shared/ui.js';
import { entityForm, details } from '/admin/common.js';

function programmeFields(p = {}) {
  return [
    { label: '事業名', name: 'name', required: true, value: p.name, placeholder: '例: 令和8年 恵那市プレミアム付商品券' },
    { label: '販売価格 (1冊・円)', name: 'unit_price', type: 'number', required: true, value: p.unit_price ?? 10000, inputmode: 'numeric' },
    { label: '額面 (1冊・円)', name: 'unit_value', type: 'number', required: true, value: p.unit_value ?? 13000, inputmode: 'numeric' },
    { label: '共通券 (1冊あたり・円)', name: 'common_share', type: 'number', required: true, value: p.common_share ?? 6500, inputmode: 'numeric' },
    { label: '専用券 (1冊あたり・円)', name: 'dedicated_share', type: 'number', required: true, value: p.dedicated_share ?? 6500, inputmode: 'numeric' },
    { label: '販売開始日', name: 'sale_start', type: 'date', required: true, value: p.sale_start },
    { label: '販売終了日', name: 'sale_end', type: 'date', required: true, value: p.sale_end },
    { label: '利用開始日', name: 'use_start', type: 'date', required: true, value: p.use_start },
    { label: '利用終了日', name: 'use_end', type: 'date', required: true, value: p.use_end, hint: '利用終了日の翌日に、残った残高は失効します' },
    { label: 'お一人あたりの購入上限 (冊)', name: 'limit_units', type: 'number', required: true, value: p.limit_units ?? 5, inputmode: 'numeric' },
    { label: '失効お知らせメール (何日前・カンマ区切り)', name: 'reminder_days', value: (p.reminder_days || [30, 7]).join(','), placeholder: '例: 30,7',
      hint: '利用終了日のこの日数前に、残高のある利用者へメールでお知らせします' },
  ];
}

function numbers(values) {
  for (const key of ['unit_price', 'unit_value', 'common_share', 'dedicated_share', 'limit_units']) values[key] = Number(values[key]);
  if (typeof values.reminder_days === 'string') {
    values.reminder_days = values.reminder_days.split(/[,、，\s]+/).filter(Boolean).map((d) => Number(d.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))));
  }
  return values;
}

export async function list(ctx) {
  const { items } = await ctx.api.get('/api/admin/programmes');
  const canEdit = ctx.me.role === 'system_admin' || ctx.me.role === 'committee_admin';
  const options = canEdit && ctx.me.role === 'system_admin' ? await ctx.api.get('/api/admin/options') : null;
  const rows = items.map((p) => h('tr', {},
    h('td', {}, h('a', { href: `#/programmes/detail?id=${p.programme_id}` }, p.name)), h('td', {}, p.premium_label),
    h('td', {}, `${p.sale_start} ～ ${p.sale_end}`), h('td', {}, `${p.use_start} ～ ${p.use_end}`), h('td', { class: 'num' }, `${p.limit_units}冊`)));
  const create = canEdit ? entityForm({
    fields: [...(options ? [{ label: 'アクワイアラ', name: 'committee_id', required: true, options: options.committees.map((c) => [c.value, c.label]) }] : []), ...programmeFields()],
    submit: async (values) => {
      const saved = await ctx.api.post('/api/admin/programmes', numbers(values));
      ctx.flash('ok', `商品券事業「${saved.name}」を登録しました。`);
      ctx.go(`#/programmes/detail?id=${saved.programme_id}`);
    },
  }) : null;
  return h('div', {}, h('h1', {}, '商品券事業'),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['事業名', 'プレミアム', '販売期間', '利用期間', '購入上限'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows))),
    create ? [h('h2', {}, '商品券事業の登録'), create] : null);
}

export async function detail(ctx, params) {
  const p = await ctx.api.get(`/api/admin/programmes/${encodeURIComponent(params.get('id') || '')}`);
  const canEdit = ctx.me.role === 'system_admin' || ctx.me.role === 'committee_admin';
  return h('div', {}, h('p', {}, h('a', { href: '#/programmes' }, '< 商品券事業')), h('h1', {}, p.name),
    details([['事業ID', p.programme_id], ['プレミアム', p.premium_label], ['共通券 / 専用券 (1冊)', `${yen(p.common_share)}円 / ${yen(p.dedicated_share)}円`],
      ['販売期間', `${p.sale_start} ～ ${p.sale_end}`], ['利用期間', `${p.use_start} ～ ${p.use_end}`], ['お一人あたりの購入上限', `${p.limit_units}冊`],
      ['失効お知らせメール', (p.reminder_days || []).map((d) => `${d}日前`).join('・') || '送信しない']]),
    canEdit ? [h('h2', {}, '更新'), entityForm({
      fields: programmeFields(p), submitLabel: '更新',
      submit: async (values) => {
        await ctx.api.put(`/api/admin/programmes/${p.programme_id}`, numbers(values));
        ctx.flash('ok', '更新しました。');
        ctx.go(`#/programmes/detail?id=${p.programme_id}&t=${Date.now()}`);
      },
    })] : null);
}

// --- 店頭チャージ --------------------------------------------------------------------------------------------
export async function charge(ctx) {
  const { items } = await ctx.api.get('/api/admin/programmes');
  const slot = h('div');
  const result = h('div');
  let attemptKey = randomKey();  // one key per purchase: a double click or a retry charges once
  const paper = h('details', {}, h('summary', {}, '紙の申込書で当選した方 (抽選販売の本人確認)'),
    h('p', { class: 'hint' }, '申込書の内容で住民名簿と照合し、その方の当選分をチャージします。当選分は1つのカード・アプリにだけチャージできます。'
      + 'アプリで申し込んだ方と、住民名簿から発行したカードへのチャージでは入力不要です。'),
    h('div', { class: 'grid' },
      field({ label: '住民番号', name: 'resident_key', attrs: { autocomplete: 'off' } }),
      field({ label: '氏名(カナ)', name: 'name_kana', attrs: { autocomplete: 'off' } }),
      field({ label: '生年月日', name: 'birth_date', attrs: { placeholder: '1950-04-01', autocomplete: 'off' } })));
  const form = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const values = formValues(form);
    const body = { programme_id: values.programme_id, units: Number(values.units), idempotency_key: attemptKey };
    body[values.find_by] = values.target;
    const programme = items.find((p) => p.programme_id === values.programme_id);
    const price = programme ? programme.unit_price * body.units : 0;
    if (!checkForm(form, slot)) return;
    // 抽選販売: a paper winner is named by his details (a card issued from the list already names him)
    const person = ['resident_key', 'name_kana', 'birth_date'].map((name) => (values[name] || '').trim());
    if (person.some(Boolean) && !person.every(Boolean)) {
      slot.replaceChildren(notice('error', '紙の申込書で当選した方は、住民番号・氏名(カナ)・生年月日をすべて入力してください。'));
      return;
    }
    if (person.every(Boolean)) body.resident = { resident_key: person[0], name_kana: person[1], birth_date: person[2] };
    const whose = body.resident ? '紙の申込書の当選分として ' : '';
    if (!(await confirmDialog(`${whose}${body.units}冊 (${yen(price)}円) をチャージします。代金を受け取りましたか？`))) return;
    try {
      const done = await ctx.api.post('/api/admin/charges', body);
      attemptKey = randomKey();
      slot.replaceChildren(notice('ok', 'チャージが完了しました。'));
      result.replaceChildren(h('h2', {}, 'チャージ結果'), details([
        ['取引番号', done.number], ['ユーザID', done.wallet_id], done.card_number ? ['カード番号', done.card_number] : ['メールアドレス', done.email], ['商品券事業', done.programme_name],
        body.resident ? ['本人確認', '住民名簿で確認済み (紙の申込書の当選分)'] : null,
        ['冊数', `${done.units}冊`], ['お支払い金額', `${yen(done.price)}円`], ['チャージ額', `${yen(done.amount)}円`],
        ['チャージ後のご利用可能金額', `${yen(done.balance_after)}円`], ['取引日時', jstDateTime(done.occurred_at)]].filter(Boolean)),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'danger', onclick: async () => {
        if (!(await confirmDialog('このチャージを取り消します。よろしいですか？'))) return;
        try {
          const reply = await ctx.api.post(`/api/admin/charges/${done.number}/cancel`);
          result.replaceChildren(notice('ok', `${reply.message} (取消の取引番号 ${reply.cancel_number})`));
        } catch (error) { showError(slot, error); }
      } }, 'チャージ取消')));
      form.reset();
    } catch (error) {
      showError(slot, error, form);
      // a wallet that names no winner: the clerk checks a paper applicant's details next
      if (error.code === 'not_a_winner' && !body.resident) paper.open = true;
    }
  } },
  slot,
  selectField({ label: '商品券事業', name: 'programme_id', required: true, options: items.map((p) => [p.programme_id, `${p.name} (${p.premium_label})`]) }),
  field({ label: '冊数', name: 'units', type: 'number', value: '1', required: true, attrs: { min: '1', max: '100', inputmode: 'numeric' } }),
  selectField({ label: 'アプリユーザの指定方法', name: 'find_by', options: [['wallet_id', 'ユーザID'], ['email', 'メールアドレス'], ['qr', 'QRコードの文字列'], ['card_number', 'カード番号']] }),
  field({ label: 'ユーザID / メールアドレス / QRコード / カード番号', name: 'target', required: true, hint: '利用者アプリの「QRコード表示」を読み取った文字列も使えます' }),
  paper,
  h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, 'チャージする')));
  return h('div', {}, h('h1', {}, '店頭チャージ'), h('p', {}, '代金を受け取った後に、購入された冊数をアプリユーザ・カードにチャージします。'), form, result);
}

// --- キャンペーン / 一括付与 ------------------------------------------------------------------------------------
export async function campaigns(ctx) {
  const { items } = await ctx.api.get('/api/admin/programmes');
  const slot = h('div');
  const jobs = h('div');
  let attemptKey = randomKey();  // one key per press of 付与: a retry or a second click starts one grant
  const form = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const values = formValues(form);
    const ids = values.wallet_ids ? values.wallet_ids.split(/[\s,]+/).filter(Boolean) : null;
    const body = { programme_id: values.programme_id, name: values.name, campaign_name: values.campaign_name || null,
      amount: Number(values.amount), voucher_type: values.voucher_type, wallet_ids: ids, idempotency_key: attemptKey };
    const whom = ids ? `${ids.length}人` : '登録済みのすべてのアプリユーザ';
    if (!checkForm(form, slot)) return;
    if (!(await confirmDialog(`${whom}に ${yen(body.amount)}円 を付与します。よろしいですか？`))) return;
    try {
      await ctx.api.post('/api/admin/grants', body);
      attemptKey = randomKey();
      slot.replaceChildren(notice('ok', '一括付与を開始しました。進捗は下の一覧で確認できます。'));
      form.reset();
      refresh();
    } catch (error) { showError(slot, error, form); }
  } },
  slot,
  selectField({ label: '商品券事業', name: 'programme_id', required: true, options: items.map((p) => [p.programme_id, p.name]) }),
  field({ label: '一括付与名', name: 'name', required: true, attrs: { placeholder: '例: 全市民5,000円付与' } }),
  field({ label: 'キャンペーン名', name: 'campaign_name' }),
  field({ label: '付与額 (円)', name: 'amount', type: 'number', required: true, value: '5000', attrs: { min: '1', inputmode: 'numeric' } }),
  selectField({ label: '券種', name: 'voucher_type', options: [['common', '共通券'], ['dedicated', '専用券']] }),
  h('div', { class: 'field' }, h('label', { for: 'wallet-ids' }, '対象のユーザID (空欄なら登録済みの全アプリユーザ)'),
    h('textarea', { id: 'wallet-ids', name: 'wallet_ids', rows: '3' })),
  h('p', { class: 'hint' }, '同じ一括付与を何度実行しても、1人に付与されるのは1回だけです。'),
  h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '付与する')));
  let timer;
  async function refresh() {
    clearTimeout(timer);
    try {
      const reply = await ctx.api.get('/api/admin/grants');
      if (!reply.items.length) { jobs.replaceChildren(h('p', {}, 'まだ一括付与はありません。')); return; }
      jobs.replaceChildren(...reply.items.map((job) => h('section', { class: 'card', 'aria-label': job.label },
        h('h3', {}, job.label),
        h('p', {}, h('span', { class: `badge ${job.state === 'done' ? 'ok' : job.state === 'failed' ? 'bad' : ''}` }, job.state_label), ' ', jstDateTime(job.created_at)),
        job.state === 'running' || job.state === 'queued' ? h('p', {}, `${job.done_count.toLocaleString('ja-JP')}人 処理済み`) : null,
        job.message ? h('p', {}, job.message) : null)));
      if (reply.items.some((j) => j.state === 'queued' || j.state === 'running') && document.body.contains(jobs)) timer = setTimeout(refresh, 1500);
    } catch (error) { showError(jobs, error); }
  }
  refresh();
  return h('div', {}, h('h1', {}, 'キャンペーン / 一括付与'), form, h('h2', {}, '一括付与の状況'), jobs);
}
