// The option groups index (`/app/option-groups`): delete, after a confirmation naming the
// products the group leaves, through `/app/api/option-groups`. Creating is a link to the
// editor. App Bridge adds the session token to every fetch. Plain ES module (the admin's shared
// helpers aside); strings come from the page (#groups-text).

import { call, pageText, problemText, say as sayIn, showBanner } from 'gridprice/admin.js';

const text = pageText('groups-text');
const $ = (id) => document.getElementById(id);
const say = (key, values) => sayIn(text, key, values);
const banner = (message) => showBanner('groups-banner', message);

const deleteModal = $('delete-modal');
let deleting = null;

document.addEventListener('click', (event) => {
  const button = event.target.closest?.('[data-delete]');
  if (!button) return;
  deleting = button.dataset.delete;
  const { name, products } = button.dataset;
  $('delete-message').textContent = products
    ? say('deleteWithProducts', { name, products })
    : say('deleteWithoutProducts', { name });
  deleteModal.showOverlay();
});

$('delete-cancel').addEventListener('click', () => deleteModal.hideOverlay());
$('delete-confirm').addEventListener('click', async () => {
  if (!deleting) return;
  try {
    const response = await call('DELETE', `/app/api/option-groups/${deleting}`);
    deleteModal.hideOverlay();
    if (!response.ok) return banner(await problemText(response, say('failed')));
    window.shopify?.toast.show(say('deleted'));
    location.reload();
  } catch {
    deleteModal.hideOverlay();
    banner(say('networkError'));
  }
});
