// お問い合わせ先: the committee's name, phone and hours that every app shows in its footer (SPEC §12).
import { h, notice, selectField } from '/shared/ui.js';
import { entityForm, nulls } from '/admin/common.js';
import { setChromeCommittee } from '/shared/footer.js';

export async function page(ctx) {
  const options = await ctx.api.get('/api/admin/options');
  const committees = options.committees;
  const wrap = h('div');
  const chosen = { id: ctx.me.committee_id || (committees[0] && committees[0].value) };
  async function show() {
    if (!chosen.id) { wrap.replaceChildren(notice('error', 'アクワイアラが登録されていません。')); return; }
    const current = await ctx.api.get(`/api/admin/committees/${encodeURIComponent(chosen.id)}/contact`);
    const done = h('div');
    const form = entityForm({
      submitLabel: '更新',
      fields: [
        { label: 'アクワイアラ名 (お問い合わせ先の名称)', name: 'name', value: current.name, required: true },
        { label: '電話番号', name: 'contact_phone', value: current.contact_phone, placeholder: '例: 0573-54-2902', inputmode: 'tel' },
        { label: '受付時間', name: 'contact_hours', value: current.contact_hours, placeholder: '例: 平日8:30~17:00' },
      ],
      submit: async (values) => {
        await ctx.api.put(`/api/admin/committees/${encodeURIComponent(chosen.id)}/contact`, nulls(values));
        done.replaceChildren(notice('ok', 'お問い合わせ先を更新しました。'));
        setChromeCommittee(ctx.me.committee_id, { reload: true });
      },
    });
    wrap.replaceChildren(done, form);
  }
  const picker = committees.length > 1
    ? selectField({ label: 'アクワイアラ', name: 'committee', options: committees.map((c) => [c.value, c.label]), value: chosen.id,
      attrs: { onchange: (event) => { chosen.id = event.target.value; show(); } } })
    : null;
  await show();
  return h('div', {}, h('h1', {}, 'お問い合わせ先'),
    h('p', {}, '各アプリの画面下部とログイン画面に表示されます。'), picker, wrap);
}
