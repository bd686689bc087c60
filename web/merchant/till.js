// The till: QRコード決済 (CPM: read the citizen's QR; MPM: show the store's QR), 決済完了, 取引履歴 and 取消.
import { h, notice, showError, confirmDialog, yen, jstDateTime, jstToday, randomKey } from '/shared/ui.js';
import { startScanner } from '/shared/scanner.js';
import { pagedList } from '/shared/pager.js';

const TOKEN = /^\d{12}\.[A-Za-z0-9_-]{22,43}$/;
// a card's payment QR (paid with its PIN) and its balance-check QR (refused by the server
// with a message saying which QR to read).
const CARD = /^SC1\.\d{16}\.[A-Za-z0-9_-]{22,43}$/;
const CARD_BALANCE = /\/wallet\/card\.html#\d{16}\.[A-Za-z0-9_-]{22,43}$/;
const PIN_AGAIN = new Set(['card_pin_wrong']);  // the cardholder types again on the same pad
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// Answers worth repeating with the same idempotency key: the payment may or may not have happened.
const UNCERTAIN = new Set(['network_error', 'service_unavailable', 'http_502', 'http_503', 'http_504', 'internal_error']);

/** POST the payment, retrying uncertain failures with the same key: a retry never charges twice. */
async function submitPayment(api, body) {
  let last;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try { return await api.post('/api/payments', body); } catch (error) {
      last = error;
      if (!UNCERTAIN.has(error.code)) throw error;
      await sleep(700 * (attempt + 1));
    }
  }
  throw last;
}

/** Why a payment shown as 決済済み has no 取消 button, in words the shopkeeper can act on. */
function whyNoCancel(t, me) {
  if (t.txn_type !== 'payment' || t.status !== 'done' || t.cancellable) return null;
  if (me.role === 'store_staff') {
    return h('p', { class: 'notice warn' }, '店舗担当者は取引を取り消せません。取消は店舗管理者が行います。店舗管理者にご依頼ください。');
  }
  return h('p', { class: 'hint' }, '取消可能期間 (決済から90日間) を過ぎた取引は取り消せません。');
}

