// Gridprice: the option group editor of the embedded admin (`/app/option-groups/{id}` and
// `/new`, DESIGN §12).
//
// A plain ES module, no dependencies and no build step. At import time it touches nothing but its
// own definitions; the page's editor starts through `start(root)` (called at the bottom when a
// document with #group-editor exists). The pure parts are named exports, unit-tested under Node
// (tests/admin/option-group-editor.test.mjs).
//
// A choice's price change is typed as the merchant thinks of it — an amount of the store's
// currency ("15.00", "+15.00", "-2.50") or a percentage of the matrix price ("20%", "-5%") —
// and sent as typed: the server reads it with the same grammar and is the authority. This file
// checks it first only to say what is wrong at the field before anything is sent. Money stays
// exact: BigInt minor units, never floats.
//
// Text: every string shown comes from #group-text, the catalogue's `optionGroups.script.*`
// entries (crates/app/locales/en.json, de.json), `{name}` placeholders filled in.
//
// The admin's shared helpers (gridprice/admin.js) are handed to `start`: the page imports them
// through its import map, which Node, where the pure parts are tested, does not have.

/** A group offers at most this many choices (the server's limit). */
export const MAX_CHOICES = 50;
/** Longest group name or choice label, in characters (the server's limit). */
export const MAX_NAME = 100;

const MODIFIER = /^([+-]?)(\d+)(?:\.(\d+))?(%?)$/;
const I64_MAX = 9223372036854775807n;

/**
 * A price change as the merchant types it, read as the server reads it: `{ type: 'FIXED',
 * minor }` (BigInt minor units), `{ type: 'PERCENTAGE', basisPoints }` (BigInt, 10000 = 100%),
 * or `{ error }` with a text key. Surrounding spaces are ignored (the page sends it trimmed).
 */
export function parseModifier(text, decimals) {
  const m = MODIFIER.exec(String(text ?? '').trim());
  if (!m) return { error: 'modifierInvalid' };
  const sign = m[1] === '-' ? -1n : 1n;
  const fraction = (m[3] || '').replace(/0+$/, '');
  if (m[4]) {
    if (fraction.length > 2) return { error: 'percentDecimals' };
    const basisPoints = sign * BigInt(m[2] + fraction.padEnd(2, '0'));
    if (basisPoints < -10000n || basisPoints > 1000000n) return { error: 'percentRange' };
    return { type: 'PERCENTAGE', basisPoints };
  }
  if (fraction.length > decimals) return { error: 'amountDecimals' };
  const minor = BigInt(m[2] + fraction.padEnd(decimals, '0'));
  if (minor > I64_MAX) return { error: 'amountLarge' };
  return { type: 'FIXED', minor: sign * minor };
}

// --- the editor state -------------------------------------------------------------------------
//
// { name, requirement, choices: [{ label, modifier, isDefault }], products: [gid] (sorted) },
// texts as typed.

const blankChoice = () => ({ label: '', modifier: '', isDefault: false });

/** The editor state of a group as the API returns it (`null`: a new group), with the products
 * that show it. */
export function fromGroup(group, products) {
  return {
    name: group?.name ?? '',
    requirement: group?.requirement ?? 'OPTIONAL',
    choices: group ? group.choices.map((c) => ({ label: c.label, modifier: c.modifier, isDefault: c.isDefault })) : [blankChoice()],
    products: [...products].sort(),
  };
}

