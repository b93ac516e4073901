// The draft orders page (`/app/draft-orders`): a test draft order for a priced product, with
// its options, through `/app/api/matrices/{id}/test-draft-order`; the server prices it and
// answers each bad field by name. App Bridge adds the session token to every fetch.
// Plain ES module (the admin's shared helpers aside); strings come from the page (#orders-text).

import { appLink, call, pageText, readProblem, showBanner } from 'gridprice/admin.js';

const text = pageText('orders-text');
const $ = (id) => document.getElementById(id);
const banner = (message) => showBanner('test-banner', message);

const modal = $('test-modal');
const productSelect = $('test-product');

/** The chosen product's part of the form: its size fields and option selects. */
function chosenPart() {
  return document.querySelector(`.test-product[data-product="${productSelect.value}"]`);
}

function showChosen() {
  for (const part of document.querySelectorAll('.test-product')) {
    part.hidden = part.dataset.product !== productSelect.value;
  }
}

function clearErrors(part) {
  for (const field of part.querySelectorAll('s-text-field')) field.removeAttribute('error');
  $('test-quantity').removeAttribute('error');
  banner('');
}

/** Each field's problem at the field; what belongs to no field in the banner. */
async function showProblem(response, part) {
  const { detail, fields } = await readProblem(response);
  const at = { width: part.querySelector('.test-width'), height: part.querySelector('.test-height'), quantity: $('test-quantity') };
  const unplaced = [];
  for (const [name, message] of Object.entries(fields)) {
    if (at[name]) at[name].setAttribute('error', message);
    else unplaced.push(message);
  }
  if (unplaced.length || !Object.keys(fields).length) banner([detail, ...unplaced].filter(Boolean).join(' ') || text['failed']);
}

/** The order as the form holds it; sizes stay the text typed (never a float). */
function order(part) {
  const options = [...part.querySelectorAll('.test-option')]
    .filter((select) => select.value)
    .map((select) => ({ optionGroupId: Number(select.dataset.group), choiceId: Number(select.value) }));
  return {
    productId: productSelect.value,
    width: part.querySelector('.test-width').value.trim(),
    height: part.querySelector('.test-height').value.trim(),
    quantity: String($('test-quantity').value || '1'),
    options,
  };
}

async function submit() {
  const part = chosenPart();
  clearErrors(part);
  const matrix = productSelect.querySelector(`s-option[value="${productSelect.value}"]`)?.dataset.matrix;
  const button = $('test-submit');
  button.setAttribute('loading', '');
  try {
    const response = await call('POST', `/app/api/matrices/${matrix}/test-draft-order`, order(part));
    if (!response.ok) {
      await showProblem(response, part);
      return;
    }
    const created = await response.json();
    window.shopify?.toast.show(text['created'].replaceAll('{name}', created.name ?? ''));
    modal.hideOverlay();
    location.assign(appLink('/app/draft-orders'));
  } catch (_) {
    banner(text['failed']);
  } finally {
    button.removeAttribute('loading');
  }
}

productSelect.addEventListener('change', showChosen);
$('test-open').addEventListener('click', () => modal.showOverlay());
$('test-cancel').addEventListener('click', () => modal.hideOverlay());
$('test-submit').addEventListener('click', submit);
$('test-form').addEventListener('submit', (event) => {
  event.preventDefault();
  submit();
});