export function register(pages) {
  pages.pay = (ctx) => {
    const slot = h('div');
    const counter = h('span', { class: 'hint', id: 'amount-count' }, '0/7');
    const amount = h('input', { id: 'amount', name: 'amount', type: 'text', inputmode: 'numeric', maxlength: '7', autocomplete: 'off',
      class: 'amount-input', 'aria-describedby': 'amount-count', value: ctx.state.lastAmount || '',
      oninput: (event) => { if (!event.isComposing) digitsOnly(); }, oncompositionend: () => digitsOnly() });
    // A till with a Japanese IME in full-width mode types １５００: keep it as 1500, never drop it.
    function digitsOnly() {
      amount.value = amount.value.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0)).replace(/[^0-9]/g, '');
      counter.textContent = `${amount.value.length}/7`;
    }
    counter.textContent = `${amount.value.length}/7`;
    function value() {
      const n = Number(amount.value);
      if (!Number.isInteger(n) || n < 1 || n > 9999999) {
        slot.replaceChildren(notice('error', '金額は1円から9,999,999円までで入力してください。'));
        amount.setAttribute('aria-invalid', 'true');
        amount.focus();
        return null;
      }
      amount.removeAttribute('aria-invalid');
      slot.replaceChildren();  // the old amount's error must not stand behind the corrected amount's confirm
      return n;
    }
    return ['QRコード決済', h('h1', {}, '決済方法選択'),
      h('p', {}, '金額を入力して、ボタンをタップしてください。'), slot,
      h('div', { class: 'field' }, h('label', { for: 'amount' }, '金額 (円)'), amount, counter),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'wide', onclick: async () => {
          const n = value();
          if (n === null) return;
          if (!(await confirmDialog(`${yen(n)}円を決済します。お客様に金額を確認しましたか？`))) return;
          ctx.state.lastAmount = '';
          ctx.show('scan', n);
        } }, 'QRコード読取'),
        h('button', { type: 'button', class: 'secondary wide', onclick: async () => {
          const n = value();
          if (n === null) return;
          ctx.show('present', n);
        } }, 'QRコード表示')),
      h('p', { class: 'hint' }, '※「QRコード読取」を押すとカメラが起動します。金額は先に確実に確認してください。')];
  };

  pages.scan = (ctx, amount) => {
    const slot = h('div', { 'aria-live': 'assertive' });
    const video = h('video', { 'aria-label': 'カメラの映像' });
    const key = randomKey();  // one key per payment attempt, kept across retries
    let stop = () => {};
    async function pay(token) {
      if (CARD.test(token)) { ctx.show('pin', { amount, token }); return; }
      slot.replaceChildren(notice('ok', '決済中です…'));
      try {
        const receipt = await submitPayment(ctx.api, { token, amount, idempotency_key: key });
        ctx.show('receipt', receipt);
      } catch (error) {
        showError(slot, error);
        if (UNCERTAIN.has(error.code)) {
          slot.append(h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => pay(token) }, '決済を再送信')),
            h('p', { class: 'hint' }, '同じ決済として再送信するため、二重に支払われることはありません。'));
        } else {
          slot.append(h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => ctx.show('scan', amount) }, 'もう一度読み取る')));
        }
      }
    }
    setTimeout(async () => {
      try {
        stop = await startScanner(video, pay, { accept: (text) => TOKEN.test(text) || CARD.test(text) || CARD_BALANCE.test(text) });
      } catch (error) { slot.replaceChildren(notice('error', error.message)); }
    });
    return ['QRコード読取', h('h1', {}, 'QRコード読取'),
      h('p', { class: 'big-amount' }, yen(amount), h('small', {}, '円')),
      h('p', { class: 'center' }, 'お客様のスマートフォンに表示されたQRコード、またはカードの「お支払い用」QRコードを枠内に映してください。'), slot,
      h('div', { class: 'video-box' }, video, h('div', { class: 'frame', 'aria-hidden': 'true' })),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary wide', onclick: () => { stop(); ctx.show('pay'); } }, 'キャンセル'))];
  };

  // カード払い: the cardholder types the card's PIN on this pad. Only dots are shown; the digits stay in
  // this page's memory until they are sent with the payment, and are forgotten with the page.
  pages.pin = (ctx, { amount, token }) => {
    const slot = h('div', { 'aria-live': 'assertive' });
    const key = randomKey();  // one payment attempt: a re-sent payment is never charged twice
    let pin = '';
    const dots = h('p', { class: 'pin-dots', 'aria-label': '入力した桁数', role: 'status' });
    const ok = h('button', { type: 'button', class: 'wide', disabled: true, onclick: () => send() }, 'お支払い');
    function draw() {
      dots.replaceChildren(...[0, 1, 2, 3].map((i) => h('span', { class: i < pin.length ? 'on' : '' }, i < pin.length ? '●' : '○')));
      dots.setAttribute('aria-label', `${pin.length}桁入力済み (4桁)`);
      ok.disabled = pin.length !== 4;
    }
    function press(digit) { if (pin.length < 4) { pin += digit; draw(); } }
    async function send() {
      if (pin.length !== 4) return;
      const typed = pin;
      pin = '';
      draw();
      slot.replaceChildren(notice('ok', '決済中です…'));
      try {
        ctx.show('receipt', await submitPayment(ctx.api, { token, amount, pin: typed, idempotency_key: key }));
      } catch (error) {
        showError(slot, error);
        if (!PIN_AGAIN.has(error.code) && !UNCERTAIN.has(error.code)) {
          slot.append(h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => ctx.show('scan', amount) }, 'もう一度読み取る')));
        }
      }
    }
    const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => h('button', { type: 'button', class: 'pin-key', onclick: () => press(d) }, d));
    keys.push(h('button', { type: 'button', class: 'pin-key secondary', onclick: () => { pin = ''; draw(); } }, '消去'));
    keys.push(h('button', { type: 'button', class: 'pin-key', onclick: () => press('0') }, '0'));
    keys.push(h('button', { type: 'button', class: 'pin-key secondary', onclick: () => { pin = pin.slice(0, -1); draw(); } }, '訂正'));
    draw();
    return ['暗証番号入力', h('h1', {}, '暗証番号入力'),
      h('p', { class: 'big-amount' }, yen(amount), h('small', {}, '円')),
      h('p', { class: 'center' }, 'カードをお持ちのお客様ご本人が、4桁の暗証番号を入力してください。'), slot, dots,
      h('div', { class: 'pin-pad', role: 'group', 'aria-label': '暗証番号の数字' }, keys),
      h('div', { class: 'actions' }, ok,
        h('button', { type: 'button', class: 'secondary wide', onclick: () => { pin = ''; ctx.show('pay'); } }, 'キャンセル'))];
  };

  pages.present = (ctx, amount) => {
    const slot = h('div', { 'aria-live': 'polite' });
    const box = h('div', { class: 'qr-box' }, h('p', {}, 'QRコードを作成しています…'));
    let active = true;
    (async () => {
      try {
        const request = await ctx.api.post('/api/merchant/mpm', { amount });
        box.replaceChildren(h('img', { src: request.image, alt: `お支払い用QRコード ${yen(amount)}円`, width: '300', height: '300', 'data-qr-text': request.qr_text }));
        while (active && document.body.contains(box)) {
          await sleep(1500);
          const state = await ctx.api.get(`/api/merchant/mpm/${encodeURIComponent(request.request_id)}`);
          if (state.state === 'paid') { ctx.show('receipt', state.payment); return; }
          if (state.state === 'expired') {
            slot.replaceChildren(notice('error', 'QRコードの有効期限が切れました。'));
            box.replaceChildren(h('button', { type: 'button', onclick: () => ctx.show('present', amount) }, 'QRコードを再表示'));
            return;
          }
        }
      } catch (error) { showError(slot, error); }
    })();
    return ['QRコード表示', h('h1', {}, 'QRコード表示'), h('p', { class: 'big-amount' }, yen(amount), h('small', {}, '円')), slot, box,
      h('p', { class: 'center' }, 'お客様の利用者アプリで、このQRコードを読み取ってもらってください。'),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary wide', onclick: () => { active = false; ctx.show('pay'); } }, 'キャンセル'))];
  };

  pages.receipt = (ctx, receipt) => ['決済完了', h('h1', { class: 'visually-hidden' }, '決済完了'),
    h('div', { class: 'done-mark', 'aria-hidden': 'true' }, '✓'),
    h('p', { class: 'center', role: 'status' }, h('strong', {}, 'お支払いが完了しました')),
    h('p', { class: 'big-amount' }, yen(receipt.amount), h('small', {}, '円')),
    h('dl', { class: 'detail' },
      h('dt', {}, '店舗名'), h('dd', {}, receipt.store_name),
      h('dt', {}, '決済日時'), h('dd', {}, jstDateTime(receipt.occurred_at)),
      h('dt', {}, '取引番号'), h('dd', { 'data-testid': 'number' }, receipt.number)),
    // A card payment: what is left on the card, for the shop to show the cardholder (issue 16.7).
    receipt.card_balance != null ? h('div', { class: 'card card-left', 'data-testid': 'card-balance' },
      h('p', {}, 'カードの残り (ご利用可能金額)'), h('p', { class: 'big-amount' }, yen(receipt.card_balance), h('small', {}, '円')),
      h('p', { class: 'hint' }, 'この画面をお客様にお見せください。')) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'wide', onclick: () => ctx.show('pay') }, '続けて決済'),
      h('button', { type: 'button', class: 'secondary wide', onclick: () => ctx.show('history') }, '取引履歴'))];

  pages.history = (ctx, day) => {
    const slot = h('div');
    const date = h('input', { id: 'history-date', type: 'date', value: day || jstToday(), onchange: () => paged.restart() });
    const paged = pagedList({
      label: '取引の一覧',
      empty: 'この日の取引はありません。',
      onError: (error) => showError(slot, error),
      load: async (cursor) => {
        const query = new URLSearchParams({ date_from: date.value, date_to: date.value, page_size: '50' });
        if (cursor) query.set('cursor', cursor);
        const page = await ctx.api.get(`/api/history?${query}`);
        slot.replaceChildren();
        return page;
      },
      render: (items) => h('ul', { class: 'list' }, items.map((row) => h('li', {}, h('a', { href: '#', onclick: (e) => { e.preventDefault(); ctx.show('detail', row.number, date.value); } },
        h('span', {}, h('span', {}, `${jstDateTime(row.occurred_at).slice(11)} ${row.txn_type_label}`), h('br'),
          h('small', {}, `取引番号 ${row.number}`), row.status === 'cancelled' ? h('span', { class: 'badge bad' }, '取消済み') : null),
        h('strong', {}, `${yen(row.amount)}円`))))),
    });
    // 日計: the day's payments and cancels of this store, for closing the till.
    const daily = h('section', { class: 'card', 'aria-labelledby': 'daily-title' });
    async function loadDaily() {
      try {
        const d = await ctx.api.get(`/api/merchant/daily?date=${date.value}`);
        daily.replaceChildren(h('h2', { id: 'daily-title' }, `日計 (${date.value.replaceAll('-', '/')})`),
          h('dl', { class: 'detail' },
            h('dt', {}, '決済'), h('dd', {}, `${yen(d.payment_count)}件 ${yen(d.payment_amount)}円`),
            h('dt', {}, '取消'), h('dd', {}, `${yen(d.cancel_count)}件 ${yen(d.cancel_amount)}円`),
            h('dt', {}, '差引 (決済 − 取消)'), h('dd', {}, h('strong', {}, `${yen(d.net)}円`))),
          h('p', { class: 'hint' }, '※店舗全体 (すべての端末) の合計です。直前の取引は数秒後に反映されます。'));
      } catch (error) { showError(daily, error); }
    }
    // 取引番号で検索: straight to 取引詳細 (a receipt in hand, a customer at the counter).
    const numberSlot = h('div');
    const numberInput = h('input', { id: 'history-number', name: 'number', type: 'text', inputmode: 'numeric', maxlength: '18', autocomplete: 'off' });
    const numberForm = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      const number = numberInput.value.replace(/[^0-9]/g, '');
      if (number.length !== 18) { numberSlot.replaceChildren(notice('error', '取引番号は18桁の数字で入力してください。')); numberInput.focus(); return; }
      try {
        await ctx.api.get(`/api/history/${encodeURIComponent(number)}`);
        ctx.show('detail', number, date.value);
      } catch (error) { showError(numberSlot, error); }
    } },
    numberSlot,
    h('div', { class: 'field' }, h('label', { for: 'history-number' }, '取引番号で検索'), numberInput),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, '検索')));
    date.addEventListener('change', loadDaily);
    paged.restart();
    loadDaily();
    return ['取引履歴', h('h1', {}, '取引履歴'), slot,
      h('div', { class: 'field' }, h('label', { for: 'history-date' }, '取引日'), date), numberForm, daily, paged.element];
  };

  pages.detail = (ctx, number, day) => {
    const slot = h('div');
    const body = h('div', {}, h('p', {}, '読み込み中…'));
    (async () => {
      try {
        const t = await ctx.api.get(`/api/history/${encodeURIComponent(number)}`);
        body.replaceChildren(...[
          h('dl', { class: 'detail' },
            h('dt', {}, '取引日時'), h('dd', {}, jstDateTime(t.occurred_at)),
            h('dt', {}, '取引番号'), h('dd', {}, t.number),
            h('dt', {}, 'ステータス'), h('dd', { 'data-testid': 'status' }, t.status_label),
            h('dt', {}, '取引区分'), h('dd', {}, t.txn_type_label),
            h('dt', {}, '取引金額'), h('dd', {}, `${yen(t.amount)}円`),
            h('dt', {}, '店舗名'), h('dd', {}, t.store_name || ''),
            h('dt', {}, '端末ID'), h('dd', {}, t.terminal_id || ''),
            h('dt', {}, 'ユーザID'), h('dd', {}, t.user_id || ''),
            h('dt', {}, '前払バリュー / ボーナスバリュー'), h('dd', {}, `${yen(t.prepaid)}円 / ${yen(t.bonus)}円`),
            t.cancelled_by ? [h('dt', {}, '取消の取引番号'), h('dd', {}, t.cancelled_by)] : null),
          t.cancellable ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'danger wide', onclick: async () => {
            if (!(await confirmDialog('取引の取り消しを行います。よろしいですか？'))) return;
            try {
              const done = await ctx.api.post(`/api/transactions/${encodeURIComponent(number)}/cancel`);
              ctx.state.flash = { kind: 'ok', text: (done && done.message) || '取消処理が完了しました。' };
              ctx.show('detail', number, day);
            } catch (error) { showError(slot, error); }
          } }, 'この取引を取り消す')) : null,
          whyNoCancel(t, ctx.state.me)].filter(Boolean));
      } catch (error) { showError(slot, error); }
    })();
    return ['取引詳細', h('p', {}, h('a', { href: '#', onclick: (e) => { e.preventDefault(); ctx.show('history', day); } }, '< 取引履歴')),
      h('h1', {}, '取引詳細'), slot, body];
  };
}
