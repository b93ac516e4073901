// What every admin page's script needs: its strings, links that keep the embedding, calls to
// the admin API, and problems shown in the merchant's words. Pages import it as
// `gridprice/admin.js` (the layout's import map names its hashed URL). App Bridge adds the
// session token to every fetch. Plain ES module, no dependencies.

/** The page's strings: the JSON object in `<script type="application/json" id={id}>`. */
export function pageText(id) {
  const holder = document.getElementById(id);
  return holder ? JSON.parse(holder.textContent) : {};
}

/** `text[key]` with each `{name}` replaced by `values.name`; the key itself when missing. */
export function say(text, key, values = {}) {
  return Object.entries(values).reduce((s, [k, v]) => s.replaceAll(`{${k}}`, v), text[key] ?? key);
}

/** An app path with the embedding's parameters (shop, host, embedded, locale). */
export function appLink(path) {
  const kept = new URLSearchParams();
  for (const [k, v] of new URLSearchParams(location.search)) {
    if (['shop', 'host', 'embedded', 'locale'].includes(k)) kept.append(k, v);
  }
  const query = kept.toString();
  if (!query) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

/** Shows `message` in an `s-banner` inside `holder` (an element or its id); none clears it. */
export function showBanner(holder, message, tone = 'critical') {
  const element = typeof holder === 'string' ? document.getElementById(holder) : holder;
  if (!element) return;
  element.replaceChildren();
  if (!message) return;
  const banner = document.createElement('s-banner');
  banner.setAttribute('tone', tone);
  banner.textContent = message;
  element.append(banner);
}

/** A problem's detail for people: a plan limit (its `limit`) in the merchant's language. */
export function problemDetail(problem) {
  const limit = problem?.limit;
  if (!limit) return problem?.detail ?? '';
  const text = pageText('gridprice-limit-text');
  const plan = say(text, `plan.${limit.plan}`);
  return say(text, limit.name, { plan, allowed: limit.allowed ?? 0, used: limit.used ?? 0 });
}

/** A problem+json answer read once: its detail, and each field's messages by field. */
export async function readProblem(response) {
  try {
    const problem = await response.json();
    const fields = Object.fromEntries(
      Object.entries(problem.errors ?? {}).map(([field, messages]) => [field, [].concat(messages).join(' ')]),
    );
    return { detail: problemDetail(problem), fields };
  } catch (_) {
    return { detail: '', fields: {} };
  }
}

/** The problem's detail and each field's messages, in one readable text. */
export async function problemText(response, fallback = '') {
  const { detail, fields } = await readProblem(response);
  const lines = [detail, ...Object.entries(fields).map(([field, message]) => `${field}: ${message}`)];
  return lines.filter(Boolean).join('\n') || fallback;
}

/** `method path` with a JSON (or `type`) body, showing App Bridge's loading bar meanwhile. */
export async function call(method, path, body, type = 'application/json') {
  window.shopify?.loading(true);
  try {
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.headers['content-type'] = type;
      init.body = type === 'application/json' ? JSON.stringify(body) : body;
    }
    return await fetch(path, init);
  } finally {
    window.shopify?.loading(false);
  }
}
