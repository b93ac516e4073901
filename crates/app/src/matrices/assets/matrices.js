// The matrices index (`/app/matrices`): create (a template size, a CSV file, a copy), duplicate
// and delete, through `/app/api/matrices`. App Bridge adds the session token to every fetch.
// Plain ES module (the admin's shared helpers aside); strings come from the page (#matrices-text).

import { appLink, call, pageText, problemText, say as sayIn, showBanner } from 'gridprice/admin.js';

const text = pageText('matrices-text');
const $ = (id) => document.getElementById(id);
const say = (key, values) => sayIn(text, key, values);
const banner = (message) => showBanner('matrices-banner', message);
const problem = (response) => problemText(response, text['error.unknown']);

/* ------------------------------------------------------------------ create */

const modal = $('create-modal');
const open = () => {
  banner('');
  modal.showOverlay();
};
$('create-open')?.addEventListener('click', open);
$('create-open-empty')?.addEventListener('click', open);
$('create-cancel').addEventListener('click', () => modal.hideOverlay());

const startSelect = $('create-start');
const csvSection = $('create-csv');
startSelect.addEventListener('change', () => {
  csvSection.hidden = startSelect.value !== 'csv';
});

const STEP = { mm: '500', cm: '50', m: '0.5', in: '12', ft: '1' };

/** Breakpoints `step, 2·step, …` as exact decimal strings (no floats). */
function steps(count, step) {
  const [whole, fraction = ''] = step.split('.');
  const scale = 10n ** BigInt(fraction.length);
  const unit = BigInt(whole + fraction);
  return Array.from({ length: count }, (_, i) => {
    const value = unit * BigInt(i + 1);
    const integer = value / scale;
    const rest = (value % scale).toString().padStart(fraction.length, '0').replace(/0+$/, '');
    return rest ? `${integer}.${rest}` : `${integer}`;
  });
}

let chosenFile = null;
$('create-file').addEventListener('change', async (event) => {
  chosenFile = event.target.files?.[0] ?? null;
  const preview = $('create-preview');
  preview.replaceChildren();
  if (!chosenFile) return;
  const unit = $('create-unit').dataset.unit;
  const response = await call('POST', `/app/api/matrices/import?preview=true&unit=${unit}`, chosenFile, 'text/csv');
  if (!response.ok) {
    preview.textContent = await problem(response);
    return;
  }
  const result = await response.json();
  const summary = document.createElement('s-paragraph');
  summary.textContent = result.valid
    ? say('preview.valid', { width: String(result.widths.length), height: String(result.heights.length) })
    : say('preview.invalid', { count: String(result.lineErrorCount + result.matrixProblemCount) });
  preview.append(summary);
  const problems = [
    ...result.lineErrors.map((e) => say('preview.line', { line: String(e.line), message: e.message })),
    ...result.matrixProblems.map((p) => p.message),
  ];
  if (problems.length) {
    const list = document.createElement('ul');
    for (const problem of problems) {
      const item = document.createElement('li');
      item.textContent = problem;
      list.append(item);
    }
    preview.append(list);
  }
});

async function create(name, start) {
  if (start.startsWith('size:')) {
    const [width, height] = start.slice(5).split('x').map(Number);
    const unit = $('create-unit').dataset.unit;
    const step = STEP[unit] ?? '1';
    return call('POST', '/app/api/matrices', {
      name,
      unit,
      widths: steps(width, step),
      heights: steps(height, step),
      cells: Array.from({ length: height }, () => Array(width).fill('0')),
    });
  }
  if (start === 'csv') {
    if (!chosenFile) return null;
    const unit = $('create-unit').dataset.unit;
    const query = new URLSearchParams({ name, unit });
    return call('POST', `/app/api/matrices/import?${query}`, chosenFile, 'text/csv');
  }
  const copied = await call('POST', `/app/api/matrices/${start.slice(5)}/duplicate`);
  if (!copied.ok) return copied;
  const { id } = await copied.json();
  const renamed = await call('PATCH', `/app/api/matrices/${id}`, { name });
  return renamed.ok ? new Response(JSON.stringify({ id }), { status: 201 }) : renamed;
}

$('create-submit').addEventListener('click', async () => {
  const nameField = $('create-name');
  const name = (nameField.value ?? '').trim();
  nameField.setAttribute('error', name ? '' : text['create.name_required']);
  if (!name) return;
  const start = startSelect.value;
  const response = await create(name, start);
  if (!response) {
    $('create-file').setAttribute('error', text['create.file_required']);
    return;
  }
  if (!response.ok) {
    const message = await problem(response);
    if (start === 'csv') $('create-preview').textContent = message;
    else nameField.setAttribute('error', message);
    return;
  }
  const { id } = await response.json();
  location.assign(appLink(`/app/matrices/${id}`));
});

/* ------------------------------------------------------- duplicate, delete */

document.addEventListener('click', async (event) => {
  const button = event.target.closest?.('[data-duplicate], [data-delete]');
  if (!button) return;
  if (button.dataset.duplicate) {
    const response = await call('POST', `/app/api/matrices/${button.dataset.duplicate}/duplicate`);
    if (!response.ok) return banner(await problem(response));
    window.shopify?.toast.show(say('duplicated', { name: button.dataset.name ?? '' }));
    location.reload();
    return;
  }
  askDelete(button.dataset.delete, button.dataset.name, button.dataset.products);
});

const deleteModal = $('delete-modal');
let deleting = null;
function askDelete(id, name, products) {
  deleting = id;
  $('delete-message').textContent = products
    ? say('delete.with_products', { name, products })
    : say('delete.without_products', { name });
  deleteModal.showOverlay();
}
$('delete-cancel').addEventListener('click', () => deleteModal.hideOverlay());
$('delete-confirm').addEventListener('click', async () => {
  if (!deleting) return;
  const response = await call('DELETE', `/app/api/matrices/${deleting}`);
  deleteModal.hideOverlay();
  if (!response.ok) return banner(await problem(response));
  window.shopify?.toast.show(text.deleted);
  location.reload();
});
