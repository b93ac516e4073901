// Home (`/`): the setup guide's last step is the merchant's to mark done, since Shopify does
// not tell apps when their block is added to a theme. Plain ES module (the admin's shared
// helpers aside); strings come from the page (#home-text).

import { appLink, call, pageText, showBanner } from 'gridprice/admin.js';

const text = pageText('home-text');

async function markCalculatorPlaced(button) {
  button.setAttribute('loading', '');
  try {
    const response = await call('POST', '/app/api/setup/calculator-placed');
    if (!response.ok) throw new Error(String(response.status));
    window.shopify?.toast.show(text['placed']);
    // Home again; the app's entry gets a fresh session token through the bounce.
    location.assign(appLink('/'));
  } catch (_) {
    showBanner('home-banner', text['placed.failed']);
  } finally {
    button.removeAttribute('loading');
  }
}

const placed = document.getElementById('calculator-placed');
placed?.addEventListener('click', () => markCalculatorPlaced(placed));
