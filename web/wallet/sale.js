// 申込 in the wallet (issue 15): the committee's programmes sold by application, confirming eligibility
// against the resident list, applying for N units within the limit, changing or withdrawing until close.
import { h, notice, field, selectField, formValues } from '/shared/ui.js';
import { t, language } from '/wallet/i18n.js';

// The server answers in Japanese; the English wallet shows these texts for the sale's error codes.
const ENGLISH_ERRORS = {
  not_on_resident_list: 'The details do not match the resident list. Check your resident number, name in kana and date of birth.',
  eligibility_taken: 'This eligibility is already registered in another wallet or at the counter.',
  not_eligible: 'Your eligibility has not been confirmed yet. Enter your resident details first.',
  outside_application_window: 'Applications cannot be made, changed or withdrawn outside the application period.',
  over_purchase_limit: 'You asked for more units than the limit.',
  already_applied: 'An application for this person already exists.',
  no_application: 'You have no application.',
  no_sale: 'This programme is not sold by application.',
  resident_list_missing: 'The resident list has not been registered yet. Please try again later.',
  redemption_code_invalid: 'The code is not correct. Check the 12 letters on the letter you received.',
  redemption_code_used: 'This code has already been used.',
  too_many_requests: 'Too many tries. Please wait a while and try again.',
};

function errorNotice(slot, error) {
  const text = language() === 'en' ? (ENGLISH_ERRORS[error.code] || 'The request could not be completed. Check your input.') : error.message;
  slot.replaceChildren(notice('error', text || t('saleFailed')));
}

/** The home screen's card: one line per programme sold by application (nothing when there is none). */
export async function salesCard(api, open) {
  const card = h('section', { class: 'card', 'aria-labelledby': 'sales-label' });
  try {
    const { items } = await api.get('/api/wallet/sales');
    if (!items.length) return null;
    card.append(h('h2', { id: 'sales-label' }, t('saleTitle')), h('ul', { class: 'list' }, items.map((s) => h('li', {},
      h('a', { href: '#', onclick: (e) => { e.preventDefault(); open(s.programme_id); } },
        h('span', {}, s.programme_name, h('br'), h('small', {}, statusText(s))), h('span', { 'aria-hidden': 'true' }, '›'))))));
    return card;
  } catch (_) { return null; }
}

function statusText(s) {
  if (s.second_round_units) {
    const left2 = s.second_round_units - s.second_round_purchased;
    return `${t('saleSecondWon', s.second_round_units)} ・ ${left2 > 0 ? t('saleBuyBy', left2, s.second_round_end.replaceAll('-', '/')) : t('saleBought')}`;
  }
  if (s.lapsed) return t('saleLapsed');
  if (s.result === 'won') {
    const left = s.won_units - s.purchased_units;
    return `${t('saleWon', s.won_units)} ・ ${left > 0 ? t('saleBuyBy', left, s.purchase_end.replaceAll('-', '/')) : t('saleBought')}`;
  }
  if (s.result === 'lost') return t('saleLost');
  const period = t('salePeriod', s.apply_start.replaceAll('-', '/'), s.apply_end.replaceAll('-', '/'));
  if (s.applied_units) return `${period} ・ ${t('saleApplied', s.applied_units)}`;
  return `${period} ・ ${s.open ? t('saleOpen') : t('saleClosed')}`;
}

/** The sale page of one programme: eligibility first, then the application. */
export async function salePage(api, programmeId, back) {
  const slot = h('div', { 'aria-live': 'polite' });
  const body = h('div');
  async function render(s, message) {
    slot.replaceChildren(...(message ? [notice('ok', message)] : []));
    const summary = h('section', { class: 'card' }, h('h2', {}, s.programme_name), h('p', {}, statusText(s)),
      s.payment_reference && s.amount_due > 0
        ? h('dl', { class: 'detail', 'aria-label': t('saleTransferTitle') },
          h('dt', {}, t('saleTransferCode')), h('dd', { class: 'mono' }, s.payment_reference),
          h('dt', {}, t('saleTransferAmount')), h('dd', {}, t('saleYen', s.amount_due)))
        : null,
      s.payment_reference && s.amount_due > 0 ? h('p', { class: 'hint' }, t('saleTransferHelp')) : null,
      h('p', { class: 'hint' }, t('saleLimit', s.limit_units)));
    if (!s.eligible) {
      const form = h('form', { novalidate: true, onsubmit: async (event) => {
        event.preventDefault();
        try { render(await api.post(`/api/wallet/sale/${programmeId}/eligibility`, formValues(form)), t('saleEligibleNow')); }
        catch (error) { errorNotice(slot, error); }
      } },
      h('p', {}, t('saleEligibilityHelp')),
      field({ label: t('saleResidentKey'), name: 'resident_key', required: true, attrs: { autocomplete: 'off' } }),
      field({ label: t('saleNameKana'), name: 'name_kana', required: true, hint: t('saleNameKanaHint'), attrs: { autocomplete: 'off' } }),
      field({ label: t('saleBirthDate'), name: 'birth_date', type: 'date', required: true }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'wide' }, t('saleConfirm'))));
      const byCode = h('form', { novalidate: true, onsubmit: async (event) => {
        event.preventDefault();
        try { render(await api.post(`/api/wallet/sale/${programmeId}/redeem`, formValues(byCode)), t('saleEligibleNow')); }
        catch (error) { errorNotice(slot, error); }
      } },
      h('p', {}, t('saleCodeHelp')),
      field({ label: t('saleCode'), name: 'code', required: true, hint: t('saleCodeHint'), attrs: { autocomplete: 'off', autocapitalize: 'characters' } }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'wide' }, t('saleCodeSubmit'))));
      body.replaceChildren(summary, h('section', { class: 'card' }, h('h2', {}, t('saleEligibility')), form),
        h('section', { class: 'card' }, h('h2', {}, t('saleCodeTitle')), byCode));
      return;
    }
    const units = Array.from({ length: s.limit_units }, (_, i) => [String(i + 1), t('saleUnits', i + 1)]);
    const form = h('form', { novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      try {
        const next = await api.put(`/api/wallet/sale/${programmeId}/application`, { units: Number(formValues(form).units) });
        render(next, t('saleAppliedNow', next.applied_units));
      } catch (error) { errorNotice(slot, error); }
    } },
    selectField({ label: t('saleHowMany'), name: 'units', required: true, value: String(s.applied_units || 1), options: units }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'wide', disabled: s.open ? null : 'disabled' },
      s.applied_units ? t('saleChange') : t('saleApply'))),
    s.applied_units ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary wide', disabled: s.open ? null : 'disabled',
      onclick: async () => {
        if (!window.confirm(t('saleWithdrawConfirm'))) return;
        try { render(await api.post(`/api/wallet/sale/${programmeId}/application/withdraw`), t('saleWithdrawn')); }
        catch (error) { errorNotice(slot, error); }
      } }, t('saleWithdraw'))) : null,
    s.open ? null : h('p', { class: 'hint' }, t('saleClosedHelp')));
    body.replaceChildren(summary, h('section', { class: 'card' }, h('h2', {}, t('saleApplication')), form));
  }
  try { await render(await api.get(`/api/wallet/sale/${programmeId}`)); } catch (error) { errorNotice(slot, error); }
  return [h('h1', {}, t('saleTitle')), slot, body,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary wide', onclick: back }, t('back')))];
}
