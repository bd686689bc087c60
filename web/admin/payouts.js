// 振込先口座 on 企業詳細 / 店舗詳細, and 精算確定 (payout runs): 支払予定, 全銀ファイル, 支払通知書.
import { h, notice, showError, confirmDialog, jstDateTime } from '/shared/ui.js';
import { entityForm, details } from '/admin/common.js';

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
