// 個人情報の保存期間 (issue 23.3): for each programme, when its residents' data is deleted and what goes;
// the committee may shorten or lengthen the period, or delete an ended programme's data at once.
import { h, notice, showError, confirmDialog, field, checkForm } from '/shared/ui.js';

export async function retention(ctx) {
  const reply = await ctx.api.get('/api/admin/retention');
  const slot = h('div');
  const cards = reply.items.map((p) => programmeCard(ctx, p, slot));
  return h('div', {}, h('h1', {}, '個人情報の保存期間'), slot,
    h('p', {}, '各事業の住民名簿の照合用データ・申込の記録・アプリユーザのメールアドレスは、事業の利用期間の終了後、保存期間が過ぎた翌日の自動処理で削除されます。取引の記録は削除されません。'),
    cards.length ? cards : notice('info', '商品券事業はまだありません。'));
}

function programmeCard(ctx, p, pageSlot) {
  const slot = h('div');
  const days = field({ label: '保存期間 (日)', name: 'retention_days', type: 'number', required: true, value: String(p.retention_days), attrs: { min: '30', max: '3650', inputmode: 'numeric' } });
  const form = h('form', { class: 'inline', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    if (!checkForm(form, slot)) return;
    try {
      await ctx.api.put(`/api/admin/programmes/${encodeURIComponent(p.programme_id)}/retention`, { retention_days: Number(form.elements.retention_days.value) });
      ctx.flash('ok', `「${p.name}」の保存期間を変更しました。`);
      ctx.go(`#/retention?t=${Date.now()}`);
    } catch (error) { showError(slot, error, form); }
  } }, days, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, '保存期間を変更')));
  const deleteNow = async () => {
    const question = `「${p.name}」の住民名簿の照合用データ・申込の記録などを、保存期間の終了を待たずに今すぐ削除します。元に戻せません。よろしいですか？`;
    if (!(await confirmDialog(question))) return;
    try {
      await ctx.api.post(`/api/admin/programmes/${encodeURIComponent(p.programme_id)}/retention/run`);
      ctx.flash('ok', `「${p.name}」の個人情報の削除を受け付けました。処理の完了まで数分かかることがあります。`);
      ctx.go(`#/retention?t=${Date.now()}`);
    } catch (error) { showError(slot, error); }
  };
  const when = p.state === 'deleted' ? `${p.deleted_on} に削除しました` : `${p.delete_on} に削除します`;
  return h('section', { class: 'card', 'aria-label': p.name },
    h('h2', {}, p.name), slot,
    h('dl', { class: 'detail' },
      h('dt', {}, '状態'), h('dd', {}, p.state_label),
      h('dt', {}, '利用期間の終了日'), h('dd', {}, p.ends_on),
      h('dt', {}, '保存期間'), h('dd', {}, `終了後 ${p.retention_days.toLocaleString('ja-JP')}日`),
      h('dt', {}, '削除日'), h('dd', {}, when)),
    h('h3', {}, '削除される情報'),
    h('ul', {}, p.rows.map((r) => h('li', {}, r.count == null ? r.label : `${r.label}: ${r.count.toLocaleString('ja-JP')}件`))),
    h('p', { class: 'hint' }, p.kept),
    p.state === 'deleted' ? null : form,
    p.state === 'waiting' || p.state === 'due'
      ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'danger', onclick: deleteNow }, '今すぐ削除'))
      : null);
}
