/*
 * The Shopify simulator's admin frame: draws what App Bridge asks for around the app's iframe
 * (title bar, app navigation, toasts, loading bar, save bar, modal backdrop, resource picker,
 * leave confirmation), answers session-token and user requests, and keeps the admin URL in step
 * with the app's location. Messages are accepted only from the app iframe's window at the
 * configured app origin. Plain ES2020, no dependencies.
 */
(() => {
  'use strict';

  const SOURCE = 'shopify-sim-app-bridge';
  const RESERVED = ['embedded', 'host', 'id_token', 'locale', 'session', 'shop', 'timestamp', 'hmac', 'shopify-reload'];
  const $ = (id) => document.getElementById(id);

  const configElement = $('sa-config');
  if (!configElement) return; // an admin page without an app
  const config = JSON.parse(configElement.textContent);
  const frame = $('sa-app-frame');

  /* ------------------------------------------------------------- state */

  const state = {
    page: null,
    saveBar: { visible: false },
    nav: [],
    modalOpen: false,
    loadingRequests: 0,
    navigating: true,
  };

  function post(type, payload = {}) {
    frame.contentWindow?.postMessage({ source: SOURCE, type, payload }, config.appOrigin);
  }

  function reply(id, ok, resultOrError) {
    if (!id) return;
    const message = ok
      ? { source: SOURCE, type: 'response', id, ok: true, result: resultOrError }
      : { source: SOURCE, type: 'response', id, ok: false, error: String(resultOrError) };
    frame.contentWindow?.postMessage(message, config.appOrigin);
  }

  /* ------------------------------------------------------- URL mapping */

  /** The app path (`/app/matrices?x=1`) of an app URL, without Shopify's parameters. */
  function appPathOf(href) {
    const url = new URL(href, config.appOrigin);
    let path = url.pathname;
    if (config.appBasePath && path.startsWith(config.appBasePath)) path = path.slice(config.appBasePath.length) || '/';
    const params = new URLSearchParams(url.search);
    for (const name of RESERVED) params.delete(name);
    const query = params.toString();
    return { path, query, hash: url.hash };
  }

  /** The admin URL showing `path` (+ query) of the app, with the admin's own `user`/`locale`. */
  function adminUrl(path, query = '', hash = '') {
    const params = new URLSearchParams(query);
    for (const [name, value] of config.adminQuery) params.set(name, value);
    const q = params.toString();
    return `${config.appBase}${path === '/' ? '' : path}${q ? `?${q}` : ''}${hash}`;
  }

  /** The app path the current admin URL shows. */
  function currentAppPath() {
    let path = location.pathname.slice(config.appBase.length) || '/';
    if (!path.startsWith('/')) path = `/${path}`;
    const params = new URLSearchParams(location.search);
    params.delete('user');
    params.delete('locale');
    params.delete('redirect');
    const q = params.toString();
    return `${path}${q ? `?${q}` : ''}`;
  }

  /* ------------------------------------------------------------ loading */

  function renderLoading() {
    $('sa-loading').hidden = !(state.loadingRequests > 0 || state.navigating);
  }

  frame.addEventListener('load', () => {
    state.navigating = false;
    renderLoading();
  });

  /* ----------------------------------------------------------- title bar */

  function renderTitle() {
    const page = state.page || { title: '', actions: [] };
    const title = page.title || config.appName;
    $('sa-title').textContent = title;
    document.title = `${title} · ${config.shopName} · Shopify`;
    const actions = $('sa-title-actions');
    const breadcrumb = $('sa-breadcrumb');
    actions.textContent = '';
    breadcrumb.textContent = '';
    for (const action of page.actions || []) {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.key = action.key;
      button.disabled = action.disabled || action.loading;
      if (action.loading) button.setAttribute('aria-busy', 'true');
      if (action.role === 'breadcrumb') {
        button.className = 'sa-breadcrumb-btn';
        button.setAttribute('aria-label', action.label ? `Back to ${action.label}` : 'Back');
        button.innerHTML = '<span aria-hidden="true">‹</span>';
        const label = document.createElement('span');
        label.textContent = action.label;
        button.append(label);
        breadcrumb.append(button);
      } else {
        button.className = `sa-btn ${action.primary ? 'sa-btn-primary' : 'sa-btn-secondary'}${action.critical ? ' sa-critical' : ''}`;
        button.textContent = action.label;
        actions.append(button);
      }
      button.addEventListener('click', () => post('titleBar:action', { key: action.key }));
    }
    // Primary action last, as in the admin.
    const primary = actions.querySelector('.sa-btn-primary');
    if (primary) actions.append(primary);
  }

  /* --------------------------------------------------------------- nav */

  function renderNav() {
    const list = $('sa-app-nav');
    list.textContent = '';
    const current = appPathOf(new URL(currentAppPath(), config.appOrigin).href).path;
    const home = state.nav.find((i) => i.home);
    $('sa-app-home').dataset.appPath = home ? home.href : '/';
    for (const item of state.nav) {
      if (item.home) continue;
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.className = 'sa-nav-item sa-subnav-item';
      const { path, query } = appPathOf(new URL(item.href, config.appOrigin).href);
      a.href = adminUrl(path, query);
      a.dataset.appPath = item.href;
      a.textContent = item.label;
      const itemPath = path;
      if (current === itemPath || (itemPath !== '/' && current.startsWith(`${itemPath}/`))) a.setAttribute('aria-current', 'page');
      li.append(a);
      list.append(li);
    }
  }

  /* ------------------------------------------------------- confirmation */

  let confirming = null;
  function confirmDialog({ heading, text, cancel, ok }) {
    if (confirming) return confirming;
    const dialog = $('sa-confirm');
    $('sa-confirm-heading').textContent = heading;
    $('sa-confirm-text').textContent = text;
    $('sa-confirm-cancel').textContent = cancel;
    $('sa-confirm-ok').textContent = ok;
    dialog.returnValue = '';
    confirming = new Promise((resolve) => {
      dialog.addEventListener('close', () => {
        confirming = null;
        resolve(dialog.returnValue === 'confirm');
      }, { once: true });
    });
    dialog.showModal();
    $('sa-confirm-cancel').focus();
    return confirming;
  }

  /** Resolves true when there is nothing unsaved or the merchant agrees to lose it. */
  async function mayLeave() {
    if (!state.saveBar.visible) return true;
    return confirmDialog({
      heading: 'Leave page with unsaved changes?',
      text: 'Leaving this page will delete all unsaved changes.',
      cancel: 'Stay',
      ok: 'Leave page',
    });
  }

  /* ---------------------------------------------------------- navigation */

  /** Loads an app path in the iframe with freshly signed parameters, as the admin does. */
  async function navigateApp(appPath, { push = true } = {}) {
    const response = await fetch(config.endpoints.appUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ path: appPath, user: config.user.id, locale: config.locale }),
    });
    if (!response.ok) {
      showToast({ id: `nav-${Date.now()}`, message: 'This page could not be opened', isError: true, duration: 5000 });
      return;
    }
    const { src } = await response.json();
    const { path, query } = appPathOf(new URL(appPath, config.appOrigin).href);
    if (push) history.pushState({ appPath }, '', adminUrl(path, query));
    clearPageState();
    state.navigating = true;
    renderLoading();
    frame.src = src;
  }

  document.addEventListener('click', async (event) => {
    const link = event.target.closest('a[data-sa-leave], a[data-app-path]');
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (!(await mayLeave())) return;
    if (link.dataset.appPath) navigateApp(link.dataset.appPath);
    else location.assign(link.href);
  });

  window.addEventListener('popstate', () => {
    navigateApp(currentAppPath(), { push: false });
  });

  /* ------------------------------------------------------------ save bar */

  function renderSaveBar() {
    const bar = state.saveBar;
    const el = $('sa-savebar');
    el.hidden = !bar.visible;
    document.body.classList.toggle('sa-unsaved', Boolean(bar.visible));
    if (!bar.visible) return;
    for (const [kind, id] of [['save', 'sa-savebar-save'], ['discard', 'sa-savebar-discard']]) {
      const button = $(id);
      const info = bar[kind] || {};
      button.textContent = info.label || (kind === 'save' ? 'Save' : 'Discard');
      button.disabled = Boolean(info.disabled || info.loading);
      if (info.loading) button.setAttribute('aria-busy', 'true');
      else button.removeAttribute('aria-busy');
    }
  }

  $('sa-savebar-save').addEventListener('click', () => post('saveBar:action', { action: 'save' }));
  $('sa-savebar-discard').addEventListener('click', async () => {
    if (state.saveBar.discardConfirmation) {
      const ok = await confirmDialog({
        heading: 'Discard all unsaved changes?',
        text: 'If you discard changes, you’ll delete any edits you made since you last saved.',
        cancel: 'Continue editing',
        ok: 'Discard changes',
      });
      if (!ok) return;
    }
    post('saveBar:action', { action: 'discard' });
  });

  /* --------------------------------------------------------------- toasts */

  const toasts = new Map();
  function hideToast(id, dismissed) {
    const entry = toasts.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.element.remove();
    toasts.delete(id);
    if (dismissed) post('toast:dismiss', { id });
  }

  function showToast({ id, message, isError, duration, action }) {
    hideToast(id, false);
    const element = document.createElement('div');
    element.className = `sa-toast${isError ? ' sa-toast-error' : ''}`;
    element.dataset.toastId = id;
    const text = document.createElement('span');
    text.className = 'sa-toast-message';
    text.textContent = message;
    element.append(text);
    if (action) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'sa-toast-action';
      button.textContent = action;
      button.addEventListener('click', () => post('toast:action', { id }));
      element.append(button);
    }
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'sa-toast-close';
    close.setAttribute('aria-label', 'Dismiss notification');
    close.textContent = '✕';
    close.addEventListener('click', () => hideToast(id, true));
    element.append(close);
    $('sa-toasts').append(element);
    const timer = setTimeout(() => hideToast(id, true), Math.max(1000, Number(duration) || 5000));
    toasts.set(id, { element, timer });
  }

  /* ---------------------------------------------------------------- modal */

  function renderModal() {
    $('sa-dim').hidden = !state.modalOpen;
    document.body.classList.toggle('sa-modal-open', state.modalOpen);
  }
  $('sa-dim').addEventListener('click', () => post('modal:dismiss'));

  /* ------------------------------------------------------ resource picker */

  const picker = {
    dialog: $('sa-picker'),
    selected: new Map(),
    products: new Map(),
    options: null,
    resolve: null,
    searchTimer: null,
  };

  function limitOf(multiple) {
    if (multiple === true) return Infinity;
    if (typeof multiple === 'number' && multiple > 0) return multiple;
    return 1;
  }

  async function loadProducts() {
    const { options } = picker;
    const search = $('sa-picker-query').value.trim();
    const q = [options.filter.query, search].filter(Boolean).join(' ');
    const list = $('sa-picker-list');
    list.setAttribute('aria-busy', 'true');
    let products = [];
    try {
      const response = await fetch(`${config.endpoints.products}?query=${encodeURIComponent(q)}`);
      products = response.ok ? (await response.json()).products : [];
    } catch (_) {
      products = [];
    }
    products = products.filter((p) => !(options.filter.draft === false && p.status === 'DRAFT')
      && !(options.filter.archived === false && p.status === 'ARCHIVED'));
    for (const p of products) picker.products.set(p.id, p);
    list.removeAttribute('aria-busy');
    renderPickerList(products);
  }

  function renderPickerList(products) {
    const list = $('sa-picker-list');
    const multiple = limitOf(picker.options.multiple) > 1;
    list.textContent = '';
    if (products.length === 0) {
      const empty = document.createElement('p');
      empty.className = 'sa-picker-empty';
      empty.textContent = 'No products found';
      list.append(empty);
    }
    for (const product of products) {
      const row = document.createElement('label');
      row.className = 'sa-picker-row';
      const input = document.createElement('input');
      input.type = multiple ? 'checkbox' : 'radio';
      input.name = 'sa-picker-product';
      input.value = product.id;
      input.checked = picker.selected.has(product.id);
      input.addEventListener('change', () => {
        if (!multiple) picker.selected.clear();
        if (input.checked) picker.selected.set(product.id, product);
        else picker.selected.delete(product.id);
        updatePickerCount();
      });
      const img = document.createElement('img');
      img.className = 'sa-thumb';
      img.src = product.images[0]?.originalSrc || '';
      img.alt = '';
      const title = document.createElement('span');
      title.className = 'sa-picker-title';
      title.textContent = product.title;
      const meta = document.createElement('span');
      meta.className = 'sa-picker-meta';
      meta.textContent = product.hasOnlyDefaultVariant ? '' : `${product.totalVariants} variant${product.totalVariants === 1 ? '' : 's'}`;
      row.append(input, img, title, meta);
      if (product.status !== 'ACTIVE') {
        const badge = document.createElement('span');
        badge.className = `sa-badge ${product.status === 'DRAFT' ? 'sa-badge-info' : ''}`;
        badge.textContent = product.status === 'DRAFT' ? 'Draft' : 'Archived';
        row.append(badge);
      }
      list.append(row);
    }
    updatePickerCount();
  }

  function updatePickerCount() {
    const limit = limitOf(picker.options.multiple);
    const count = picker.selected.size;
    $('sa-picker-count').textContent = count ? `${count} product${count === 1 ? '' : 's'} selected` : '';
    for (const input of $('sa-picker-list').querySelectorAll('input[type="checkbox"]')) {
      input.disabled = !input.checked && count >= limit;
    }
  }

  function openPicker(options, resolve) {
    if (picker.resolve) picker.resolve(undefined);
    picker.options = options;
    picker.resolve = resolve;
    picker.selected = new Map();
    for (const { id } of options.selectionIds || []) picker.selected.set(id, null);
    const verb = options.action === 'select' ? 'Select' : 'Add';
    $('sa-picker-heading').textContent = `${verb} ${options.type === 'variant' ? 'variants' : 'products'}`;
    $('sa-picker-select').textContent = verb;
    $('sa-picker-query').value = options.query || '';
    picker.dialog.showModal();
    $('sa-picker-query').focus();
    loadProducts().then(async () => {
      // Preselected products not on the first page still count.
      for (const id of picker.selected.keys()) {
        if (!picker.products.has(id)) picker.selected.delete(id);
        else picker.selected.set(id, picker.products.get(id));
      }
      updatePickerCount();
    });
  }

  function closePicker(result) {
    const resolve = picker.resolve;
    picker.resolve = null;
    if (picker.dialog.open) picker.dialog.close();
    resolve?.(result);
  }

  $('sa-picker-query').addEventListener('input', () => {
    clearTimeout(picker.searchTimer);
    picker.searchTimer = setTimeout(loadProducts, 150);
  });
  $('sa-picker-query').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') event.preventDefault();
  });
  $('sa-picker-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const selection = [...picker.selected.keys()].map((id) => picker.products.get(id)).filter(Boolean);
    closePicker(selection);
  });
  $('sa-picker-cancel').addEventListener('click', () => closePicker(undefined));
  $('sa-picker-close').addEventListener('click', () => closePicker(undefined));
  picker.dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    closePicker(undefined);
  });

  /* -------------------------------------------------------- page lifetime */

  let currentPage = null;
  function clearPageState() {
    state.page = null;
    state.saveBar = { visible: false };
    state.modalOpen = false;
    state.loadingRequests = 0;
    renderTitle();
    renderSaveBar();
    renderModal();
    renderLoading();
  }

  /* -------------------------------------------------------------- messages */

  async function sessionToken() {
    const response = await fetch(config.endpoints.sessionToken, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: config.user.id }),
    });
    if (!response.ok) throw new Error(`session token: HTTP ${response.status}`);
    return (await response.json()).idToken;
  }

  const handlers = {
    handshake(payload, message) {
      if (message.page !== currentPage) {
        currentPage = message.page;
        clearPageState();
        state.navigating = false;
        renderLoading();
      }
      reply(message.id, true, { shop: config.shop, host: config.host, locale: config.locale });
    },
    unload() {
      clearPageState();
      state.navigating = true;
      renderLoading();
    },
    location({ href }) {
      const { path, query, hash } = appPathOf(href);
      const target = adminUrl(path, query, hash);
      if (`${location.pathname}${location.search}${location.hash}` !== target) {
        history.replaceState({ appPath: `${path}${query ? `?${query}` : ''}` }, '', target);
      }
      renderNav();
    },
    title(payload) {
      state.page = payload;
      renderTitle();
    },
    nav({ items }) {
      state.nav = Array.isArray(items) ? items : [];
      renderNav();
    },
    async idToken(payload, message) {
      try {
        reply(message.id, true, { idToken: await sessionToken() });
      } catch (error) {
        reply(message.id, false, error.message);
      }
    },
    user(payload, message) {
      reply(message.id, true, config.user);
    },
    toast(payload) {
      showToast(payload);
    },
    'toast:hide'({ id }) {
      hideToast(id, false);
    },
    loading({ on }) {
      state.loadingRequests = on ? 1 : 0;
      renderLoading();
    },
    saveBar(payload) {
      state.saveBar = payload && payload.visible ? payload : { visible: false };
      renderSaveBar();
    },
    async leaveConfirmation(payload, message) {
      if (await mayLeave()) reply(message.id, true, null);
      // When the merchant stays, the promise stays pending: the navigation must not happen.
    },
    modal({ open }) {
      state.modalOpen = Boolean(open);
      renderModal();
    },
    resourcePicker(options, message) {
      openPicker(options, (result) => reply(message.id, true, result ?? null));
    },
    async 'navigate:admin'({ path }) {
      if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//')) return;
      if (await mayLeave()) location.assign(`${config.adminBase}${path}`);
    },
    redirect({ url }) {
      try {
        const target = new URL(url);
        if (target.protocol === 'http:' || target.protocol === 'https:') window.location.assign(target.href);
      } catch (_) {
        /* not a URL: ignored */
      }
    },
  };

  window.addEventListener('message', (event) => {
    if (event.origin !== config.appOrigin || event.source !== frame.contentWindow) return;
    const message = event.data;
    if (!message || message.source !== SOURCE || typeof message.type !== 'string') return;
    if (message.type !== 'handshake' && currentPage && message.page && message.page !== currentPage) return;
    const handler = Object.prototype.hasOwnProperty.call(handlers, message.type) ? handlers[message.type] : null;
    if (handler) handler(message.payload || {}, message);
  });

  history.replaceState({ appPath: currentAppPath() }, '', location.href);
  renderTitle();
  renderLoading();
})();