/** Whether two states hold the same group and products (dirty detection). */
export function sameState(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether two states hold the same group, products aside. */
export function sameGroup(a, b) {
  return sameState({ ...a, products: [] }, { ...b, products: [] });
}

const withChoices = (state, choices) => ({ ...state, choices });

/** The state with choice `index` moved by `delta` places; null past either end. */
export function moveChoice(state, index, delta) {
  const to = index + delta;
  if (to < 0 || to >= state.choices.length) return null;
  const choices = state.choices.slice();
  const [moved] = choices.splice(index, 1);
  choices.splice(to, 0, moved);
  return withChoices(state, choices);
}

/** The state with a blank choice at the end; null at the limit. */
export function addChoice(state) {
  if (state.choices.length >= MAX_CHOICES) return null;
  return withChoices(state, [...state.choices, blankChoice()]);
}

/** The state without choice `index`; null when it is the only one (a group needs one). */
export function removeChoice(state, index) {
  if (state.choices.length <= 1) return null;
  return withChoices(state, state.choices.filter((_, i) => i !== index));
}

/** The state with choice `index` the default (`on`) or no default; at most one is. */
export function setDefault(state, index, on) {
  return withChoices(state, state.choices.map((c, i) => ({ ...c, isDefault: on && i === index })));
}

/**
 * What is wrong before sending, at the fields the server would name:
 * `[{ field: 'name' | 'choices[i].label' | 'choices[i].modifier', key, params }]`.
 */
export function validate(state, decimals) {
  const problems = [];
  const name = state.name.trim();
  if (!name) problems.push({ field: 'name', key: 'nameRequired' });
  else if ([...name].length > MAX_NAME) problems.push({ field: 'name', key: 'tooLong', params: { max: MAX_NAME } });
  const seen = new Set();
  state.choices.forEach((choice, i) => {
    const label = choice.label.trim();
    const field = `choices[${i}].label`;
    if (!label) problems.push({ field, key: 'labelRequired' });
    else if ([...label].length > MAX_NAME) problems.push({ field, key: 'tooLong', params: { max: MAX_NAME } });
    else if (seen.has(label.toLowerCase())) problems.push({ field, key: 'labelTwice', params: { label } });
    seen.add(label.toLowerCase());
    const parsed = parseModifier(choice.modifier, decimals);
    if (parsed.error) problems.push({ field: `choices[${i}].modifier`, key: parsed.error, params: { decimals } });
  });
  return problems;
}

/** The body of `POST /app/api/option-groups` and `PUT /app/api/option-groups/{id}`. */
export function groupBody(state) {
  return {
    name: state.name.trim(),
    requirement: state.requirement,
    choices: state.choices.map((c) => ({ label: c.label.trim(), modifier: c.modifier.trim(), isDefault: c.isDefault })),
  };
}

/** A request field named by a problem's `errors`: `{ index, part }` for "choices[1].modifier",
 * `{ product }` for "productIds[2]", null for any other. */
export function parseField(name) {
  let m = /^choices\[(\d+)\]\.(label|modifier|modifierValue|modifierType)$/.exec(name);
  if (m) return { index: +m[1], part: m[2] === 'label' ? 'label' : 'modifier' };
  m = /^productIds\[(\d+)\]$/.exec(name);
  if (m) return { product: +m[1] };
  return null;
}

// --- the page ---------------------------------------------------------------------------------

const CSS = `
.og-sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.og-choice{padding:8px 0;border-bottom:1px solid #e3e3e3}
.og-choice:last-child{border-bottom:0}
.og-row{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:flex-start}
.og-row>s-text-field{flex:1 1 12rem;min-width:10rem}
.og-row>s-button{margin-top:27px}
.og-row>.og-default{margin-top:31px}
`;

/**
 * Starts the editor in `root` (#group-editor) with the admin's shared helpers (`appLink`,
 * `call`, `pageText`, `say` of gridprice/admin.js). Returns a small handle for tests.
 */
export function start(root, { appLink, call, pageText, problemDetail, say }) {
  const doc = root.ownerDocument;
  const win = doc.defaultView;
  const $ = (id) => doc.getElementById(id);
  const texts = pageText('group-text');
  const t = (key, params) => say(texts, key, params);
  const currency = root.dataset.currency || '';
  const parsedDecimals = parseInt(root.dataset.currencyDecimals, 10);
  const decimals = Number.isInteger(parsedDecimals) && parsedDecimals >= 0 ? parsedDecimals : 2;
  const maxGroups = parseInt(root.dataset.maxGroups, 10) || 5;
  const app = () => win.shopify;
  const nameField = $('group-name');
  const requirementSelect = $('group-requirement');
  const choicesBox = $('choices');
  const banner = $('group-banner');
  const productBoxes = [...doc.querySelectorAll('#group-products s-checkbox')];
  const valueOf = (el) => String(el?.value ?? '');
  const gidOf = (box) => box.getAttribute('value');

  let id = root.dataset.groupId || '';
  let saved = fromGroup(pageText('group-data'), productBoxes.filter((box) => box.hasAttribute('checked')).map(gidOf));
  let state = saved;
  let dirty = false;
  let saving = false;
  /** Messages by field ("name", "choices[1].modifier"), shown at the field. */
  let errors = new Map();

  const style = doc.createElement('style');
  style.textContent = CSS;
  doc.head.append(style);
  const live = doc.createElement('div');
  live.className = 'og-sr';
  live.setAttribute('role', 'status');
  live.setAttribute('aria-live', 'polite');
  root.append(live);
  const announce = (message) => {
    live.textContent = '';
    win.setTimeout(() => { live.textContent = message; }, 30);
  };

  // --- rendering

  const shownLabel = (i) => state.choices[i].label.trim() || t('choiceN', { n: i + 1 });

  function field(tag, attributes) {
    const el = doc.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === true) el.setAttribute(name, '');
      else if (value !== false && value !== undefined) el.setAttribute(name, value);
    }
    return el;
  }

  function choiceRow(choice, i) {
    const count = state.choices.length;
    const row = field('div', { class: 'og-choice', role: 'group', 'aria-label': t('choiceN', { n: i + 1 }), 'data-index': i });
    const line = field('div', { class: 'og-row' });
    const label = field('s-text-field', { label: t('label'), value: choice.label, maxlength: MAX_NAME, 'data-part': 'label' });
    const modifier = field('s-text-field', { label: t('modifier'), value: choice.modifier, placeholder: t('modifierPlaceholder'), 'data-part': 'modifier' });
    const isDefault = field('s-checkbox', { label: t('default'), checked: choice.isDefault, class: 'og-default', 'data-part': 'default' });
    const up = field('s-button', { icon: 'chevron-up', accessibilitylabel: t('moveUp', { label: shownLabel(i) }), disabled: i === 0, 'data-move': '-1', 'data-part': 'up' });
    const down = field('s-button', { icon: 'chevron-down', accessibilitylabel: t('moveDown', { label: shownLabel(i) }), disabled: i === count - 1, 'data-move': '1', 'data-part': 'down' });
    const remove = field('s-button', { tone: 'critical', accessibilitylabel: t('removeLabel', { label: shownLabel(i) }), disabled: count === 1, 'data-remove': '', 'data-part': 'remove' });
    remove.textContent = t('remove');
    line.append(label, modifier, isDefault, up, down, remove);
    row.append(line);
    return row;
  }

  /** Draws the choices from the state; errors stay at their fields. */
  function render() {
    choicesBox.replaceChildren(...state.choices.map(choiceRow));
    showFieldErrors();
  }

  const rowOf = (el) => el.closest?.('.og-choice');
  const indexOf = (el) => Number(rowOf(el)?.dataset.index);
  const partAt = (i, part) => choicesBox.querySelector(`.og-choice[data-index="${i}"] [data-part="${part}"]`);
  const fieldFor = (name) => {
    if (name === 'name') return nameField;
    if (name === 'requirement') return requirementSelect;
    const parsed = parseField(name);
    if (parsed && parsed.index !== undefined) return partAt(parsed.index, parsed.part);
    return null;
  };

  function showFieldErrors() {
    for (const el of [nameField, requirementSelect, ...choicesBox.querySelectorAll('s-text-field')]) el?.removeAttribute('error');
    for (const [name, message] of errors) fieldFor(name)?.setAttribute('error', message);
  }

  /** The fields' values from the state (after a discard or a save). */
  function fillFields() {
    if (nameField) nameField.value = state.name;
    setSelect(requirementSelect, state.requirement);
    for (const box of productBoxes) {
      box.checked = state.products.includes(gidOf(box));
      box.removeAttribute('error');
    }
    render();
  }

  function setSelect(el, value) {
    if (!el) return;
    el.setAttribute('value', value);
    win.customElements?.whenDefined(el.localName).then(() => { el.value = value; }, () => {});
  }

  function setBanner(message, list) {
    if (!banner) return;
    if (!message) { banner.replaceChildren(); return; }
    const box = doc.createElement('s-banner');
    box.setAttribute('tone', 'critical');
    box.setAttribute('heading', message);
    if (list?.length) {
      const ul = doc.createElement('ul');
      for (const item of list) {
        const li = doc.createElement('li');
        li.textContent = item;
        ul.append(li);
      }
      box.append(ul);
    }
    banner.replaceChildren(box);
  }

  // --- changes

  function updateDirty() {
    const now = !sameState(state, saved);
    if (now === dirty) return;
    dirty = now;
    const verb = now ? 'show' : 'hide';
    const bar = app()?.saveBar;
    try {
      Promise.resolve(bar ? bar[verb]('group-save-bar') : $('group-save-bar')?.[verb]?.()).catch(() => {});
    } catch { /* no save bar on this page */ }
  }

  function change(next, fieldName) {
    state = next;
    if (fieldName && errors.delete(fieldName)) {
      fieldFor(fieldName)?.removeAttribute('error');
      // The last field put right: the summary above has nothing left to say.
      if (!errors.size) setBanner(null);
    }
    updateDirty();
  }

  /** Redraws after a change of the list and puts focus back on `part` of row `index` (a move
   * button that is now disabled, at an end of the list, hands it to the other one). */
  function reshape(next, index, part) {
    errors = new Map();
    change(next);
    render();
    const usable = (name) => {
      const el = partAt(index, name);
      return el && !el.hasAttribute('disabled') ? el : null;
    };
    const other = { up: 'down', down: 'up' }[part] ?? 'label';
    (usable(part) || usable(other) || partAt(index, 'label'))?.focus();
  }

  nameField?.addEventListener('input', () => change({ ...state, name: valueOf(nameField) }, 'name'));
  requirementSelect?.addEventListener('change', () => change({ ...state, requirement: valueOf(requirementSelect) || state.requirement }, 'requirement'));

  choicesBox.addEventListener('input', (event) => {
    const el = event.target;
    const part = el.dataset?.part;
    if (part !== 'label' && part !== 'modifier') return;
    const i = indexOf(el);
    const choices = state.choices.map((c, j) => (j === i ? { ...c, [part]: valueOf(el) } : c));
    change(withChoices(state, choices), `choices[${i}].${part}`);
  });

  // A price change is checked when the merchant leaves the field.
  choicesBox.addEventListener('focusout', (event) => {
    const el = event.target;
    if (el.dataset?.part !== 'modifier' || !valueOf(el).trim()) return;
    const parsed = parseModifier(valueOf(el), decimals);
    const name = `choices[${indexOf(el)}].modifier`;
    if (parsed.error) {
      errors.set(name, t(parsed.error, { decimals, currency }));
      el.setAttribute('error', errors.get(name));
    }
  });

  choicesBox.addEventListener('change', (event) => {
    const el = event.target;
    if (el.dataset?.part !== 'default') return;
    change(setDefault(state, indexOf(el), el.checked));
    for (const box of choicesBox.querySelectorAll('[data-part="default"]')) {
      if (box !== el) box.checked = false;
    }
  });

  choicesBox.addEventListener('click', (event) => {
    const button = event.target.closest?.('[data-move], [data-remove]');
    if (!button || button.hasAttribute('disabled')) return;
    const i = indexOf(button);
    if (button.dataset.move) {
      const delta = Number(button.dataset.move);
      const next = moveChoice(state, i, delta);
      if (!next) return;
      const label = shownLabel(i);
      reshape(next, i + delta, delta < 0 ? 'up' : 'down');
      announce(t('moved', { label, position: i + delta + 1, count: state.choices.length }));
      return;
    }
    const next = removeChoice(state, i);
    if (!next) return;
    const label = shownLabel(i);
    reshape(next, Math.min(i, next.choices.length - 1), 'label');
    announce(t('removed', { label }));
  });

  $('add-choice')?.addEventListener('click', () => {
    const next = addChoice(state);
    if (!next) {
      app()?.toast?.show?.(t('choicesMax', { max: MAX_CHOICES }), { isError: true });
      return;
    }
    reshape(next, next.choices.length - 1, 'label');
    announce(t('added'));
  });

  for (const box of productBoxes) {
    box.addEventListener('change', () => {
      const gid = gidOf(box);
      box.removeAttribute('error');
      if (box.checked && Number(box.dataset.others) >= maxGroups) {
        // Refused here already; the server refuses it too.
        box.checked = false;
        box.setAttribute('error', t('productFull', { product: box.getAttribute('label'), max: maxGroups }));
        return;
      }
      const others = state.products.filter((p) => p !== gid);
      change({ ...state, products: (box.checked ? [...others, gid] : others).sort() });
    });
  }

  // --- save and discard

  /** A refusal's messages at their fields (products by their place in `sentProducts`), the
   * rest in the banner. */
  function showProblem(problem, sentProducts) {
    const rest = [];
    for (const [name, messages] of Object.entries(problem?.errors || {})) {
      const message = [].concat(messages).join(' ');
      const parsed = parseField(name);
      if (parsed?.product !== undefined) {
        const gid = sentProducts?.[parsed.product];
        const box = productBoxes.find((b) => gidOf(b) === gid);
        if (box) { box.setAttribute('error', message); continue; }
      }
      if (fieldFor(name)) { errors.set(name, message); continue; }
      rest.push(message);
    }
    showFieldErrors();
    const count = Object.keys(problem?.errors || {}).length;
    const heading = count ? t('fixErrors', { count }) : problemDetail(problem) || t('failed');
    setBanner(heading, rest);
    announce(heading);
  }

  async function send(method, path, body) {
    const response = await call(method, path, body);
    return { response, data: await response.json().catch(() => null) };
  }

  async function save() {
    if (saving) return;
    const problems = validate(state, decimals);
    errors = new Map(problems.map((p) => [p.field, t(p.key, { ...p.params, currency })]));
    showFieldErrors();
    if (problems.length) {
      const heading = t('fixErrors', { count: problems.length });
      setBanner(heading);
      announce(heading);
      return;
    }
    saving = true;
    const created = !id;
    try {
      if (created || !sameGroup(state, saved)) {
        const path = created ? '/app/api/option-groups' : `/app/api/option-groups/${encodeURIComponent(id)}`;
        const { response, data } = await send(created ? 'POST' : 'PUT', path, groupBody(state));
        if (!response.ok || !data) return showProblem(data);
        id = String(data.id);
        // The server's own spelling of what was sent ("15" comes back "+15.00").
        saved = fromGroup(data, saved.products);
        state = fromGroup(data, state.products);
      }
      if (!sameState(state.products, saved.products)) {
        const sent = state.products;
        const { response, data } = await send('PUT', `/app/api/option-groups/${encodeURIComponent(id)}/products`, { productIds: sent });
        if (!response.ok || !data) {
          if (created) win.history.replaceState(null, '', appLink(`/app/option-groups/${id}`));
          fillFields();
          updateDirty();
          return showProblem(data, sent);
        }
        saved = { ...saved, products: [...data.productIds].sort() };
      }
      errors = new Map();
      setBanner(null);
      state = saved;
      updateDirty();
      if (created) {
        win.location.assign(appLink(`/app/option-groups/${id}`));
        return;
      }
      fillFields();
      root.closest('s-page')?.setAttribute('heading', state.name);
      app()?.toast?.show?.(t('saved'));
      announce(t('saved'));
    } catch {
      setBanner(t('networkError'));
      announce(t('networkError'));
    } finally {
      saving = false;
    }
  }

  function discard() {
    state = saved;
    errors = new Map();
    setBanner(null);
    fillFields();
    updateDirty();
    announce(t('discarded'));
  }

  $('group-save')?.addEventListener('click', save);
  $('group-discard')?.addEventListener('click', discard);

  fillFields();
  return {
    getState: () => state,
    isDirty: () => dirty,
  };
}

if (typeof document !== 'undefined') {
  const root = document.getElementById('group-editor');
  if (root) import('gridprice/admin.js').then((admin) => start(root, admin));
}
