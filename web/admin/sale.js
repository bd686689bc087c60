// 住民名簿 (issues 15/23): a programme's resident list — upload (all or nothing, diff report) and the
// counter search, which needs a reason and is recorded in the audit log. Only keyed hashes are kept.
import { h, notice, showError, field, selectField, formValues, jstDateTime, confirmDialog } from '/shared/ui.js';
import { saveFile } from '/admin/common.js';

const n = (value) => Number(value || 0).toLocaleString('ja-JP');

async function fileReply(response, filename) {
  if (!response.ok) {
    let message = 'ファイルを作成できませんでした。';
    let details = [];
    try { const error = (await response.json()).error; message = error.message || message; details = error.details || []; } catch (_) { /* not JSON */ }
    const lines = details.map((d) => `${d.field}: ${d.reason_ja}`).slice(0, 20);
    throw new Error([message, ...lines].join('\n'));
  }
  saveFile(await response.blob(), filename);
}

/** POST a file (the CSRF token as the API client sends it) and save the file answered. */
async function sendFile(path, file, filename) {
  const headers = { 'X-Shoken-App': 'admin', 'Content-Type': 'application/octet-stream' };
  const csrf = sessionStorage.getItem('shoken.csrf.admin');
  if (csrf) headers['X-CSRF-Token'] = csrf;
  await fileReply(await fetch(path, { method: 'POST', headers, body: file, credentials: 'same-origin' }), filename);
}

/** POST a file and answer its JSON (an error with its lines, as fileReply words it). */
async function postFile(path, file) {
  const headers = { 'X-Shoken-App': 'admin', 'Content-Type': 'application/octet-stream' };
  const csrf = sessionStorage.getItem('shoken.csrf.admin');
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const response = await fetch(path, { method: 'POST', headers, body: file, credentials: 'same-origin' });
  let reply = null;
  try { reply = await response.json(); } catch (_) { /* not JSON */ }
  if (!response.ok) {
    const error = (reply && reply.error) || {};
    const lines = (error.details || []).map((d) => `${d.field}: ${d.reason_ja}`).slice(0, 20);
    throw new Error([error.message || '入金データを取り込めませんでした。', ...lines].join('\n'));
  }
  return reply;
}

const yen = (value) => `${n(value)}円`;

function depositResult(upload) {
  const unmatched = upload.items.filter((i) => !i.credited);
  return h('section', { class: 'card', 'aria-label': `入金データ取込 ${jstDateTime(upload.at)}` },
    h('h3', {}, `${jstDateTime(upload.at)} の取込`),
    h('p', {}, `${n(upload.rows)}件のうち ${n(upload.credited)}件 (${yen(upload.credited_amount)}) を入金しました。`,
      unmatched.length ? ` 未照合 ${n(unmatched.length)}件は、内容を確認して個別に対応してください (返金・店頭チャージ等)。` : ''),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, '取込結果'),
      h('thead', {}, h('tr', {}, ['行', '入金日', '振込依頼人', '金額', '結果'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, upload.items.map((i) => h('tr', {},
        h('td', { class: 'num' }, `${i.line}行目`), h('td', {}, i.day), h('td', {}, i.payer),
        h('td', { class: 'num' }, yen(i.amount)),
        h('td', {}, i.credited
          ? h('span', { class: 'badge ok' }, `入金済 ${n(i.units)}冊 (取引番号 ${i.number})`)
          : h('span', {}, h('span', { class: 'badge bad' }, '未照合'), ' ', i.reason))))))));
}

async function getFile(path, filename, slot) {
  try { await fileReply(await fetch(path, { headers: { 'X-Shoken-App': 'admin' }, credentials: 'same-origin' }), filename); }
  catch (error) { showError(slot, error); }
}

