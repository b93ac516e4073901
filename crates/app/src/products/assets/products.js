// The products page (`/app/products`): assign products to a matrix with App Bridge's resource
// picker — asking first, naming the matrix, before taking a product from another one —,
// unassign, and set the option groups each product shows, in order, through `/app/api`. App
// Bridge adds the session token to every fetch. Plain ES module (the admin's shared helpers
// aside); data and strings come from the page (#products-data, #products-text).

import { call, pageText, readProblem, say as sayIn } from 'gridprice/admin.js';

const $ = (id) => document.getElementById(id);
const text = pageText('products-text');
const data = pageText('products-data');
const say = (key, values) => sayIn(text, key, values);

/** `key_one` for one, `key` otherwise, with `{count}` filled in. */
function sayCount(key, count, values = {}) {
  return say(count === 1 && text[`${key}_one`] ? `${key}_one` : key, { ...values, count: String(count) });
}

/** Errors the merchant can act on (one message or several), above the page; with a way to
 * reload when asked. */
function banner(messages, { reload = false } = {}) {
  const holder = $('products-banner');
  holder.replaceChildren();
  const lines = [messages].flat().filter(Boolean);
  if (!lines.length) return;
  const el = document.createElement('s-banner');
  el.setAttribute('tone', 'critical');
  for (const line of lines) {
    const paragraph = document.createElement('s-paragraph');
    paragraph.textContent = line;
    el.append(paragraph);
  }
  if (reload) {
    const button = document.createElement('s-button');
    button.textContent = text.reload;
    button.addEventListener('click', () => location.reload());
    el.append(button);
  }
  holder.append(el);
}

/** Why a change to `product` (its title) failed, in the merchant's words. */
async function failure(product, response) {
  if (response.status === 401) return text.reconnect;
  if (response.status === 404) return say('gone', { product });
  if (response.status === 502 || response.status === 503) return text.unavailable;
  const { detail } = await readProblem(response);
  return detail ? say('failed', { product, detail }) : say('failed', { product, detail: text.unknown });
}

const productPath = (id) => `/app/api/products/${encodeURIComponent(id)}`;

/** Asks with `modal` and resolves true on `confirm`, false on `cancel` or closing it. */
function ask(modal, confirm, cancel) {
  return new Promise((resolve) => {
    const answer = (yes) => () => {
      confirm.removeEventListener('click', onConfirm);
      cancel.removeEventListener('click', onCancel);
      modal.removeEventListener('hide', onHide);
      modal.hideOverlay();
      resolve(yes);
    };
    const onConfirm = answer(true);
    const onCancel = answer(false);
    const onHide = answer(false);
    confirm.addEventListener('click', onConfirm);
    cancel.addEventListener('click', onCancel);
    modal.addEventListener('hide', onHide);
    modal.showOverlay();
  });
}

/* ------------------------------------------------------------------ assign */

/** Every assigned product's current matrix, by product id, as the server has it now. */
async function currentMatrices() {
  const response = await call('GET', '/app/api/products');
  if (!response.ok) return new Map();
  const { products } = await response.json();
  return new Map(products.map((p) => [p.productId, { id: p.matrixId, name: p.matrixName ?? '' }]));
}

/** How often a product moved elsewhere meanwhile is asked about again. */
const MAX_ROUNDS = 3;

/**
 * Moves `products` (picked, each on another matrix) to `matrix` once the merchant agreed, naming
 * each one's current matrix. A product moved elsewhere meanwhile (another tab) is asked about
 * again with its new matrix: the server refuses a move from any matrix but the one named.
 */
async function moveWithConsent(matrix, products, outcome) {
  let pending = products;
  for (let round = 0; pending.length; round += 1) {
    if (round === MAX_ROUNDS) {
      // Changed in another tab every time we asked: let the merchant look first.
      outcome.failures.push(...pending.map((product) => say('changed', { product: product.title })));
      return;
    }
    const current = await currentMatrices();
    const moves = [];
    const again = [];
    for (const product of pending) {
      const from = current.get(product.id);
      if (from && from.id !== matrix.id) moves.push({ product, from });
      // Unassigned (or given this matrix) meanwhile: nothing to take it from any more.
      else if (await assignOne(matrix, product, undefined, outcome)) again.push(product);
    }
    if (!moves.length) {
      pending = again;
      continue;
    }
    $('move-message').textContent = sayCount('move.body', moves.length, { matrix: matrix.name });
    $('move-list').replaceChildren(...moves.map(({ product, from }) => {
      const item = document.createElement('li');
      item.textContent = say('move.line', { product: product.title, matrix: from.name });
      return item;
    }));
    if (!(await ask($('move-modal'), $('move-confirm'), $('move-cancel')))) return;
    pending = again;
    for (const { product, from } of moves) {
      const refused = await assignOne(matrix, product, from.id, outcome);
      if (refused) pending.push(product);
    }
  }
}

/** Assigns one product; resolves true when it is on another matrix than `from` (409). */
async function assignOne(matrix, product, from, outcome) {
  const body = from === undefined
    ? { matrixId: matrix.id }
    : { matrixId: matrix.id, replace: true, fromMatrixId: from };
  const response = await call('PUT', `${productPath(product.id)}/matrix`, body);
  if (response.ok) {
    outcome.assigned += 1;
    return false;
  }
  if (response.status === 409) return true;
  outcome.failures.push(await failure(product.title, response));
  return false;
}

