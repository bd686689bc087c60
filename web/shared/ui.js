// Shared by the three UIs: API calls (with the CSRF header), small DOM helpers, dialogs, formats.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || [];
  }
}

const TIMEOUT_MS = 20000;
// What the UIs say about the network, in the page's language (the English wallet sets lang="en").
const NETWORK_TEXTS = {
  ja: {
    network: '通信できませんでした。電波状況を確認して、もう一度お試しください。',
    offline: 'インターネットに接続されていません。電波の届く場所で、もう一度お試しください。',
    banner: 'オフラインです。インターネットに接続されると、操作を続けられます。',
  },
  en: {
    network: 'Could not connect. Please check your signal and try again.',
    offline: 'You are offline. Please try again where you have a signal.',
    banner: 'You are offline. You can continue when the connection is back.',
  },
};
function says(key) { return (NETWORK_TEXTS[document.documentElement.lang] || NETWORK_TEXTS.ja)[key]; }

/** A banner at the top of the page while the device is offline (it goes when the network is back). */
function watchNetwork() {
  let banner = null;
  const update = () => {
    if (navigator.onLine === false && !banner) {
      banner = h('div', { class: 'offline-banner', role: 'alert' }, says('banner'));
      document.body.prepend(banner);
    } else if (navigator.onLine !== false && banner) { banner.remove(); banner = null; }
  };
  window.addEventListener('offline', update);
  window.addEventListener('online', update);
  update();
}
if (typeof window !== 'undefined') watchNetwork();

/** API client for one app ("admin", "merchant" or "wallet"): its session cookie is chosen by X-Shoken-App. */
export function createApi(app, { onUnauthenticated } = {}) {
  const csrfKey = `shoken.csrf.${app}`;
  async function call(method, path, body, extraHeaders = {}) {
    const headers = { 'X-Shoken-App': app, Accept: 'application/json', ...extraHeaders };
    // The server's messages in the page's language (the wallet offers English; shoken/messages.py).
    if (document.documentElement.lang === 'en') headers['X-Shoken-Language'] = 'en';
    const csrf = sessionStorage.getItem(csrfKey);
    if (csrf) headers['X-CSRF-Token'] = csrf;
    let payload;
    if (body instanceof Blob || body instanceof ArrayBuffer) {
      // Files go as they are (CSV may be Shift_JIS); the caller sets Content-Type.
      payload = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response;
    try {
      // A request that gets no answer fails after TIMEOUT_MS rather than leaving the screen hanging.
      response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      throw new ApiError(0, 'network_error', navigator.onLine === false ? says('offline') : says('network'));
    }
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (_) { data = null; }
    if (!response.ok) {
      const error = (data && data.error) || {};
      const apiError = new ApiError(response.status, error.code || 'http_' + response.status,
        error.message || 'エラーが発生しました。', error.details);
      if (response.status === 401 && onUnauthenticated && !path.includes('/login') && !path.includes('/auth/')) {
        onUnauthenticated(apiError);
      }
      throw apiError;
    }
    if (data && typeof data.csrf_token === 'string') sessionStorage.setItem(csrfKey, data.csrf_token);
    return data;
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body, headers) => call('POST', path, body === undefined ? {} : body, headers),
    put: (path, body) => call('PUT', path, body),
    patch: (path, body) => call('PATCH', path, body),
    del: (path) => call('DELETE', path),
    upload: (path, blob, contentType, headers = {}) => call('POST', path, blob, { 'Content-Type': contentType, ...headers }),
    forgetCsrf: () => sessionStorage.removeItem(csrfKey),
  };
}

/** h('button', {class: 'x', onclick: fn}, 'text') — builds elements without innerHTML. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function mount(container, ...nodes) {
  container.replaceChildren(...nodes.flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false));
  const heading = container.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }
}

export function notice(kind, text) {
  return h('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** Shows an error from the API next to a form, marking the fields it names. */
export function showError(slot, error, form) {
  const lines = [error.message || 'エラーが発生しました。'];
  if (form) form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  for (const detail of error.details || []) {
    const name = (detail.field || '').split('.').pop();
    const input = form && name ? form.querySelector(`[name="${CSS.escape(name)}"]`) : null;
    if (input) input.setAttribute('aria-invalid', 'true');
    const label = input && input.labels && input.labels[0] ? input.labels[0].textContent.replace(/\s*\*$/, '') : '';
    // Only sentences reach the screen: a detail without one is shown by its field alone, never its code.
    if (detail.reason_ja && detail.reason_ja !== error.message) lines.push(label ? `${label}: ${detail.reason_ja}` : detail.reason_ja);
  }
  slot.replaceChildren(h('div', { class: 'notice error', role: 'alert' }, lines.map((l, i) => (i ? [h('br'), l] : l))));
}

/**
 * Checks a form before its confirm dialog (a dialog for a form that cannot be sent only to fail after
 * OK is a trap): empty required fields, numbers out of their min/max, and a password confirmation that
 * differs. Shows every problem at once in `slot`, marks the fields, and returns false if any.
 */
