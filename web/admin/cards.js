// カード発行・カード詳細 (issue 16): cards for residents without a smartphone, one at the counter or a batch
// from the resident list; block (紛失・盗難), PIN unlock, reissue and the move to the app.
import { h, notice, showError, confirmDialog, checkForm, field, selectField, formValues, yen, jstDateTime } from '/shared/ui.js';
import { details } from '/admin/common.js';

const REASONS = [['counter_identity', '窓口での本人確認'], ['inquiry', '本人からの問い合わせ対応'], ['application_check', '申込内容の確認']];

/** The sheet PDF of the answer as a download link (the secrets exist only in it: print it now). */
function sheetLink(sheet) {
  const bytes = Uint8Array.from(atob(sheet.content_base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
  return h('a', { class: 'button', href: url, download: sheet.file_name }, `カード台紙をダウンロード (${sheet.cards.length}枚)`);
}

function issued(sheet) {
  if (!sheet.cards.length) return notice('warn', '発行したカードはありません (全員が既にカードをお持ちです)。');
  return h('section', { class: 'card', 'aria-label': '発行結果' }, h('h2', {}, '発行結果'),
    notice('ok', `${sheet.cards.length}枚のカードを発行しました。台紙は今だけダウンロードできます (QRコードは保存されません)。すぐに印刷してください。`),
    sheet.skipped.length ? notice('warn', `既にカードをお持ちのため発行しなかった行: ${sheet.skipped.join('、')}行目`) : null,
    sheet.printed_again.length ? notice('warn', `前回の発行が途中で終わり台紙が作成されていなかったカードは、同じカード番号に新しい暗証番号とQRコードを付けて台紙に含めました${sheet.cards.length > 1 ? ` (${sheet.printed_again.join('、')}行目)` : ''}。`) : null,
    h('div', { class: 'actions' }, sheetLink(sheet)),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['カード番号', '状態', 'ご利用可能金額'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, sheet.cards.map((c) => h('tr', {},
        h('td', {}, h('a', { href: `#/cards/detail?number=${c.card_number}` }, c.card_number_display)),
        h('td', {}, c.status_label), h('td', { class: 'num' }, `${yen(c.balance)}円`)))))));
}

function parseCsv(text) {
  const lines = text.replace(/^\ufeff/, '').split(/\r?\n/).filter((l) => l.trim());
  const head = (lines.shift() || '').split(',').map((s) => s.trim());
  const at = (name) => head.indexOf(name);
  if (at('住民番号') < 0 || at('氏名カナ') < 0 || at('生年月日') < 0) return null;
  return lines.map((line) => {
    const cells = line.split(',').map((s) => s.trim());
    const row = { resident_key: cells[at('住民番号')] || '', name_kana: cells[at('氏名カナ')] || '', birth_date: cells[at('生年月日')] || '' };
    if (at('氏名') >= 0 && cells[at('氏名')]) row.holder_name = cells[at('氏名')];
    return row;
  });
}

async function readText(file) {
  const raw = await file.arrayBuffer();
  try { return new TextDecoder('utf-8', { fatal: true }).decode(raw); } catch { return new TextDecoder('shift_jis').decode(raw); }
}

