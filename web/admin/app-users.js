// アプリユーザ: the committee's citizens, their balances and recent transactions, and suspension.
import { h, showError, confirmDialog, yen, jstDateTime, notice, field, selectField, formValues, checkForm } from '/shared/ui.js';
import { searchList, details, STATUS_OPTIONS } from '/admin/common.js';

export async function list(ctx) {
  const view = searchList(ctx, {
    endpoint: '/api/admin/app-users/search',
    method: 'POST',
    fields: [
      { label: 'ユーザID', name: 'wallet_id', placeholder: 'ユーザIDを入力' },
      { label: '外部ユーザID', name: 'external_user_id', placeholder: '外部ユーザIDを入力' },
      { label: 'メールアドレス', name: 'email', type: 'email', placeholder: 'メールアドレスを入力 (完全一致)' },
      { label: 'カード番号', name: 'card_number', placeholder: 'カード番号16桁を入力' },
      { label: '状態', name: 'status', options: [...STATUS_OPTIONS, ['blocked', '利用停止(紛失・盗難)'], ['replaced', '再発行済み(旧カード)'], ['moved', 'アプリへ移行済み']] },
    ],
    columns: [
      { label: 'ユーザID', value: (u) => u.wallet_id, link: (u) => `#/app-users/detail?id=${u.wallet_id}` },
      { label: '種別', value: (u) => (u.card_number ? 'カード' : 'アプリ') },
      { label: 'メールアドレス / カード番号', value: (u) => (u.card_number ? h('a', { href: `#/cards/detail?number=${u.card_number}` }, u.card_number) : u.email) },
      { label: '外部ユーザID', value: (u) => u.external_user_id || '' },
      { label: 'ご利用可能金額', value: (u) => `${yen(u.balance)}円`, num: true },
      { label: '状態', value: (u) => u.status_label }, { label: '登録日時', value: (u) => jstDateTime(u.created_at) },
    ],
  });
  return h('div', {}, h('h1', {}, 'アプリユーザ一覧'), view.form, view.results);
}

export async function detail(ctx, params) {
  const id = encodeURIComponent(params.get('id') || '');
  const user = await ctx.api.get(`/api/admin/app-users/${id}`);
  const slot = h('div');
  async function act(path, question, done) {
    if (!(await confirmDialog(question))) return;
    try {
      await ctx.api.post(`/api/admin/app-users/${id}/${path}`);
      ctx.flash('ok', done);
      ctx.go(`#/app-users/detail?id=${id}&t=${Date.now()}`);
    } catch (error) { showError(slot, error); }
  }
  const email = h('span', {}, user.email);
  return h('div', {}, h('p', {}, h('a', { href: '#/app-users' }, '< アプリユーザ一覧')), h('h1', {}, 'アプリユーザ詳細'), slot,
    user.card_number ? h('p', {}, h('a', { href: `#/cards/detail?number=${user.card_number}` }, 'カード詳細 (利用停止・再発行・ロック解除・アプリへ移行)')) : null,
    details([['ユーザID', user.wallet_id], user.card_number ? ['カード番号', user.card_number] : ['メールアドレス', email], ['外部ユーザID', user.external_user_id],
      ['ご利用可能金額', `${yen(user.balance)}円`], ['状態', user.status_label], ['登録日時', jstDateTime(user.created_at)]]),
    h('h2', {}, '残高の内訳'),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['券種', '有効期限', '残高'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, user.balances.map((b) => h('tr', {}, h('td', {}, b.voucher_type_label), h('td', {}, b.expires_on), h('td', { class: 'num' }, `${yen(b.balance)}円`)))))),
    h('h2', {}, '最近の取引'),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['取引日時', '取引番号', '取引区分', '取引状態', '店舗名', '取引金額'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, user.recent.map((t) => h('tr', {}, h('td', {}, jstDateTime(t.occurred_at)), h('td', {}, t.number), h('td', {}, t.txn_type_label),
        h('td', {}, t.status_label), h('td', {}, t.store_name || ''), h('td', { class: 'num' }, `${yen(t.amount)}円`)))))),
    user.card_number || user.status === 'erased' ? null : h('div', { class: 'actions' }, user.status === 'active'
      ? h('button', { type: 'button', class: 'danger', onclick: () => act('suspend', 'このアプリユーザを利用停止にします。QRコードは直ちに使えなくなります。よろしいですか？', '利用停止にしました。') }, '利用停止')
      : h('button', { type: 'button', onclick: () => act('resume', 'このアプリユーザの利用を再開します。よろしいですか？', '利用を再開しました。') }, '利用再開')),
    user.status === 'erased' ? null : personalPanel(ctx, id, user, email));
}

// 個人情報の取扱い (issue 23): the whole address, the 開示請求 file and erasure, each only with a reason
// from the list; every use is recorded in the audit log with who and why.
function personalPanel(ctx, id, user, email) {
  const slot = h('div');
  const form = h('form', { class: 'card', novalidate: true, onsubmit: (event) => event.preventDefault() },
    h('h2', {}, '個人情報の取扱い'), slot,
    h('p', { class: 'hint' }, 'メールアドレスの表示・開示請求ファイルの作成・個人情報の削除は、理由とともに監査ログに記録されます。'),
    selectField({ label: '理由', name: 'reason', required: true, options: [['', '選択してください'], ...Object.entries(user.personal_reasons)] }),
    field({ label: '内容 (「その他」の場合は必須)', name: 'note', attrs: { maxlength: '100', autocomplete: 'off' } }),
    selectField({ label: '開示請求ファイルの形式', name: 'format', options: [['xlsx', 'Excel (XLSX) とJSON'], ['csv', 'CSVとJSON']] }),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => run('personal') }, 'メールアドレスを表示'),
      h('button', { type: 'button', class: 'secondary', onclick: () => run('disclosure') }, '開示請求ファイルを作成'),
      h('button', { type: 'button', class: 'danger', onclick: () => run('erase') }, '個人情報を削除')));
  async function run(action) {
    if (!checkForm(form, slot)) return;
    const { reason, note, format } = formValues(form);
    const body = { reason, note: note || null };
    try {
      if (action === 'personal') {
        const shown = await ctx.api.post(`/api/admin/app-users/${id}/personal`, body);
        email.textContent = shown.email || '(削除済み)';
        slot.replaceChildren(notice('ok', `メールアドレスを表示しました (理由: ${shown.reason_label})。`));
      } else if (action === 'disclosure') {
        const queued = await ctx.api.post(`/api/admin/app-users/${id}/disclosure`, { ...body, format });
        slot.replaceChildren(notice('ok', queued.message), h('p', {}, h('a', { href: '#/files' }, 'ファイルダウンロードへ')));
      } else {
        if (!(await confirmDialog('このアプリユーザのメールアドレスと外部ユーザIDを削除します。取引の記録は残ります。本人はこのアプリにログインできなくなります。よろしいですか？'))) return;
        await ctx.api.post(`/api/admin/app-users/${id}/erase`, body);
        ctx.flash('ok', '個人情報を削除しました。');
        ctx.go(`#/app-users/detail?id=${id}&t=${Date.now()}`);
      }
    } catch (error) { showError(slot, error, form); }
  }
  return form;
}
