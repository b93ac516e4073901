// Home (`/`): the setup guide's last step is the merchant's to mark done, since Shopify does
// not tell apps when their block is added to a theme. App Bridge adds the session token to
// the fetch. Plain ES module, no dependencies; strings come from the page (#home-text).

const text = JSON.parse(document.getElementById('home-text').textContent);

/** Home again, with the embedding's parameters; the app's entry fetches a fresh token. */
function reloadHome() {
  const kept = new URLSearchParams();
  for (const [k, v] of new URLSearchParams(location.search)) {
    if (['shop', 'host', 'embedded', 'locale'].includes(k)) kept.append(k, v);
  }
  location.assign(`/?${kept}`);
}

function banner(message) {
  const holder = document.getElementById('home-banner');
  const el = document.createElement('s-banner');
  el.setAttribute('tone', 'critical');
  el.textContent = message;
  holder.replaceChildren(el);
}

async function markCalculatorPlaced(button) {
  button.setAttribute('loading', '');
  try {
    const response = await fetch('/app/api/setup/calculator-placed', { method: 'POST' });
    if (!response.ok) throw new Error(String(response.status));
    window.shopify?.toast.show(text['placed']);
    reloadHome();
  } catch (_) {
    banner(text['placed.failed']);
  } finally {
    button.removeAttribute('loading');
  }
}

const placed = document.getElementById('calculator-placed');
placed?.addEventListener('click', () => markCalculatorPlaced(placed));