export async function page(ctx) {
  const { items } = await ctx.api.get('/api/admin/programmes');
  const options = [['', '住民名簿を使わない (窓口で本人確認済み)'], ...items.map((p) => [p.programme_id, p.name])];
  const out = h('div');
  const slot = h('div');
  const one = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    if (!checkForm(one, slot)) return;
    const v = formValues(one);
    const body = { programme_id: v.programme_id || null, holder_name: v.holder_name || null, pin: v.pin || null };
    if (v.programme_id) {
      body.resident = { resident_key: v.resident_key, name_kana: v.name_kana, birth_date: v.birth_date };
      body.reason = v.reason;
    }
    if (!(await confirmDialog('カードを発行します。よろしいですか？'))) return;
    try { out.replaceChildren(issued(await ctx.api.post('/api/admin/cards', body))); slot.replaceChildren(); one.reset(); }
    catch (error) { showError(slot, error, one); }
  } },
  h('h2', {}, '窓口で1枚発行'), slot,
  h('div', { class: 'grid' },
    selectField({ label: '商品券事業 (住民名簿)', name: 'programme_id', options }),
    field({ label: '住民番号', name: 'resident_key', attrs: { autocomplete: 'off' } }),
    field({ label: '氏名カナ', name: 'name_kana', attrs: { autocomplete: 'off' } }),
    field({ label: '生年月日', name: 'birth_date', attrs: { placeholder: '1950-04-01', autocomplete: 'off' } }),
    selectField({ label: '照合の理由', name: 'reason', options: REASONS }),
    field({ label: '台紙に印刷する氏名', name: 'holder_name', hint: '台紙に印刷するだけで、保存しません。', attrs: { autocomplete: 'off' } }),
    field({ label: '暗証番号 (4桁)', name: 'pin', type: 'password', hint: '空欄なら自動で決めて台紙に印刷します。', attrs: { inputmode: 'numeric', maxlength: '4', autocomplete: 'off', pattern: '[0-9]{4}' } })),
  h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '発行')));

  const bulkSlot = h('div');
  const file = h('input', { type: 'file', id: 'card-file', name: 'file', accept: '.csv,text/csv' });
  const bulk = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const v = formValues(bulk);
    if (!v.programme_id || !file.files[0]) { bulkSlot.replaceChildren(notice('error', '商品券事業とファイルを選択してください。')); return; }
    const rows = parseCsv(await readText(file.files[0]));
    if (!rows) { bulkSlot.replaceChildren(notice('error', '1行目に 住民番号,氏名カナ,生年月日 (と印刷する 氏名) の見出しが必要です。')); return; }
    if (!rows.length || rows.length > 100) { bulkSlot.replaceChildren(notice('error', '1回に発行できるのは1～100人です。ファイルを分けてください。')); return; }
    if (!(await confirmDialog(`${rows.length}人分のカードを発行します。よろしいですか？`))) return;
    try { out.replaceChildren(issued(await ctx.api.post('/api/admin/cards/batch', { programme_id: v.programme_id, rows, reason: v.reason }))); bulkSlot.replaceChildren(); }
    catch (error) { showError(bulkSlot, error, bulk); }
  } },
  h('h2', {}, '住民名簿から一括発行'), bulkSlot,
  h('p', { class: 'hint' }, '住民名簿と同じ列 (住民番号,氏名カナ,生年月日) のCSVで、カードを作る方を指定します。「氏名」列があれば台紙に印刷します (保存しません)。暗証番号は自動で決めて台紙に印刷します。'),
  h('div', { class: 'grid' },
    selectField({ label: '商品券事業 (住民名簿)', name: 'programme_id', options: items.map((p) => [p.programme_id, p.name]) }),
    selectField({ label: '照合の理由', name: 'reason', options: REASONS }),
    h('div', { class: 'field' }, h('label', { for: 'card-file' }, 'CSVファイル'), file)),
  h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '一括発行')));

  const findSlot = h('div');
  const find = h('form', { class: 'card', novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    const number = (formValues(find).card_number || '').replace(/[\s-]/g, '');
    if (!/^[0-9]{16}$/.test(number)) { findSlot.replaceChildren(notice('error', 'カード番号は16桁の数字で入力してください。')); return; }
    ctx.go(`#/cards/detail?number=${number}`);
  } },
  h('h2', {}, 'カードを探す (利用停止・再発行・ロック解除・アプリへ移行)'), findSlot,
  h('div', { class: 'grid' }, field({ label: 'カード番号', name: 'card_number', attrs: { inputmode: 'numeric', placeholder: '9812 3456 7890 1234' } })),
  h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '表示')));

  return h('div', {}, h('h1', {}, 'カード発行'), out, one, bulk, find, await limitForm(ctx));
}

async function limitForm(ctx) {
  const committeeId = ctx.me.committee_id;
  if (!committeeId) return null;
  const current = await ctx.api.get(`/api/admin/committees/${encodeURIComponent(committeeId)}/card-settings`);
  const slot = h('div');
  const form = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    if (!checkForm(form, slot)) return;
    if (!(await confirmDialog('更新します。よろしいですか？'))) return;
    try {
      const saved = await ctx.api.put(`/api/admin/committees/${encodeURIComponent(committeeId)}/card-settings`, { daily_limit: Number(formValues(form).daily_limit) });
      slot.replaceChildren(notice('ok', `1日あたりの利用上限を${yen(saved.daily_limit)}円にしました。`));
    } catch (error) { showError(slot, error, form); }
  } },
  h('h2', {}, 'カードの利用上限'), slot,
  h('div', { class: 'grid' }, field({ label: '1日あたりの利用上限 (円)', name: 'daily_limit', type: 'number', value: String(current.daily_limit), required: true, attrs: { min: '1000', max: '1000000' } })),
  h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '更新')));
  return form;
}

