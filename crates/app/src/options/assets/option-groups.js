// The option groups index (`/app/option-groups`): delete, after a confirmation naming the
// products the group leaves, through `/app/api/option-groups`. Creating is a link to the
// editor. App Bridge adds the session token to every fetch. Plain ES module, no dependencies;
// strings come from the page (#groups-text).

const text = JSON.parse(document.getElementById('groups-text').textContent);
const $ = (id) => document.getElementById(id);

/** `{name}` placeholders filled in. */
function say(key, values = {}) {
  return Object.entries(values).reduce((s, [k, v]) => s.replaceAll(`{${k}}`, v), text[key] ?? key);
}

function banner(message) {
  const holder = $('groups-banner');
  holder.replaceChildren();
  if (!message) return;
  const el = document.createElement('s-banner');
  el.setAttribute('tone', 'critical');
  el.textContent = message;
  holder.append(el);
}

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
  window.shopify?.loading(true);
  try {
    const response = await fetch(`/app/api/option-groups/${deleting}`, { method: 'DELETE' });
    deleteModal.hideOverlay();
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      banner(problem.detail || say('failed'));
      return;
    }
    window.shopify?.toast.show(say('deleted'));
    location.reload();
  } catch {
    deleteModal.hideOverlay();
    banner(say('networkError'));
  } finally {
    window.shopify?.loading(false);
  }
});
