// マスタ一括登録: upload a CSV (UTF-8 or Shift_JIS), follow the job, read the per-row report.
import { h, notice, showError, selectField, jstDateTime } from '/shared/ui.js';
import { saveFile } from '/admin/common.js';

export async function page(ctx) {
  const { specs } = await ctx.api.get('/api/admin/bulk-specs');
  const slot = h('div');
  const jobs = h('div');
  const kind = selectField({ label: '登録する種類', name: 'spec', required: true, options: specs.map((s) => [s.spec, s.label]) });
  const columns = h('div', { class: 'hint' });
  const select = kind.querySelector('select');
  const showColumns = () => {
    const spec = specs.find((s) => s.spec === select.value);
    columns.replaceChildren(...(spec ? [h('p', {}, `1行目(見出し行)に次の列を並べてください: ${spec.columns.join(', ')}`),
      h('ul', {}, (spec.notes || []).map((n) => h('li', {}, n))),
      h('p', {}, 'テンプレートには記入例と入力できる値が # で始まる行で入っています (# で始まる行は登録されません)。')] : []));
  };
  select.addEventListener('change', showColumns);
  showColumns();
  const fileInput = h('input', { type: 'file', id: 'bulk-file', name: 'file', accept: '.csv,text/csv', required: true });
  const template = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    try {
      const response = await fetch(`/api/admin/bulk-specs/${encodeURIComponent(select.value)}/template.csv`,
        { headers: { 'X-Shoken-App': 'admin' }, credentials: 'same-origin' });
      if (!response.ok) throw new Error('テンプレートをダウンロードできませんでした。');
      saveFile(await response.blob(), `${select.value}-template.csv`);
    } catch (error) { showError(slot, error); }
  } }, 'テンプレートをダウンロード');
  const form = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const file = fileInput.files[0];
    if (!file) { slot.replaceChildren(notice('error', 'ファイルを選択してください。')); return; }
    try {
      await ctx.api.upload(`/api/admin/bulk-uploads?spec=${encodeURIComponent(select.value)}`, file, 'application/octet-stream',
        { 'X-File-Name': encodeURIComponent(file.name) });
      slot.replaceChildren(notice('ok', 'ファイルを受け付けました。すべての行を確認してから登録します。'));
      form.reset();
      refresh();
    } catch (error) { showError(slot, error); }
  } },
  slot, kind, columns,
  h('div', { class: 'field' }, h('label', { for: 'bulk-file', class: 'req' }, 'CSVファイル (UTF-8 または Shift_JIS)'), fileInput),
  h('p', { class: 'hint' }, 'すべての行に誤りがない場合のみ登録されます。誤りがある場合は、行番号・列・理由を表示し、1件も登録しません。'),
  h('div', { class: 'actions' }, template, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, 'アップロード')));

  let timer = null;
  async function refresh() {
    clearTimeout(timer);
    if (!document.body.contains(jobs) && timer !== null) return;
    try {
      const { items } = await ctx.api.get('/api/admin/bulk-uploads');
      jobs.replaceChildren(...(items.length ? items.map(render) : [h('p', {}, 'まだ一括登録はありません。')]));
      if (items.some((j) => j.state === 'queued' || j.state === 'running')) timer = setTimeout(refresh, 1500);
    } catch (error) { showError(jobs, error); }
  }
  function render(job) {
    const percent = job.total_count ? Math.round((100 * job.done_count) / job.total_count) : 0;
    return h('section', { class: 'card', 'aria-label': `${job.label} ${job.file_name || ''}` },
      h('h3', {}, `${job.label} ${job.file_name || ''}`),
      h('p', {}, h('span', { class: `badge ${job.state === 'done' ? 'ok' : job.state === 'failed' ? 'bad' : ''}` }, job.state_label), ' ',
        jstDateTime(job.created_at), job.total_count ? ` ・ ${job.total_count.toLocaleString('ja-JP')}行` : ''),
      job.state === 'running' || job.state === 'queued'
        ? h('progress', { class: 'progress', max: '100', value: String(percent), 'aria-label': '進捗' }, `${percent}%`) : null,
      job.message ? h('p', {}, job.message) : null,
      job.errors.length ? h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', { class: 'visually-hidden' }, 'エラーの内容'),
        h('thead', {}, h('tr', {}, ['行', '列', '理由'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, job.errors.map((e) => h('tr', {}, h('td', { class: 'num' }, e.line ? `${e.line}行目` : ''), h('td', {}, e.column), h('td', {}, e.reason)))))) : null,
      job.created && job.created.length ? h('details', { open: job.created.length <= 20 },
        h('summary', {}, `登録したID (${job.created.length.toLocaleString('ja-JP')}件)`),
        h('div', { class: 'table-wrap' }, h('table', {},
          h('thead', {}, h('tr', {}, ['行', 'ID', '名称'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, job.created.map((c) => h('tr', {}, h('td', { class: 'num' }, `${c.line}行目`), h('td', {}, c.id), h('td', {}, c.name))))))) : null,
      job.error_count > job.errors.length ? h('p', { class: 'hint' }, `ほか ${job.error_count - job.errors.length} 件のエラーがあります。`) : null);
  }
  refresh();
  return h('div', {}, h('h1', {}, 'マスタ一括登録'), form, h('h2', {}, '登録結果'), jobs);
}
