// カードの残高確認 (issue 16.5): what the card's balance-check QR opens. Read-only, no sign-in, large print.
// The card number and balance secret come after # in the address, so they never reach a server log; the
// page removes them from the address bar once read. Nothing here can pay or change anything.
import { h, mount, yen, jstDateTime } from '/shared/ui.js';

const root = document.getElementById('main');

function fail(message) {
  mount(root, h('h1', {}, 'カードの残高確認'), h('div', { class: 'notice error', role: 'alert' }, message),
    h('p', {}, 'カードの「残高確認用」QRコードを、スマートフォン等のカメラでもう一度読み取ってください。'));
}

async function show() {
  const fragment = decodeURIComponent(location.hash.replace(/^#/, ''));
  history.replaceState(null, '', location.pathname);
  const at = fragment.lastIndexOf('.');
  if (!fragment || at < 0) { fail('残高確認用のQRコードが読み取れませんでした。'); return; }
  let reply;
  try {
    reply = await fetch('/api/card/balance', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Shoken-App': 'wallet' }, credentials: 'omit',
      body: JSON.stringify({ card_number: fragment.slice(0, at), secret: fragment.slice(at + 1) }),
    });
  } catch { fail('通信できませんでした。電波の良い場所で、もう一度お試しください。'); return; }
  const data = await reply.json().catch(() => ({}));
  if (!reply.ok) { fail((data.error && data.error.message) || '残高を表示できませんでした。'); return; }
  const contact = [data.committee_name, data.contact_phone ? `電話 ${data.contact_phone}` : '', data.contact_hours || ''].filter(Boolean).join(' ');
  mount(root,
    h('h1', {}, `${data.service_name || ''} カードの残高`),
    h('p', {}, `カード番号 ${data.card_number_display}`),
    data.status !== 'active' || data.status_label.includes('ロック')
      ? h('div', { class: 'notice warn', role: 'status' }, `このカードは「${data.status_label}」です。`) : null,
    h('p', {}, 'ご利用可能金額'),
    h('p', { class: 'big' }, `${yen(data.balance)}円`),
    h('h2', {}, '内訳'),
    data.lines.length
      ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'ご利用可能金額の内訳' }, h('table', {},
        h('thead', {}, h('tr', {}, ['券種', '有効期限', '金額'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, data.lines.map((l) => h('tr', {}, h('td', {}, l.voucher_type_label), h('td', {}, `${l.expires_on}まで`), h('td', { class: 'num' }, `${yen(l.balance)}円`))))))
      : h('p', {}, 'ご利用可能な金額はありません。'),
    h('h2', {}, '最近のご利用 (10件まで)'),
    data.recent.length
      ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': '最近のご利用' }, h('table', {},
        h('thead', {}, h('tr', {}, ['日時', '内容', '金額'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, data.recent.map((t) => h('tr', {}, h('td', {}, jstDateTime(t.occurred_at, false)),
          h('td', {}, [t.txn_type_label, t.store_name ? ` ${t.store_name}` : '', t.status === 'cancelled' ? ' (取消)' : '']),
          h('td', { class: 'num' }, `${yen(t.amount)}円`))))))
      : h('p', {}, 'まだご利用はありません。'),
    h('h2', {}, 'お問い合わせ'),
    h('p', {}, contact),
    h('p', { class: 'hint' }, 'このページでは残高の確認だけができます。お支払いには、お店でカードと暗証番号をお使いください。'));
}

show();
