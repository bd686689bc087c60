// お知らせ: the committee writes notices for residents, programme holders, every store or a store area
// (SPEC §12); a notice can be edited or withdrawn until it ends.
import { h, notice, showError, field, selectField, formValues, confirmDialog, jstToday } from '/shared/ui.js';
import { noticeBody } from '/shared/notices.js';

const AUDIENCES = [['residents', 'すべての利用者'], ['programme', '商品券事業の保有者'], ['merchants', 'すべての加盟店'], ['area', '地区の加盟店']];

function slash(isoDate) { return isoDate.replaceAll('-', '/'); }

export async function list(ctx) {
  const reply = await ctx.api.get('/api/admin/notices');
  const rows = reply.items.map((n) => h('tr', {},
    h('td', {}, h('a', { href: `#/notices/detail?id=${encodeURIComponent(n.notice_id)}` }, n.title)),
    h('td', {}, n.audience_label), h('td', {}, `${slash(n.start_date)} 〜 ${slash(n.end_date)}`),
    h('td', {}, h('span', { class: `badge ${n.status === 'showing' ? 'ok' : ''}` }, n.status_label))));
  return h('div', {}, h('h1', {}, 'お知らせ一覧'),
    h('div', { class: 'actions' }, h('a', { class: 'button', href: '#/notices/new' }, 'お知らせ登録')),
    reply.items.length
      ? h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['件名', '対象', '掲載期間', '状態'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows)))
      : h('p', {}, 'お知らせはまだありません。'));
}

async function noticeForm(ctx, current, onSaved) {
  const [listing, programmes, options] = await Promise.all([
    ctx.api.get('/api/admin/notices'), ctx.api.get('/api/admin/programmes'),
    ctx.me.role === 'system_admin' ? ctx.api.get('/api/admin/options') : Promise.resolve(null)]);
  const slot = h('div');
  const today = jstToday();
  const value = (name, fallback = '') => (current && current[name]) || fallback;
  const programmeField = selectField({ label: '対象の商品券事業', name: 'programme_id', value: value('programme_id'),
    options: [['', '選択してください'], ...programmes.items.map((p) => [p.programme_id, p.name])] });
  const areaField = selectField({ label: '対象の地区', name: 'area', value: value('area'),
    options: [['', '選択してください'], ...listing.areas.map((a) => [a, a])] });
  const audience = selectField({ label: '対象', name: 'audience', options: AUDIENCES, value: value('audience', 'residents'), required: true,
    attrs: { onchange: () => toggle() } });
  function toggle() {
    const kind = audience.querySelector('select').value;
    programmeField.hidden = kind !== 'programme';
    areaField.hidden = kind !== 'area';
    programmeField.querySelector('select').disabled = kind !== 'programme';
    areaField.querySelector('select').disabled = kind !== 'area';
  }
  const bodyId = 'f-notice-body';
  const form = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    if (!(await confirmDialog(current ? '更新します。よろしいですか？' : '登録します。よろしいですか？'))) return;
    const values = formValues(form);
    try {
      const saved = current
        ? await ctx.api.put(`/api/admin/notices/${encodeURIComponent(current.notice_id)}`, values)
        : await ctx.api.post('/api/admin/notices', values);
      onSaved(saved);
    } catch (error) { showError(slot, error, form); }
  } },
  slot,
  options && !current ? selectField({ label: 'アクワイアラ', name: 'committee_id', required: true,
    options: options.committees.map((c) => [c.value, c.label]) }) : null,
  field({ label: '件名', name: 'title', value: value('title'), required: true, attrs: { maxlength: '100' } }),
  h('div', { class: 'field' }, h('label', { for: bodyId, class: 'req' }, '本文'),
    h('textarea', { id: bodyId, name: 'body', rows: '8', maxlength: '4000', 'aria-describedby': `${bodyId}-hint` }, value('body')),
    h('span', { class: 'hint', id: `${bodyId}-hint` }, '文章のみ (https:// で始まるURLはリンクになります)')),
  h('div', { class: 'grid' },
    field({ label: '掲載開始日', name: 'start_date', type: 'date', value: value('start_date', today), required: true }),
    field({ label: '掲載終了日', name: 'end_date', type: 'date', value: value('end_date'), required: true })),
  audience, programmeField, areaField,
  h('div', { class: 'actions' },
    h('a', { class: 'button secondary', href: current ? `#/notices/detail?id=${encodeURIComponent(current.notice_id)}` : '#/notices' }, '戻る'),
    h('span', { class: 'spacer' }), h('button', { type: 'submit' }, current ? '更新' : '登録')));
  toggle();
  return form;
}

