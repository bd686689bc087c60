// マスタ一括登録: upload a CSV (UTF-8 or Shift_JIS), follow the job, read the per-row report.
import { h, notice, showError, selectField, jstDateTime } from '/shared/ui.js';

export async function page(ctx) {
  const { specs } = await ctx.api.get('/api/admin/bulk-specs');
  const slot = h('div');
  const jobs = h('div');
  const kind = selectField({ label: '登録する種類', name: 'spec', required: true, options: specs.map((s) => [s.spec, s.label]) });
  const columns = h('p', { class: 'hint' });
  const select = kind.querySelector('select');
  const showColumns = () => {
    const spec = specs.find((s) => s.spec === select.value);
    columns.textContent = spec ? `1行目(見出し行)に次の列を並べてください: ${spec.columns.join(', ')}` : '';
  };
  select.addEventListener('change', showColumns);
  showColumns();
  const fileInput = h('input', { type: 'file', id: 'bulk-file', name: 'file', accept: '.csv,text/csv', required: true });
  const template = h('button', { type: 'button', class: 'secondary', onclick: () => {
    const spec = specs.find((s) => s.spec === select.value);
    const blob = new Blob(['\ufeff' + spec.columns.join(',') + '\r\n'], { type: 'text/csv' });
    const link = h('a', { href: URL.createObjectURL(blob), download: `${spec.spec}-template.csv` });
    link.click();
    URL.revokeObjectURL(link.href);
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
      jobs.replaceChildren(...items.map(render));
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
      job.error_count > job.errors.length ? h('p', { class: 'hint' }, `ほか ${job.error_count - job.errors.length} 件のエラーがあります。`) : null);
  }
  refresh();
  return h('div', {}, h('h1', {}, 'マスタ一括登録'), form, h('h2', {}, '登録結果'), jobs);
}