async function pickAndAssign() {
  banner('');
  const select = $('assign-matrix');
  const matrix = {
    id: Number(select.value),
    name: [...select.querySelectorAll('s-option')].find((o) => o.getAttribute('value') === select.value)?.textContent.trim() ?? '',
  };
  let picked;
  try {
    picked = await window.shopify.resourcePicker({ type: 'product', multiple: true });
  } catch (_) {
    banner(text.picker_failed);
    return;
  }
  if (!picked?.length) return;
  const outcome = { assigned: 0, failures: [] };
  const taken = [];
  for (const product of picked) {
    if (await assignOne(matrix, product, undefined, outcome)) taken.push(product);
  }
  await moveWithConsent(matrix, taken, outcome);
  if (outcome.failures.length) {
    banner(outcome.failures, { reload: outcome.assigned > 0 });
    return;
  }
  if (!outcome.assigned) return;
  window.shopify?.toast.show(sayCount('assigned', outcome.assigned, { matrix: matrix.name }));
  location.reload();
}

$('assign-pick')?.addEventListener('click', pickAndAssign);

/* ---------------------------------------------------------------- unassign */

async function unassign(id, title) {
  banner('');
  const response = await call('DELETE', `${productPath(id)}/matrix`);
  if (!response.ok) {
    banner(response.status === 404 ? say('changed', { product: title }) : await failure(title, response), { reload: true });
    return;
  }
  window.shopify?.toast.show(say('unassigned', { product: title }));
  location.reload();
}

/* ----------------------------------------------------------- option groups */

const groupNames = new Map(data.optionGroups.map((g) => [g.id, g.name]));
const groupsModal = $('groups-modal');
const addChoice = $('groups-add-choice');
let editing = null;

function button(label, accessibilityLabel, onClick) {
  const el = document.createElement('s-button');
  el.textContent = label;
  el.setAttribute('accessibilitylabel', accessibilityLabel);
  el.addEventListener('click', onClick);
  return el;
}

/** Swaps the groups at `i` and `j` of the product being edited. */
function swap(i, j) {
  const ids = editing.ids;
  if (j < 0 || j >= ids.length) return;
  [ids[i], ids[j]] = [ids[j], ids[i]];
  renderGroups();
}

function renderGroups() {
  const { ids } = editing;
  $('groups-none').hidden = ids.length > 0;
  $('groups-list').replaceChildren(...ids.map((id, index) => {
    const group = groupNames.get(id) ?? '';
    const item = document.createElement('s-list-item');
    item.dataset.group = String(id);
    const row = document.createElement('s-stack');
    row.setAttribute('direction', 'inline');
    row.setAttribute('gap', 'small-200');
    row.setAttribute('alignitems', 'center');
    const name = document.createElement('s-text');
    name.textContent = group;
    const up = button(text.up, say('up_label', { group }), () => swap(index, index - 1));
    const down = button(text.down, say('down_label', { group }), () => swap(index, index + 1));
    if (index === 0) up.setAttribute('disabled', '');
    if (index === ids.length - 1) down.setAttribute('disabled', '');
    const remove = button(text.remove, say('remove_label', { group }), () => {
      ids.splice(index, 1);
      renderGroups();
    });
    remove.setAttribute('tone', 'critical');
    row.append(name, up, down, remove);
    item.append(row);
    return item;
  }));
  const addable = data.optionGroups.filter((g) => !ids.includes(g.id));
  addChoice.replaceChildren(...addable.map((g) => {
    const option = document.createElement('s-option');
    option.setAttribute('value', String(g.id));
    option.textContent = g.name;
    return option;
  }));
  addChoice.setAttribute('error', data.optionGroups.length ? '' : text.no_groups);
  $('groups-add').toggleAttribute('disabled', !addable.length);
}

function openGroups(productId) {
  const product = data.products.find((p) => p.id === productId);
  if (!product) return;
  banner('');
  editing = { product, ids: [...product.optionGroupIds] };
  $('groups-product').textContent = say('groups_for', { product: product.title });
  renderGroups();
  groupsModal.showOverlay();
}

$('groups-add').addEventListener('click', () => {
  if (!editing) return;
  if (editing.ids.length >= data.maxGroups) {
    addChoice.setAttribute('error', say('limit', { max: String(data.maxGroups) }));
    return;
  }
  const id = Number(addChoice.value);
  if (!groupNames.has(id)) {
    addChoice.setAttribute('error', text.choose_group);
    return;
  }
  editing.ids.push(id);
  renderGroups();
});

$('groups-cancel').addEventListener('click', () => groupsModal.hideOverlay());

$('groups-save').addEventListener('click', async () => {
  if (!editing) return;
  const { product, ids } = editing;
  const response = await call('PUT', `${productPath(product.id)}/option-groups`, { optionGroupIds: ids });
  if (response.ok) {
    groupsModal.hideOverlay();
    window.shopify?.toast.show(say('saved', { product: product.title }));
    location.reload();
    return;
  }
  if (response.status === 422) {
    addChoice.setAttribute('error', say('limit', { max: String(data.maxGroups) }));
    return;
  }
  groupsModal.hideOverlay();
  banner(response.status === 404 ? text.group_gone : await failure(product.title, response), { reload: true });
});

/* ------------------------------------------------------------------ clicks */

document.addEventListener('click', (event) => {
  const target = event.target.closest?.('[data-unassign], [data-options]');
  if (!target) return;
  if (target.dataset.options) openGroups(target.dataset.options);
  else unassign(target.dataset.unassign, target.dataset.title ?? '');
});