export function checkForm(form, slot) {
  const problems = [];
  const labelOf = (el) => (el.labels && el.labels[0] ? el.labels[0].textContent.replace(/\s*\*$/, '') : '');
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  for (const el of form.elements) {
    if (!el.name || el.disabled || el.type === 'checkbox' || el.type === 'hidden') continue;
    const value = (el.value || '').trim();
    let problem = null;
    if (el.required && !value) problem = `「${labelOf(el)}」を入力してください。`;
    else if (value && el.type === 'number') {
      const n = Number(value);
      if (!Number.isInteger(n)) problem = `「${labelOf(el)}」は整数で入力してください。`;
      else if (el.min !== '' && n < Number(el.min)) problem = `「${labelOf(el)}」は${Number(el.min).toLocaleString('ja-JP')}以上で入力してください。`;
      else if (el.max !== '' && n > Number(el.max)) problem = `「${labelOf(el)}」は${Number(el.max).toLocaleString('ja-JP')}以下で入力してください。`;
    }
    if (!problem && el.name === 'confirm_password' && form.elements.new_password && value !== form.elements.new_password.value.trim()) {
      problem = '確認用のパスワードが新しいパスワードと一致しません。';
    }
    if (problem) { el.setAttribute('aria-invalid', 'true'); problems.push(problem); }
  }
  if (!problems.length) { if (slot) slot.replaceChildren(); return true; }
  if (slot) slot.replaceChildren(h('div', { class: 'notice error', role: 'alert' }, problems.map((l, i) => (i ? [h('br'), l] : l))));
  const first = form.querySelector('[aria-invalid=true]');
  if (first) first.focus();
  return false;
}

/** The manual's confirm step: a modal with キャンセル / OK. Resolves true on OK. */
export function confirmDialog(message) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { 'aria-labelledby': 'confirm-text' },
      h('p', { id: 'confirm-text' }, message),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => close(false) }, 'キャンセル'),
        h('button', { type: 'button', onclick: () => close(true) }, 'OK')));
    function close(answer) { dialog.close(); dialog.remove(); resolve(answer); }
    dialog.addEventListener('cancel', (event) => { event.preventDefault(); close(false); });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector('button:last-child').focus();
  });
}

export function field({ label, name, type = 'text', value = '', required = false, hint, attrs = {} }) {
  const id = `f-${name}-${Math.random().toString(36).slice(2, 7)}`;
  const hintId = hint ? `${id}-hint` : undefined;
  return h('div', { class: 'field' },
    h('label', { for: id, class: required ? 'req' : '' }, label),
    h('input', { id, name, type, value, required, 'aria-describedby': hintId, ...attrs }),
    hint ? h('span', { class: 'hint', id: hintId }, hint) : null);
}

export function selectField({ label, name, options, value = '', required = false, attrs = {} }) {
  const id = `f-${name}-${Math.random().toString(36).slice(2, 7)}`;
  return h('div', { class: 'field' },
    h('label', { for: id, class: required ? 'req' : '' }, label),
    h('select', { id, name, required, ...attrs },
      options.map(([v, text]) => h('option', { value: v, selected: String(v) === String(value) }, text))));
}

/**
 * A password change form (the console's and the till's): checked, then confirmed, then
 * `send(values)`; a refusal is shown in `slot`. `attrs` are the form's own (its class).
 */
export function passwordChangeForm(attrs, slot, send, ...children) {
  const form = h('form', { ...attrs, novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    if (!checkForm(form, slot)) return;
    if (!(await confirmDialog('パスワードを変更します。よろしいですか？'))) return;
    try {
      await send(formValues(form));
    } catch (error) { showError(slot, error, form); }
  } }, ...children);
  return form;
}

export function formValues(form) {
  const values = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox') {
      if (el.dataset.group) {
        values[el.name] = values[el.name] || [];
        if (el.checked) values[el.name].push(el.value);
      } else values[el.name] = el.checked;
    } else values[el.name] = el.value.trim();
  }
  return values;
}

export const yen = (n) => `${Number(n || 0).toLocaleString('ja-JP')}`;

/** "2026-11-29T10:20:30.000000Z" → "2026/11/29 19:20:30" in Japan time. */
export function jstDateTime(isoText, withSeconds = true) {
  if (!isoText) return '';
  const d = new Date(isoText.replace(/\.(\d{3})\d*Z$/, '.$1Z'));
  const j = new Date(d.getTime() + 9 * 3600 * 1000);
  const p = (n) => String(n).padStart(2, '0');
  const base = `${j.getUTCFullYear()}/${p(j.getUTCMonth() + 1)}/${p(j.getUTCDate())} ${p(j.getUTCHours())}:${p(j.getUTCMinutes())}`;
  return withSeconds ? `${base}:${p(j.getUTCSeconds())}` : base;
}

export function jstToday() {
  const j = new Date(Date.now() + 9 * 3600 * 1000);
  return j.toISOString().slice(0, 10);
}

/** A random key per attempt (idempotency keys, QR polling). */
export function randomKey() {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Minimal hash router: routes = {'#/path': render}; params after '?' are passed as URLSearchParams. */
export function startRouter(routes, fallback) {
  async function go() {
    const [path, query] = (location.hash || '#/').split('?');
    const render = routes[path] || fallback;
    await render(new URLSearchParams(query || ''));
  }
  window.addEventListener('hashchange', go);
  return go();
}
