// Gridprice: the Settings page of the embedded admin (`/app/settings`, DESIGN §12).
//
// A plain ES module, no dependencies and no build step. At import time it touches nothing but
// its own definitions; the page starts through `start(document)` (called at the bottom when the
// settings form exists). The pure parts are named exports, unit-tested under Node
// (tests/admin/settings.test.mjs).
//
// Changes go through `/app/api/settings` and `/app/api/storefront-keys` with `fetch`, to which
// App Bridge adds the session token. A new key exists in this page only inside the modal that
// shows it once: it is never in the HTML the server renders, and the page reloads when the
// modal closes, so it is gone. Every string comes from #settings-text (the catalogue's
// `settings.script.*` entries); problems are shown at their field, in the merchant's language,
// and never as a status code.

/** `template` with each `{name}` replaced by `params.name` (unknown names stay as written). */
export function fill(template, params = {}) {
  return String(template).replace(/\{(\w+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole);
}

/** The most origins one key (or the store's default) may list; the server's limit. */
export const MAX_ORIGINS = 20;
const MAX_ORIGIN_CHARS = 255;

/** The origins written one a line: trimmed, blank lines left out. */
export function originLines(text) {
  return String(text ?? '').split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
}

/**
 * Why `text` is not a browser origin (`scheme://host[:port]`, http or https, nothing after the
 * host): 'long', 'invalid', or '' when it is one. The server checks again and decides.
 */
export function originProblem(text) {
  if (text.length > MAX_ORIGIN_CHARS) return 'long';
  let url;
  try {
    url = new URL(text);
  } catch {
    return 'invalid';
  }
  const bare = !url.username && !url.password && !url.search && !url.hash
    && ['', '/'].includes(url.pathname) && !/[/?#]$/.test(text)
    && !text.slice(url.protocol.length + 2).includes('/');
  return ['http:', 'https:'].includes(url.protocol) && url.hostname && bare ? '' : 'invalid';
}

/**
 * The message for a list of origins, '' when every line is one: each bad line named with its
 * number. `say(key, params)` gives the texts.
 */
export function originsMessage(lines, say) {
  if (lines.length > MAX_ORIGINS) return say('origins.too_many', { max: MAX_ORIGINS });
  return lines
    .map((origin, index) => ({ origin, line: index + 1, problem: originProblem(origin) }))
    .filter(({ problem }) => problem)
    .map(({ origin, line, problem }) => say(`origins.${problem}`, { origin, line }))
    .join(' ');
}

/**
 * The server's field errors for a list of origins (`field`, `field[2]`) as one message in the
 * merchant's words, '' when none is about the list.
 */
export function originErrors(errors, field, lines, say) {
  const messages = [];
  for (const name of Object.keys(errors ?? {})) {
    if (name === field) messages.push(say('origins.too_many', { max: MAX_ORIGINS }));
    const index = name.startsWith(`${field}[`) ? Number(name.slice(field.length + 1, -1)) : NaN;
    if (Number.isInteger(index)) {
      messages.push(say('origins.invalid', { origin: lines[index] ?? '', line: index + 1 }));
    }
  }
  return messages.join(' ');
}

/** An ISO time as the page writes times: `2026-12-05 15:48 UTC`. */
export function timeText(iso) {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? '' : `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const REAUTHORIZE = 'X-Shopify-API-Request-Failure-Reauthorize';

/** Wires the page in `doc` up. */
export function start(doc) {
  const win = doc.defaultView;
  const $ = (id) => doc.getElementById(id);
  const text = JSON.parse($('settings-text').textContent);
  const say = (key, params) => fill(text[key] ?? key, params);
  const app = () => win.shopify;
  const toast = (message, isError) => app()?.toast?.show?.(message, { isError: Boolean(isError) });

  // --- talking to the admin API

  async function call(method, path, body) {
    app()?.loading?.(true);
    try {
      const init = { method, headers: {} };
      if (body !== undefined) {
        init.headers['content-type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
      return await win.fetch(path, init);
    } catch {
      return null; // the network: said as "could not reach"
    } finally {
      app()?.loading?.(false);
    }
  }

  /** The problem+json of a refusal, `{}` when there is none. */
  async function problemOf(response) {
    try {
      return await response.json();
    } catch {
      return {};
    }
  }

  const banner = $('settings-banner');
  function showBanner(heading, message, action) {
    banner.replaceChildren();
    if (!heading) return;
    const box = doc.createElement('s-banner');
    box.setAttribute('tone', 'critical');
    box.setAttribute('heading', heading);
    const paragraph = doc.createElement('s-paragraph');
    paragraph.textContent = message;
    box.append(paragraph);
    if (action) box.append(action);
    banner.append(box);
  }

  /**
   * Says what went wrong with `response` where no field can: in the banner, in the merchant's
   * words — the store must reconnect, another request is needed later, or the server's own
   * explanation. `known` maps a status to a text key of this action.
   */
  async function refused(response, known = {}) {
    if (!response) return showBanner(say('error.heading'), say('error.network'));
    if (response.status === 401 && response.headers.get(REAUTHORIZE) === '1') {
      const button = doc.createElement('s-button');
      button.setAttribute('slot', 'secondary-actions');
      button.setAttribute('variant', 'primary');
      button.setAttribute('href', banner.dataset.reconnectHref);
      button.setAttribute('target', '_top');
      button.textContent = say('reconnect.action');
      return showBanner(say('reconnect.heading'), say('reconnect.body'), button);
    }
    if (known[response.status]) return showBanner(say('error.heading'), say(known[response.status]));
    if (response.status === 429) return showBanner(say('error.heading'), say('error.busy'));
    if (response.status >= 500) return showBanner(say('error.heading'), say('error.unavailable'));
    const problem = await problemOf(response);
    return showBanner(say('error.heading'), problem.detail || say('error.unavailable'));
  }

  function setError(field, message) {
    if (message) field.setAttribute('error', message);
    else field.removeAttribute('error');
  }

  // --- store settings and the save bar

  const form = $('settings-form');
  const fields = {
    unitPreference: $('settings-unit'),
    outOfRangeDefault: $('settings-policy'),
    lineItemMode: $('settings-line-item'),
    acceptAutomaticDiscounts: $('settings-discounts'),
    defaultAllowedOrigins: $('settings-origins'),
  };
  let saved = JSON.parse($('settings-data').textContent);
  let dirty = false;

  function current() {
    return {
      unitPreference: fields.unitPreference.value,
      outOfRangeDefault: fields.outOfRangeDefault.value,
      lineItemMode: fields.lineItemMode.values?.[0] ?? saved.lineItemMode,
      defaultAllowedOrigins: originLines(fields.defaultAllowedOrigins.value),
      acceptAutomaticDiscounts: Boolean(fields.acceptAutomaticDiscounts.checked),
    };
  }

  const same = (a, b) => Object.keys(a).every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));

  function updateDirty() {
    const now = !same(current(), saved);
    if (now === dirty) return;
    dirty = now;
    const verb = now ? 'show' : 'hide';
    Promise.resolve(app()?.saveBar?.[verb]?.('settings-save-bar')).catch(() => {});
  }

  function clearErrors() {
    for (const field of Object.values(fields)) setError(field, '');
    showBanner('');
  }

  function show(settings) {
    fields.unitPreference.value = settings.unitPreference;
    fields.outOfRangeDefault.value = settings.outOfRangeDefault;
    fields.lineItemMode.values = [settings.lineItemMode];
    fields.acceptAutomaticDiscounts.checked = settings.acceptAutomaticDiscounts;
    fields.defaultAllowedOrigins.value = settings.defaultAllowedOrigins.join('\n');
  }

  form.addEventListener('input', updateDirty);
  form.addEventListener('change', updateDirty);
  form.addEventListener('submit', (event) => event.preventDefault());

  $('settings-discard').addEventListener('click', () => {
    show(saved);
    clearErrors();
    updateDirty();
  });

  $('settings-save').addEventListener('click', async () => {
    clearErrors();
    const next = current();
    const originsProblem = originsMessage(next.defaultAllowedOrigins, say);
    if (originsProblem) return setError(fields.defaultAllowedOrigins, originsProblem);
    const response = await call('PATCH', '/app/api/settings', next);
    if (response?.ok) {
      saved = await response.json();
      show(saved);
      updateDirty();
      toast(say('saved'));
      return;
    }
    if (response && [400, 422].includes(response.status)) {
      const problem = await problemOf(response);
      const errors = problem.errors ?? {};
      for (const name of ['unitPreference', 'outOfRangeDefault', 'lineItemMode']) {
        if (errors[name]) setError(fields[name], say('invalid_choice'));
      }
      const origins = originErrors(errors, 'defaultAllowedOrigins', next.defaultAllowedOrigins, say);
      setError(fields.defaultAllowedOrigins, origins);
      if (Object.keys(errors).some((name) => !(name in fields) && !name.startsWith('defaultAllowedOrigins'))) {
        showBanner(say('error.heading'), problem.detail || say('error.unavailable'));
      }
      return;
    }
    await refused(response);
  });

  // --- storefront keys

  const secretModal = $('key-secret-modal');
  const secretField = $('key-secret');
  let shownSecret = false;

  /** Shows a key made just now, this once; `previous` is the rotated key, still working a while. */
  function showSecret(key, previous) {
    secretField.value = key;
    const note = $('key-secret-previous');
    note.hidden = !previous;
    note.textContent = previous
      ? say('rotated.previous', { key: `${previous.prefix}…`, time: timeText(previous.expiresAt) })
      : '';
    shownSecret = true;
    secretModal.showOverlay();
  }

  function forgetSecret() {
    if (!shownSecret) return;
    shownSecret = false;
    secretField.value = '';
    win.location.reload();
  }
  secretModal.addEventListener('hide', forgetSecret);
  $('key-secret-done').addEventListener('click', () => {
    secretModal.hideOverlay();
    forgetSecret();
  });
  $('key-copy').addEventListener('click', async () => {
    try {
      await win.navigator.clipboard.writeText(secretField.value);
      toast(say('copied'));
    } catch {
      toast(say('copy_failed'), true);
    }
  });

  /**
   * Sends a key's origins with `send`: `false` when what is wrong with them is shown at
   * `field`, else the answer (`null` when the server could not be reached).
   */
  async function sendOrigins(field, lines, send) {
    setError(field, originsMessage(lines, say));
    if (field.hasAttribute('error')) return false;
    const response = await send();
    if (response && [400, 422].includes(response.status)) {
      const problem = await problemOf(response);
      setError(field, originErrors(problem.errors, 'allowedOrigins', lines, say)
        || problem.detail || say('error.unavailable'));
      return false;
    }
    return response;
  }

  const keyRefusals = { 404: 'key.missing', 409: 'key.dead' };

  const createModal = $('key-create-modal');
  const createOrigins = $('key-create-origins');
  $('key-create-open').addEventListener('click', () => {
    setError(createOrigins, '');
    createModal.showOverlay();
  });
  $('key-create-cancel').addEventListener('click', () => createModal.hideOverlay());
  $('key-create-submit').addEventListener('click', async () => {
    const lines = originLines(createOrigins.value);
    const kind = $('key-create-kind').value;
    const response = await sendOrigins(createOrigins, lines, () =>
      call('POST', '/app/api/storefront-keys', { kind, allowedOrigins: lines }));
    if (response === false) return;
    createModal.hideOverlay();
    if (!response?.ok) return refused(response, keyRefusals);
    const created = await response.json();
    toast(say('created'));
    showSecret(created.key, null);
  });

  const rotateModal = $('key-rotate-modal');
  const revokeModal = $('key-revoke-modal');
  const originsModal = $('key-origins-modal');
  const originsField = $('key-origins');
  let chosen = null; // the key button the merchant chose: its dataset has the id and prefix

  doc.addEventListener('click', (event) => {
    const button = event.target.closest?.('[data-rotate], [data-revoke], [data-origins]');
    if (!button) return;
    chosen = button.dataset;
    showBanner('');
    if (chosen.rotate) {
      $('key-rotate-message').textContent = say('rotate.message', { key: chosen.prefix });
      rotateModal.showOverlay();
    } else if (chosen.revoke) {
      $('key-revoke-message').textContent = say('revoke.message', { key: chosen.prefix });
      revokeModal.showOverlay();
    } else {
      originsField.value = chosen.lines ?? '';
      setError(originsField, '');
      originsModal.showOverlay();
    }
  });

  $('key-rotate-cancel').addEventListener('click', () => rotateModal.hideOverlay());
  $('key-rotate-confirm').addEventListener('click', async () => {
    const response = await call('POST', `/app/api/storefront-keys/${chosen.rotate}/rotate`, {});
    rotateModal.hideOverlay();
    if (!response?.ok) return refused(response, keyRefusals);
    const rotated = await response.json();
    toast(say('rotated'));
    showSecret(rotated.newKey.key, rotated.previousKey);
  });

  $('key-revoke-cancel').addEventListener('click', () => revokeModal.hideOverlay());
  $('key-revoke-confirm').addEventListener('click', async () => {
    const response = await call('POST', `/app/api/storefront-keys/${chosen.revoke}/revoke`, {});
    revokeModal.hideOverlay();
    if (!response?.ok) return refused(response, keyRefusals);
    toast(say('revoked'));
    win.location.reload();
  });

  $('key-origins-cancel').addEventListener('click', () => originsModal.hideOverlay());
  $('key-origins-save').addEventListener('click', async () => {
    const lines = originLines(originsField.value);
    const response = await sendOrigins(originsField, lines, () =>
      call('PATCH', `/app/api/storefront-keys/${chosen.origins}`, { allowedOrigins: lines }));
    if (response === false) return;
    originsModal.hideOverlay();
    if (!response?.ok) return refused(response, keyRefusals);
    toast(say('origins.saved'));
    win.location.reload();
  });
}

if (typeof document !== 'undefined' && document.getElementById('settings-form')) start(document);