export async function register(ctx) {
  const form = await noticeForm(ctx, null, (saved) => {
    ctx.flash('ok', 'お知らせを登録しました。');
    ctx.go(`#/notices/detail?id=${encodeURIComponent(saved.notice_id)}`);
  });
  return h('div', {}, h('h1', {}, 'お知らせ登録'), form);
}

export async function detail(ctx, params) {
  const n = await ctx.api.get(`/api/admin/notices/${encodeURIComponent(params.get('id') || '')}`);
  const slot = h('div');
  const editing = h('div');
  const actions = n.editable ? h('div', { class: 'actions' },
    h('button', { type: 'button', class: 'secondary', onclick: async () => {
      editing.replaceChildren(h('h2', {}, 'お知らせ編集'), await noticeForm(ctx, n, () => {
        ctx.flash('ok', 'お知らせを更新しました。');
        ctx.go(`#/notices/detail?id=${encodeURIComponent(n.notice_id)}&t=${Date.now()}`);
      }));
    } }, '編集'),
    h('span', { class: 'spacer' }),
    h('button', { type: 'button', class: 'danger', onclick: async () => {
      if (!(await confirmDialog('このお知らせを取り下げます。利用者・加盟店の画面に表示されなくなります。よろしいですか？'))) return;
      try {
        await ctx.api.post(`/api/admin/notices/${encodeURIComponent(n.notice_id)}/withdraw`);
        ctx.flash('ok', 'お知らせを取り下げました。');
        ctx.go(`#/notices/detail?id=${encodeURIComponent(n.notice_id)}&t=${Date.now()}`);
      } catch (error) { showError(slot, error); }
    } }, '取下げ')) : notice('warn', '掲載期間が終了したか取り下げたお知らせは、変更できません。');
  return h('div', {}, h('h1', {}, 'お知らせ詳細'), slot,
    h('div', { class: 'card' }, h('dl', { class: 'detail' },
      h('dt', {}, '件名'), h('dd', {}, n.title),
      h('dt', {}, '対象'), h('dd', {}, n.audience_label),
      h('dt', {}, '掲載期間'), h('dd', {}, `${slash(n.start_date)} 〜 ${slash(n.end_date)}`),
      h('dt', {}, '状態'), h('dd', {}, n.status_label),
      h('dt', {}, '本文'), h('dd', {}, noticeBody(n.body)))),
    actions, editing,
    h('div', { class: 'actions' }, h('a', { class: 'button secondary', href: '#/notices' }, '一覧へ戻る')));
}

// 失効お知らせメール: the daily schedule's reminder jobs, with progress and counts (SPEC §12).
export async function reminders(ctx) {
  const { items } = await ctx.api.get('/api/admin/reminders');
  const rows = items.map((j) => h('tr', {},
    h('td', {}, j.label), h('td', {}, h('span', { class: `badge ${j.state === 'done' ? 'ok' : j.state === 'failed' ? 'bad' : ''}` }, j.state_label)),
    h('td', { class: 'num' }, `${j.done_count.toLocaleString('ja-JP')}人`), h('td', {}, j.message || ''),
    h('td', {}, j.updated_at.slice(0, 10).replaceAll('-', '/'))));
  return h('div', {}, h('h1', {}, '失効お知らせメール'),
    h('p', {}, '商品券事業の利用終了日の前 (既定は30日前と7日前) に、残高のある利用者へ毎日の定時処理がメールでお知らせします。日数は商品券事業ごとに設定できます。'),
    items.length
      ? h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['処理', '状態', '確認した利用者', '結果', '更新日'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows)))
      : h('p', {}, 'まだ送信処理はありません。'));
}
