// The Plan page (`/app/plan`): upgrading asks the server for Shopify's confirmation page and
// opens it in the merchant's whole window (App Bridge's `open(url, '_top')`: Shopify's page
// cannot be framed); cancelling goes through a confirmation. Plain ES module (the admin's
// shared helpers aside); strings come from the page (#plan-text).

import { appLink, call, pageText, problemText, showBanner } from 'gridprice/admin.js';

const text = pageText('plan-text');
const $ = (id) => document.getElementById(id);

async function upgrade(button) {
  button.setAttribute('loading', '');
  showBanner('plan-banner', '');
  try {
    const response = await call('POST', '/app/api/billing/subscribe');
    if (!response.ok) {
      showBanner('plan-banner', await problemText(response, text['upgrade.failed']));
      return;
    }
    const { confirmationUrl } = await response.json();
    window.open(confirmationUrl, '_top');
  } catch (_) {
    showBanner('plan-banner', text['upgrade.failed']);
  } finally {
    button.removeAttribute('loading');
  }
}

async function cancelPlan(button) {
  button.setAttribute('loading', '');
  try {
    const response = await call('POST', '/app/api/billing/cancel');
    if (!response.ok) {
      $('cancel-modal').hideOverlay();
      showBanner('plan-banner', await problemText(response, text['cancel.failed']));
      return;
    }
    window.shopify?.toast.show(text['cancelled']);
    // The page again, as the server now sees the store; a fresh session token comes with it.
    location.assign(appLink('/app/plan'));
  } catch (_) {
    showBanner('plan-banner', text['cancel.failed']);
  } finally {
    button.removeAttribute('loading');
  }
}

// Shopify's `charge_id` has been checked by the server that rendered this page: a reload need
// not check it again.
if (new URLSearchParams(location.search).has('charge_id')) {
  const url = new URL(location.href);
  url.searchParams.delete('charge_id');
  history.replaceState(history.state, '', url);
}

$('upgrade')?.addEventListener('click', (event) => upgrade(event.currentTarget));
$('cancel-open')?.addEventListener('click', () => $('cancel-modal').showOverlay());
$('cancel-keep')?.addEventListener('click', () => $('cancel-modal').hideOverlay());
$('cancel-confirm')?.addEventListener('click', (event) => cancelPlan(event.currentTarget));