export async function detail(ctx, params) {
  const number = (params.get('number') || '').replace(/[^0-9]/g, '');
  const card = await ctx.api.get(`/api/admin/cards/${number}`);
  const slot = h('div');
  const out = h('div');
  const again = (text) => { ctx.flash('ok', text); ctx.go(`#/cards/detail?number=${number}&t=${Date.now()}`); };
  async function act(path, question, done, body) {
    if (!(await confirmDialog(question))) return;
    try { await ctx.api.post(`/api/admin/cards/${number}/${path}`, body); again(done); } catch (error) { showError(slot, error); }
  }
  const live = card.status === 'active' || card.status === 'blocked';
  const reissue = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const v = formValues(reissue);
    if (!(await confirmDialog('新しい番号のカードを発行し、残高を移します。このカードは二度と使えなくなります。よろしいですか？'))) return;
    try { out.replaceChildren(issued(await ctx.api.post(`/api/admin/cards/${number}/reissue`, { pin: v.pin || null, holder_name: v.holder_name || null }))); }
    catch (error) { showError(slot, error, reissue); }
  } },
  h('h2', {}, '再発行'),
  h('div', { class: 'grid' },
    field({ label: '台紙に印刷する氏名', name: 'holder_name', hint: '保存しません。', attrs: { autocomplete: 'off' } }),
    field({ label: '新しい暗証番号 (4桁)', name: 'pin', type: 'password', hint: '空欄なら自動で決めて台紙に印刷します。', attrs: { inputmode: 'numeric', maxlength: '4', autocomplete: 'off' } })),
  h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '再発行')));
  const link = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const walletId = formValues(link).wallet_id;
    await act('link', `残高をアプリ (ユーザID ${walletId}) へ移し、このカードを使えなくします。よろしいですか？`, 'アプリへ移行しました。', { wallet_id: walletId });
  } },
  h('h2', {}, 'アプリへ移行'),
  h('div', { class: 'grid' }, field({ label: '移行先のユーザID (アプリのメニューに表示)', name: 'wallet_id', attrs: { inputmode: 'numeric', maxlength: '12' } })),
  h('div', { class: 'actions' }, h('span', { class: 'spacer' }), h('button', { type: 'submit' }, '移行')));
  return h('div', {}, h('p', {}, h('a', { href: '#/cards' }, '< カード発行')), h('h1', {}, 'カード詳細'), slot, out,
    details([['カード番号', card.card_number_display], ['ユーザID', card.wallet_id], ['状態', card.status_label],
      ['暗証番号の誤り', `${card.pin_failures}回 (5回でロック)`], ['ご利用可能金額', `${yen(card.balance)}円`],
      ['本日の利用額', `${yen(card.spent_today)}円 / 上限 ${yen(card.daily_limit)}円`], ['発行日時', jstDateTime(card.issued_at)],
      ['旧カード番号', card.replaces || ''], ['移行先', card.moved_to || '']]),
    h('h2', {}, '残高の内訳'),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['券種', '有効期限', '残高'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, card.balances.map((b) => h('tr', {}, h('td', {}, b.voucher_type_label), h('td', {}, b.expires_on), h('td', { class: 'num' }, `${yen(b.balance)}円`)))))),
    h('p', {}, h('a', { href: `#/app-users/detail?id=${card.wallet_id}` }, '取引を見る (アプリユーザ詳細)')),
    h('div', { class: 'actions' },
      card.status === 'active' ? h('button', { type: 'button', class: 'danger', onclick: () => act('block', '紛失・盗難としてこのカードを利用停止にします。直ちにどこでも使えなくなります。よろしいですか？', '利用停止にしました。') }, '利用停止(紛失・盗難)') : null,
      card.status === 'blocked' ? h('button', { type: 'button', onclick: () => act('unblock', 'カードが見つかったため、利用を再開します。よろしいですか？', '利用を再開しました。') }, '利用再開') : null,
      card.pin_locked && live ? h('button', { type: 'button', onclick: () => act('unlock', '本人確認のうえ、暗証番号のロックを解除します。よろしいですか？', 'ロックを解除しました。') }, '暗証番号ロック解除') : null),
    live ? reissue : null, live ? link : null);
}