export async function residents(ctx) {
  const { items } = await ctx.api.get('/api/admin/programmes');
  if (!items.length) return h('div', {}, h('h1', {}, '住民名簿'), notice('warn', '商品券事業が登録されていません。'));
  const wanted = new URLSearchParams(location.hash.split('?')[1] || '').get('id');
  const choice = selectField({ label: '商品券事業', name: 'programme_id', required: true,
    value: items.some((p) => p.programme_id === wanted) ? wanted : items[0].programme_id,
    options: items.map((p) => [p.programme_id, p.name]) });
  const select = choice.querySelector('select');
  const body = h('div');
  select.addEventListener('change', () => show(select.value));

  let timer = null;
  async function show(programmeId) {
    clearTimeout(timer);
    let status;
    try { status = await ctx.api.get(`/api/admin/programmes/${encodeURIComponent(programmeId)}/residents`); }
    catch (error) { showError(body, error); return; }
    const uploads = h('div');
    let saleView = null;
    try { saleView = await ctx.api.get(`/api/admin/programmes/${encodeURIComponent(programmeId)}/sale`); }
    catch (error) { showError(body, error); return; }
    body.replaceChildren(summary(status), uploadForm(programmeId, status, () => refresh(programmeId, uploads)),
      saleStatus(saleView), searchForm(programmeId, status), codesForm(programmeId, status), saleForm(programmeId, saleView), paperForm(programmeId, saleView), drawForm(programmeId, saleView), depositsForm(programmeId, saleView), h('h2', {}, '取込結果'), uploads);
    refresh(programmeId, uploads);
  }

  async function refresh(programmeId, slot) {
    clearTimeout(timer);
    if (!document.body.contains(slot) && timer !== null) return;
    try {
      const { items: jobs } = await ctx.api.get(`/api/admin/programmes/${encodeURIComponent(programmeId)}/resident-uploads`);
      const running = jobs.some((j) => j.state === 'queued' || j.state === 'running');
      if (!running && jobs.length && document.body.contains(slot)) {
        // the list in force first, then the job's result: the screen never shows a result the summary lacks
        const status = await ctx.api.get(`/api/admin/programmes/${encodeURIComponent(programmeId)}/residents`);
        body.firstChild.replaceWith(summary(status));
      }
      slot.replaceChildren(...(jobs.length ? jobs.map(render) : [h('p', { class: 'hint' }, 'まだ取り込みはありません。')]));
      if (running) timer = setTimeout(() => refresh(programmeId, slot), 1500);
    } catch (error) { showError(slot, error); }
  }

  function summary(status) {
    return h('section', { class: 'card', 'aria-label': '現在の名簿' }, h('h2', {}, '現在の名簿'),
      status.listed
        ? h('dl', { class: 'detail' },
          h('dt', {}, '登録人数'), h('dd', {}, `${n(status.count)}人`),
          h('dt', {}, '取込日時'), h('dd', {}, jstDateTime(status.uploaded_at)),
          h('dt', {}, '取込者'), h('dd', {}, status.uploaded_by || '—'),
          h('dt', {}, 'ファイル名'), h('dd', {}, status.file_name || '—'))
        : h('p', {}, 'この事業の住民名簿はまだ取り込まれていません。'),
      h('p', { class: 'hint' }, '名簿は、住民番号・氏名カナ・生年月日から作った照合用の値(復元できない形)だけを保存します。元のファイルは取込後に削除します。'));
  }

  function uploadForm(programmeId, status, after) {
    const slot = h('div');
    const fileInput = h('input', { type: 'file', id: 'resident-file', name: 'file', accept: '.csv,text/csv', required: true });
    const form = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      const file = fileInput.files[0];
      if (!file) { slot.replaceChildren(notice('error', 'ファイルを選択してください。')); return; }
      try {
        await ctx.api.upload(`/api/admin/programmes/${encodeURIComponent(programmeId)}/residents`, file, 'application/octet-stream',
          { 'X-File-Name': encodeURIComponent(file.name) });
        slot.replaceChildren(notice('ok', 'ファイルを受け付けました。すべての行を確認してから名簿を差し替えます。'));
        form.reset();
        after();
      } catch (error) { showError(slot, error); }
    } },
    h('h2', {}, '名簿の取込'), slot,
    h('p', { class: 'hint' }, `1行目(見出し行)に次の列を並べてください(順不同): ${status.columns.join(', ')}。住所・世帯番号など、ほかの列があるファイルは取り込みません。`),
    h('div', { class: 'field' }, h('label', { for: 'resident-file', class: 'req' }, 'CSVファイル (UTF-8 または Shift_JIS)'), fileInput),
    h('p', { class: 'hint' }, 'すべての行に誤りがない場合のみ、名簿全体を差し替えます。誤りがある場合は行番号・列・理由を表示し、名簿は変わりません。'),
    h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, 'アップロード')));
    return form;
  }

  function searchForm(programmeId, status) {
    const slot = h('div');
    const form = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      try {
        const result = await ctx.api.post(`/api/admin/programmes/${encodeURIComponent(programmeId)}/residents/search`, formValues(form));
        slot.replaceChildren(notice(result.listed ? 'ok' : 'warn', result.message));
      } catch (error) { showError(slot, error, form); }
    } },
    h('h2', {}, '名簿の照会'), slot,
    field({ label: '住民番号', name: 'resident_key', required: true, attrs: { autocomplete: 'off' } }),
    field({ label: '氏名カナ', name: 'name_kana', required: true, hint: 'ひらがな・半角カナでも照会できます', attrs: { autocomplete: 'off' } }),
    field({ label: '生年月日', name: 'birth_date', type: 'date', required: true }),
    selectField({ label: '照会の理由', name: 'reason', required: true, options: [['', '選択してください'], ...Object.entries(status.reasons)] }),
    h('p', { class: 'hint' }, '照会は、理由とともに監査ログに記録されます(入力した内容は記録しません)。'),
    h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '照会')));
    return form;
  }

  function saleForm(programmeId, view) {
    const slot = h('div');
    const current = view.settings || {};
    const form = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      const values = formValues(form);
      values.units_on_sale = Number(values.units_on_sale);
      if (!values.purchase_end) values.purchase_end = null;
      try {
        await ctx.api.put(`/api/admin/programmes/${encodeURIComponent(programmeId)}/sale`, values);
        slot.replaceChildren(notice('ok', '申込期間を保存しました。'));
      } catch (error) { showError(slot, error, form); }
    } },
    h('h2', {}, '申込期間'), slot,
    field({ label: '申込開始日', name: 'apply_start', type: 'date', required: true, value: current.apply_start || '' }),
    field({ label: '申込終了日', name: 'apply_end', type: 'date', required: true, value: current.apply_end || '' }),
    field({ label: '購入期限', name: 'purchase_end', type: 'date', value: current.purchase_end || '', hint: '当選者が窓口で購入できる最終日です。未入力の場合は事業の販売終了日までです。' }),
    field({ label: '販売冊数', name: 'units_on_sale', type: 'number', required: true, value: current.units_on_sale ?? '', attrs: { inputmode: 'numeric', min: '1' } }),
    h('p', { class: 'hint' }, `お一人あたりの申込上限は、この事業の購入上限 (${view.limit_units}冊) です。`),
    h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '保存')));
    return form;
  }

  function paperForm(programmeId, view) {
    const slot = h('div');
    const units = Array.from({ length: view.limit_units }, (_, i) => [String(i + 1), `${i + 1}冊`]);
    const form = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      const values = formValues(form);
      values.units = Number(values.units);
      try {
        const saved = await ctx.api.post(`/api/admin/programmes/${encodeURIComponent(programmeId)}/applications`, values);
        slot.replaceChildren(notice('ok', `申込書の内容 (${saved.units}冊) を受け付けました。`));
        form.reset();
      } catch (error) { showError(slot, error, form); }
    } },
    h('h2', {}, '申込書の入力 (紙の申込)'), slot,
    field({ label: '住民番号', name: 'resident_key', required: true, attrs: { autocomplete: 'off' } }),
    field({ label: '氏名カナ', name: 'name_kana', required: true, attrs: { autocomplete: 'off' } }),
    field({ label: '生年月日', name: 'birth_date', type: 'date', required: true }),
    selectField({ label: '申込冊数', name: 'units', required: true, options: units }),
    h('p', { class: 'hint' }, 'お一人1件のみ受け付けます。アプリで申込資格を確認済みの方は、アプリから申し込んでください。'),
    h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '申込を登録')));
    return form;
  }

  function saleStatus(view) {
    const c = view.counts;
    if (!c) return h('div');  // no sale set yet (replaceChildren would print a null)
    const s = view.settings;
    const state = view.draw && view.draw.state === 'drawn' ? '抽選済み' : view.draw ? '抽選処理中' : view.closed_at ? '締切済み' : view.open ? '受付中' : '受付期間外';
    const rows = [
      ['申込期間', `${s.apply_start} ～ ${s.apply_end} (${state})`],
      ['購入期限', s.purchase_end || '事業の販売終了日まで'],
      ['申込資格のある方 (名簿)', `${n(c.eligible)}人`],
      ['申込', `${n(c.applications)}件`],
      ['申込冊数 / 販売冊数', `${n(c.units_asked)}冊 / ${n(c.units_on_sale)}冊`],
      ['当選', `${n(c.winners)}人・${n(c.units_won)}冊`],
      ['購入済み', `${n(c.units_paid)}冊`],
      ['未購入', `${n(c.units_unpaid)}冊`],
    ];
    return h('section', { class: 'card', 'aria-label': '販売状況' }, h('h2', {}, '販売状況'),
      h('dl', { class: 'detail' }, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      chart([['販売冊数', c.units_on_sale], ['申込冊数', c.units_asked], ['当選冊数', c.units_won], ['購入済み', c.units_paid], ['未購入', c.units_unpaid]]));
  }

  function chart(bars) {
    const NS = 'http://www.w3.org/2000/svg';
    const el = (tag, attrs, text) => {
      const node = document.createElementNS(NS, tag);
      for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
      if (text !== undefined) node.textContent = text;
      return node;
    };
    const top = Math.max(1, ...bars.map(([, v]) => v));
    const rowHeight = 28;
    const svg = el('svg', { viewBox: `0 0 600 ${bars.length * rowHeight + 8}`, role: 'img', class: 'sale-chart',
      'aria-label': bars.map(([label, v]) => `${label} ${n(v)}冊`).join('、') });
    bars.forEach(([label, value], i) => {
      const y = 4 + i * rowHeight;
      svg.append(el('text', { x: 0, y: y + 17, 'font-size': 13, fill: 'currentColor' }, label),
        el('rect', { x: 90, y: y + 3, width: Math.max(1, Math.round((400 * value) / top)), height: 18, rx: 3,
          fill: i === 0 ? '#8aa4c8' : i === 4 ? '#e0a458' : '#2f6fb3' }),
        el('text', { x: 96 + Math.round((400 * value) / top), y: y + 17, 'font-size': 13, fill: 'currentColor' }, `${n(value)}冊`));
    });
    return h('div', { class: 'chart-wrap' }, svg);
  }

  function codesForm(programmeId, status) {
    const slot = h('div');
    const fileInput = h('input', { type: 'file', id: 'codes-file', name: 'file', accept: '.csv,text/csv', required: true });
    const format = selectField({ label: '出力形式', name: 'format', required: true,
      options: [['pdf', '印刷用 PDF (A4に4名分)'], ['csv', '封入・発送業者向け CSV']] });
    const form = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      const file = fileInput.files[0];
      if (!file) { slot.replaceChildren(notice('error', 'ファイルを選択してください。')); return; }
      const kind = form.querySelector('select[name=format]').value;
      slot.replaceChildren(notice('ok', '引換コードを作成しています…'));
      try {
        await sendFile(`/api/admin/programmes/${encodeURIComponent(programmeId)}/redemption-codes?format=${kind}`, file,
          `redemption_codes_${programmeId}.${kind}`);
        slot.replaceChildren(notice('ok', '引換コードのファイルを作成しました。同じ方のコードは何度作成しても同じです。'));
      } catch (error) { showError(slot, error); }
    } },
    h('h2', {}, '引換コードの発行'), slot,
    h('p', { class: 'hint' }, `コードを送る方の一覧 (列: ${status.columns.join(', ')}) を指定してください。全員が現在の名簿に載っている場合のみ発行します。PDFは1回2,000名まで、CSVは20,000名までです。`),
    h('div', { class: 'field' }, h('label', { for: 'codes-file', class: 'req' }, 'コードを送る方の一覧 (CSV形式、UTF-8 または Shift_JIS)'), fileInput),
    format,
    h('p', { class: 'hint' }, 'コードはお一人1回だけ使え、使った方のアプリに申込資格が登録されます。作成したファイルはシステムに保存しません。'),
    h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '引換コードを作成')));
    return form;
  }

  async function showJobs(programmeId, jobsSlot) {
    if (!document.body.contains(jobsSlot)) return;
    try {
      const { items: jobs } = await ctx.api.get(`/api/admin/programmes/${encodeURIComponent(programmeId)}/sale-jobs`);
      jobsSlot.replaceChildren(...jobs.map(render));
      if (jobs.some((j) => j.state === 'queued' || j.state === 'running')) setTimeout(() => showJobs(programmeId, jobsSlot), 1500);
    } catch (error) { showError(jobsSlot, error); }
  }

  function secondRound(programmeId, view, slot) {
    const r = view.second_round;
    if (r) {
      return h('div', {}, h('h3', {}, '二次抽選'), r.state === 'drawn'
        ? h('dl', { class: 'detail' },
          h('dt', {}, '再抽選した冊数 (失効分)'), h('dd', {}, `${n(r.pool)}冊`),
          h('dt', {}, '対象者 (配分が申込に満たない方)'), h('dd', {}, `${n(r.applicants)}人`),
          h('dt', {}, '当選'), h('dd', {}, `${n(r.winners)}人・${n(r.units_won)}冊`),
          h('dt', {}, '購入期限'), h('dd', {}, r.purchase_end),
          h('dt', {}, 'シード (監査ログに記録済み)'), h('dd', { class: 'mono' }, r.seed))
        : notice('ok', '二次抽選を処理しています。'));
    }
    const date = field({ label: '二次抽選の購入期限', name: 'round2_end', type: 'date' });
    return h('div', {}, h('h3', {}, '二次抽選'),
      h('p', { class: 'hint' }, '購入期限までに購入されなかった当選分を失効させ、配分が申込冊数に満たない方の間で同じ方式で抽選します。'),
      date,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: async () => {
        const purchaseEnd = date.querySelector('input').value;
        if (!purchaseEnd) { slot.replaceChildren(notice('error', '二次抽選の購入期限を入力してください。')); return; }
        if (!(await confirmDialog('未購入の当選分を失効させ、二次抽選を行います。二次抽選は一度だけ行えます。よろしいですか？'))) return;
        try {
          await ctx.api.post(`/api/admin/programmes/${encodeURIComponent(programmeId)}/second-round`, { purchase_end: purchaseEnd });
          show(programmeId);
        } catch (error) { showError(slot, error); }
      } }, '二次抽選を行う')));
  }

  function drawForm(programmeId, view) {
    const slot = h('div');
    const jobsSlot = h('div');
    if (view.draw) setTimeout(() => showJobs(programmeId, jobsSlot), 0);
    const RULES = [['equal_then_lot', '均等配分のうえ抽選 (全員に1冊ずつ配分し、残りを抽選)'], ['lot', '抽選のみ (当選者には申込冊数を配分)']];
    const done = view.draw && view.draw.state === 'drawn' ? view.draw : null;
    const drawing = view.draw && view.draw.state === 'drawing';
    const form = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      if (!(await confirmDialog('申込を締め切り、抽選を行います。抽選は一度だけ行えます。よろしいですか？'))) return;
      try {
        const next = await ctx.api.post(`/api/admin/programmes/${encodeURIComponent(programmeId)}/draw`, formValues(form));
        form.replaceWith(drawForm(programmeId, next));
      } catch (error) { showError(slot, error, form); }
    } },
    h('h2', {}, '抽選'), slot,
    drawing ? notice('ok', '抽選を処理しています。完了すると結果がここに表示されます。') : null,
    done ? h('dl', { class: 'detail' },
      h('dt', {}, '抽選日時'), h('dd', {}, jstDateTime(done.drawn_at)),
      h('dt', {}, '方式'), h('dd', {}, (RULES.find((r) => r[0] === done.rule) || [null, done.rule])[1]),
      h('dt', {}, '申込者数'), h('dd', {}, `${n(done.applicants)}人`),
      h('dt', {}, '当選者数'), h('dd', {}, `${n(done.winners)}人`),
      h('dt', {}, '配分冊数'), h('dd', {}, `${n(done.units_won)}冊`),
      h('dt', {}, 'シード (監査ログに記録済み)'), h('dd', { class: 'mono' }, done.seed)) : null,
    done ? h('p', { class: 'hint' }, `申込一覧 (CSV) と上のシード・方式から、make recompute-draw FILE=申込一覧.csv SEED=シード RULE=${done.rule} UNITS=${view.settings ? view.settings.units_on_sale : ''} で結果を再計算し、一致を確認できます。`) : null,
    done ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () =>
      getFile(`/api/admin/programmes/${encodeURIComponent(programmeId)}/applications.csv`, `applications_${programmeId}.csv`, slot) }, '申込一覧 (CSV)'),
    h('button', { type: 'button', onclick: async () => {
      if (!(await confirmDialog('アプリで申し込んだ方に、抽選結果(当選・落選)をメールで送ります。送信済みの方には再送しません。よろしいですか？'))) return;
      try {
        await ctx.api.post(`/api/admin/programmes/${encodeURIComponent(programmeId)}/notify`);
        slot.replaceChildren(notice('ok', '抽選結果メールの送信を開始しました。進捗は下に表示されます。'));
        showJobs(programmeId, jobsSlot);
      } catch (error) { showError(slot, error); }
    } }, '抽選結果をメールで送る')) : null,
    done ? secondRound(programmeId, view, slot) : null,
    jobsSlot,
    done || drawing ? null : h('p', {}, view.closed_at ? `申込は ${jstDateTime(view.closed_at)} に締め切りました。`
      : view.open ? '申込を受付中です。期間の途中で締め切る場合は「申込を締め切る」を押してください。' : '申込期間外です。'),
    done || drawing || view.closed_at || !view.open ? null : h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: async () => {
      if (!(await confirmDialog('申込を締め切ります。締切後は、申込・変更・取消と申込期間の変更ができなくなります。よろしいですか？'))) return;
      try { await ctx.api.post(`/api/admin/programmes/${encodeURIComponent(programmeId)}/sale/close`); show(programmeId); }
      catch (error) { showError(slot, error); }
    } }, '申込を締め切る')),
    done || drawing ? null : selectField({ label: '抽選方式', name: 'rule', required: true, options: RULES }),
    done || drawing ? null : h('p', { class: 'hint' }, '申込期間の終了後に行えます。シードは抽選の前に監査ログに記録され、同じ申込とシードから誰でも同じ結果を再計算できます。'),
    done || drawing ? null : h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '抽選する')));
    if (drawing) {
      setTimeout(async () => {
        if (!document.body.contains(form)) return;
        try {
          const next = await ctx.api.get(`/api/admin/programmes/${encodeURIComponent(programmeId)}/sale`);
          if (next.draw && next.draw.state === 'drawn') show(programmeId);  // the figures change with the result
          else form.replaceWith(drawForm(programmeId, next));
        }
        catch (error) { showError(slot, error); }
      }, 1500);
    }
    return form;
  }

  function depositsForm(programmeId, view) {
    const slot = h('div');
    const results = h('div');
    if (!view.draw || view.draw.state !== 'drawn') return h('div');
    const path = `/api/admin/programmes/${encodeURIComponent(programmeId)}/deposits`;
    const listResults = async () => {
      try {
        const { items } = await ctx.api.get(path);
        results.replaceChildren(...(items.length ? items.map(depositResult) : [h('p', { class: 'hint' }, 'まだ入金データの取込はありません。')]));
      } catch (error) { showError(results, error); }
    };
    setTimeout(listResults, 0);
    const fileInput = h('input', { type: 'file', id: 'deposits-file', name: 'file', accept: '.csv,text/csv', required: true });
    const form = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      const file = fileInput.files[0];
      if (!file) { slot.replaceChildren(notice('error', 'ファイルを選択してください。')); return; }
      if (!(await confirmDialog(`「${file.name}」の入金を振込依頼人コードと金額で照合し、一致した当選者のアプリに入金します。取込済みの入金は二重に入金しません。よろしいですか？`))) return;
      slot.replaceChildren(notice('ok', '入金データを照合しています…'));
      try {
        const upload = await postFile(path, file);
        slot.replaceChildren(notice('ok', `${n(upload.credited)}件を入金しました。未照合は ${n(upload.rows - upload.credited)}件です。`));
        results.prepend(depositResult(upload));
        form.reset();
      } catch (error) { showError(slot, error); }
    } },
    h('h2', {}, '入金データ取込 (銀行振込)'), slot,
    h('p', { class: 'hint' }, '銀行の入金明細をCSV形式 (UTF-8 または Shift_JIS、1回2,000行まで) で指定してください。列は 入金日・金額 と、振込依頼人名 (先頭に9桁の振込依頼人コード) または 参照番号 です。これ以外の列、重複した行、負の数・小数の金額があるファイルは取り込みません。'),
    h('p', { class: 'hint' }, '請求額 (未購入の当選冊数 × 販売価格) と同額で、購入期限までの入金だけを入金します。それ以外は未照合として理由を表示します。'),
    h('div', { class: 'field' }, h('label', { for: 'deposits-file', class: 'req' }, '入金明細 (CSV形式)'), fileInput),
    h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '入金データを取り込む')),
    h('h3', {}, '入金データの取込結果'), results);
    return form;
  }

  function render(job) {
    const percent = job.total_count ? Math.round((100 * job.done_count) / job.total_count) : 0;
    return h('section', { class: 'card', 'aria-label': `${job.label} ${job.file_name || ''}` },
      h('h3', {}, job.file_name || job.label),
      h('p', {}, h('span', { class: `badge ${job.state === 'done' ? 'ok' : job.state === 'failed' ? 'bad' : ''}` }, job.state_label), ' ',
        jstDateTime(job.created_at), job.total_count ? ` ・ ${n(job.total_count)}${job.job_kind === 'resident_list' ? '行' : '人'}` : ''),
      job.state === 'running' || job.state === 'queued'
        ? h('progress', { class: 'progress', max: '100', value: String(percent), 'aria-label': '進捗' }, `${percent}%`) : null,
      job.message ? h('p', {}, job.message) : null,
      job.diff && job.diff.added_lines.length
        ? h('p', { class: 'hint' }, `追加された行: ${job.diff.added_lines.map((l) => `${l}行目`).join('、')}${job.diff.added > job.diff.added_lines.length ? ' ほか' : ''}`) : null,
      job.errors.length ? h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', { class: 'visually-hidden' }, 'エラーの内容'),
        h('thead', {}, h('tr', {}, ['行', '列', '理由'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, job.errors.map((e) => h('tr', {}, h('td', { class: 'num' }, e.line ? `${e.line}行目` : ''), h('td', {}, e.column), h('td', {}, e.reason)))))) : null,
      job.error_count > job.errors.length ? h('p', { class: 'hint' }, `ほか ${n(job.error_count - job.errors.length)} 件のエラーがあります。`) : null);
  }

  show(select.value);
  return h('div', {}, h('h1', {}, '住民名簿'), h('div', { class: 'card' }, choice), body);
}
