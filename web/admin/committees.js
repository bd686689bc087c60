// アクワイアラ (実行委員会): 一覧, 登録 (システム管理者のみ), 詳細と更新. One city per committee.
// Its お問い合わせ先 (name, phone, hours: every app's footer) is edited here too, and only here: the
// menu's お問い合わせ先 opens this screen (one route, one screen, one audit entry).
import { h } from '/shared/ui.js';
import { entityForm, details, nulls } from '/admin/common.js';
import { setChromeCommittee } from '/shared/footer.js';

const CONTACT_HINT = '※ お問い合わせ先として、アクワイアラ名とともに各アプリの画面下部とログイン画面に表示されます';

function fields(committee = {}) {
  return [
    { label: 'アクワイアラ名 (実行委員会名)', name: 'name', required: true, value: committee.name, hint: '※ お問い合わせ先の名称として各アプリにも表示されます' },
    { label: '市区町村', name: 'city', required: true, value: committee.city, placeholder: '例: 中津川市' },
    { label: 'バリューイシュア名', name: 'issuer_name', value: committee.issuer_name, hint: '※ 空欄の場合はアクワイアラ名と同じになります' },
    { label: 'ウォレットサービス名', name: 'wallet_service_name', required: true, value: committee.wallet_service_name, placeholder: '例: 中津川市プレミアム付き電子商品券' },
    { label: '外部アクワイアラID', name: 'external_acquirer_id', value: committee.external_acquirer_id },
    { label: '問い合わせ電話番号', name: 'contact_phone', type: 'tel', value: committee.contact_phone, placeholder: '例: 0573-54-2902', hint: CONTACT_HINT },
    { label: '問い合わせ受付時間', name: 'contact_hours', value: committee.contact_hours, placeholder: '例: 平日8:30~17:00' },
  ];
}

export async function list(ctx) {
  const found = await ctx.api.get('/api/admin/committees');
  const rows = found.items.map((c) => h('tr', {},
    h('td', {}, h('a', { href: `#/committees/detail?id=${encodeURIComponent(c.committee_id)}` }, c.committee_id)),
    h('td', {}, c.name), h('td', {}, c.city), h('td', {}, c.wallet_service_name), h('td', {}, c.wallet_service_id)));
  return h('div', {}, h('h1', {}, 'アクワイアラ一覧'),
    ctx.me.role === 'system_admin' ? h('p', {}, h('a', { class: 'button', href: '#/committees/new' }, 'アクワイアラ登録')) : null,
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['アクワイアラID', 'アクワイアラ名', '市区町村', 'ウォレットサービス名', 'ウォレットサービスID'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: '5' }, '該当するデータはありません。'))))));
}

export async function create(ctx) {
  return h('div', {}, h('h1', {}, 'アクワイアラ登録'),
    h('p', {}, '新しい市区町村の実行委員会を登録します。登録後、商品券事業・企業・店舗・管理ユーザをこのアクワイアラに登録できます。'),
    entityForm({
      fields: [
        ...fields(),
        { label: 'ウォレットサービスID', name: 'wallet_service_id', required: true, placeholder: '例: nakatsugawa',
          hint: '※ 半角英小文字・数字・ハイフン3〜40文字。利用者アプリのURLに使われ、登録後は変更できません' },
      ],
      back: '#/committees',
      confirmText: 'アクワイアラを登録します。よろしいですか？',
      submit: async (values) => {
        const saved = await ctx.api.post('/api/admin/committees', nulls(values));
        ctx.flash('ok', `アクワイアラを登録しました (アクワイアラID ${saved.committee_id})。`);
        ctx.go(`#/committees/detail?id=${encodeURIComponent(saved.committee_id)}`);
      },
    }));
}

export async function detail(ctx, params) {
  const id = params.get('id') || '';
  const committee = await ctx.api.get(`/api/admin/committees/${encodeURIComponent(id)}`);
  if (params.get('focus') === 'contact') {
    // From the menu's お問い合わせ先: straight to the phone field (after the page has drawn and focused its h1)
    setTimeout(() => { const input = document.querySelector('input[name=contact_phone]'); if (input) { input.scrollIntoView({ block: 'center' }); input.focus(); } }, 0);
  }
  return h('div', {},
    h('p', {}, h('a', { href: '#/committees' }, '< アクワイアラ一覧')),
    h('h1', {}, 'アクワイアラ詳細'),
    details([
      ['アクワイアラID', committee.committee_id], ['アクワイアラ名', committee.name], ['市区町村', committee.city],
      ['バリューイシュア名', committee.issuer_name], ['ウォレットサービス名', committee.wallet_service_name],
      ['ウォレットサービスID', committee.wallet_service_id],
      ['利用者アプリURL', `${location.origin}/wallet/?s=${encodeURIComponent(committee.wallet_service_id)}`], ['外部アクワイアラID', committee.external_acquirer_id || '未設定'],
      ['問い合わせ電話番号', committee.contact_phone || '未設定'], ['問い合わせ受付時間', committee.contact_hours || '未設定'],
    ]),
    h('h2', {}, 'アクワイアラ情報の更新'),
    entityForm({
      fields: fields(committee), submitLabel: '更新',
      submit: async (values) => {
        await ctx.api.put(`/api/admin/committees/${encodeURIComponent(id)}`, nulls(values));
        setChromeCommittee(ctx.me.committee_id, { reload: true }); // the footer shows the new contact
        ctx.flash('ok', '更新しました。');
        ctx.go(`#/committees/detail?id=${encodeURIComponent(id)}&t=${Date.now()}`);
      },
    }));
}

/** The menu's お問い合わせ先: the committee's own アクワイアラ詳細 (a system admin picks the committee first). */
export async function contact(ctx) {
  if (ctx.me.committee_id) return detail(ctx, new URLSearchParams({ id: ctx.me.committee_id, focus: 'contact' }));
  const all = await list(ctx);
  all.querySelector('h1').after(h('p', {}, 'お問い合わせ先を変更するアクワイアラを選んでください (アクワイアラ詳細の「アクワイアラ情報の更新」で変更します)。'));
  return all;
}
