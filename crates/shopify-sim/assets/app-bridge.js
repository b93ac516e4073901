/*
 * App Bridge — the Shopify simulator's offline stand-in for
 * https://cdn.shopify.com/shopifycloud/app-bridge.js.
 *
 * Runs inside the app's iframe and talks to the simulator's admin frame with postMessage (the
 * admin's origin is the origin this script was loaded from). What the page sees is App Bridge's
 * documented API, never the messages: the `shopify` global (config, ready, idToken, fetch,
 * toast, loading, saveBar, modal, resourcePicker, user, environment, origin) and the elements
 * `s-app-nav`, `ui-nav-menu`, `ui-title-bar`, `ui-save-bar`, `ui-modal`, plus the title of
 * `s-page`, `<form data-save-bar>` and the `shopify-reload` bounce.
 * Plain ES2020, no dependencies, no build step.
 */
(() => {
  'use strict';
  if (window.shopify && window.shopify.__simulator) return;

  const SOURCE = 'shopify-sim-app-bridge';
  const CONFIG_KEY = 'shopify-sim-app-bridge-config';
  const RESERVED = ['embedded', 'host', 'id_token', 'locale', 'session', 'shop', 'timestamp', 'hmac', 'shopify-reload'];

  const script = document.currentScript;
  const scriptOrigin = script && script.src ? new URL(script.src, location.href).origin : null;
  const referrerOrigin = document.referrer ? new URL(document.referrer).origin : null;
  /** The admin frame's origin: where this script came from (the simulator plays the CDN). */
  const adminOrigin = scriptOrigin && scriptOrigin !== location.origin ? scriptOrigin : referrerOrigin || scriptOrigin;

  const embedded = (() => {
    try {
      return window.top !== window.self;
    } catch (_) {
      return true;
    }
  })();

  const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';
  const list = (text) => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);

  /* ------------------------------------------------------------------ config */

  const query = new URLSearchParams(location.search);
  let stored = {};
  try {
    stored = JSON.parse(sessionStorage.getItem(CONFIG_KEY) || '{}');
  } catch (_) {
    stored = {};
  }
  const config = {
    apiKey: meta('shopify-api-key') || script?.dataset.apiKey || '',
    shop: query.get('shop') || stored.shop || undefined,
    host: query.get('host') || stored.host || undefined,
    locale: query.get('locale') || stored.locale || 'en',
    disabledFeatures: list(meta('shopify-disabled-features')),
    appOrigins: list(meta('shopify-app-origins')),
  };
  const remember = () => {
    try {
      sessionStorage.setItem(CONFIG_KEY, JSON.stringify({ shop: config.shop, host: config.host, locale: config.locale }));
    } catch (_) {
      /* storage may be blocked in a third-party iframe */
    }
  };
  remember();
  const disabled = (feature) => config.disabledFeatures.includes(feature);

  // Loaded outside the admin: open the same page inside it (App Bridge's auto-redirect).
  if (!embedded && config.shop && config.apiKey && adminOrigin && !disabled('auto-redirect')) {
    const params = new URLSearchParams(location.search);
    for (const name of RESERVED) params.delete(name);
    if (config.locale && config.locale !== 'en') params.set('locale', config.locale);
    const rest = params.toString();
    const path = location.pathname === '/' ? '' : location.pathname;
    location.replace(`${adminOrigin}/store/${config.shop}/admin/apps/${config.apiKey}${path}${rest ? `?${rest}` : ''}`);
    return;
  }

  /* ------------------------------------------------------------- messaging */

  let nextId = 0;
  const pending = new Map();
  const handlers = new Map();
  const pageToken = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  let connected = false;
  let resolveReady;
  const ready = new Promise((resolve) => {
    resolveReady = resolve;
  });
  const outbox = [];

  function post(type, payload = {}, id) {
    const message = { source: SOURCE, type, id, page: pageToken, payload };
    if (!embedded || !adminOrigin) return;
    if (!connected && type !== 'handshake') {
      outbox.push(message);
      return;
    }
    window.parent.postMessage(message, adminOrigin);
  }

  /** Sends a request the admin answers; resolves with its result. */
  function request(type, payload = {}, { timeout = 0 } = {}) {
    if (!embedded) return Promise.reject(new Error(`shopify.${type} needs the Shopify admin`));
    const id = `r${++nextId}`;
    return new Promise((resolve, reject) => {
      const entry = { resolve, reject, timer: null };
      if (timeout) {
        entry.timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`The Shopify admin did not answer ${type}`));
        }, timeout);
      }
      pending.set(id, entry);
      post(type, payload, id);
    });
  }

  window.addEventListener('message', (event) => {
    if (event.source !== window.parent || event.origin !== adminOrigin) return;
    const message = event.data;
    if (!message || message.source !== SOURCE) return;
    if (message.type === 'response') {
      const entry = pending.get(message.id);
      if (!entry) return;
      pending.delete(message.id);
      clearTimeout(entry.timer);
      if (message.ok) entry.resolve(message.result);
      else entry.reject(new Error(message.error || 'The Shopify admin refused the request'));
      return;
    }
    const handler = handlers.get(message.type);
    if (handler) handler(message.payload || {});
  });

  function handshake() {
    if (!embedded || !adminOrigin) {
      resolveReady();
      return;
    }
    const id = `h${++nextId}`;
    let tries = 0;
    const attempt = () => {
      if (connected) return;
      tries += 1;
      window.parent.postMessage({ source: SOURCE, type: 'handshake', id, page: pageToken, payload: { href: location.href } }, adminOrigin);
      if (tries < 60) setTimeout(attempt, 250);
    };
    pending.set(id, {
      resolve(result) {
        if (connected) return;
        connected = true;
        Object.assign(config, { shop: result.shop, host: result.host, locale: result.locale });
        remember();
        for (const message of outbox.splice(0)) window.parent.postMessage(message, adminOrigin);
        resolveReady();
      },
      reject() {},
      timer: null,
    });
    attempt();
  }

  /* -------------------------------------------------------------- id token */

  function idToken() {
    return request('idToken', {}, { timeout: 10000 }).then((result) => result.idToken);
  }

  /* ------------------------------------------------------------------ fetch */

  /** The app's own origin and its subdomains, and the origins listed in shopify-app-origins. */
  function authenticatedOrigin(url) {
    if (url.origin === location.origin) return true;
    if (config.appOrigins.includes(url.origin)) return true;
    return url.protocol === location.protocol && url.hostname.endsWith(`.${location.hostname}`);
  }

  if (!disabled('fetch')) {
    const nativeFetch = window.fetch.bind(window);
    window.fetch = async function fetch(input, init) {
      const original = new Request(input, init);
      const url = new URL(original.url, location.href);
      if (!embedded || !authenticatedOrigin(url)) return nativeFetch(original);
      const ours = !original.headers.has('Authorization');
      const send = async (base) => {
        const attempt = base.clone();
        const headers = new Headers(attempt.headers);
        if (ours) headers.set('Authorization', `Bearer ${await idToken()}`);
        if (!headers.has('Accept-Language') && config.locale) headers.set('Accept-Language', config.locale);
        return nativeFetch(new Request(attempt, { headers }));
      };
      let response = await send(original);
      if (ours && response.status === 401 && response.headers.get('X-Shopify-Retry-Invalid-Session-Request') === '1') {
        response = await send(original);
      }
      const reauthorize = response.headers.get('X-Shopify-API-Request-Failure-Reauthorize-Url');
      if (reauthorize && response.headers.get('X-Shopify-API-Request-Failure-Reauthorize') === '1') {
        post('redirect', { url: new URL(reauthorize, location.href).href });
      }
      return response;
    };
  }

  /* ------------------------------------------------------------------ toast */

  let toastSeq = 0;
  const toastCallbacks = new Map();
  const toast = {
    show(message, options = {}) {
      const id = `toast-${++toastSeq}`;
      toastCallbacks.set(id, { onAction: options.onAction, onDismiss: options.onDismiss });
      post('toast', {
        id,
        message: String(message),
        isError: Boolean(options.isError),
        duration: Number.isFinite(options.duration) ? Number(options.duration) : 5000,
        action: options.action ? String(options.action) : null,
      });
      return id;
    },
    hide(id) {
      post('toast:hide', { id });
    },
  };
  handlers.set('toast:action', ({ id }) => toastCallbacks.get(id)?.onAction?.());
  handlers.set('toast:dismiss', ({ id }) => {
    toastCallbacks.get(id)?.onDismiss?.();
    toastCallbacks.delete(id);
  });

  /* ---------------------------------------------------------------- loading */

  function loading(isLoading = true) {
    post('loading', { on: Boolean(isLoading) });
  }

  /* --------------------------------------------------------- title and nav */

  const text = (el) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
  let titleActions = [];
  let lastTitle = '';

  function actionOf(el, role) {
    const variant = el.getAttribute('variant');
    return {
      label: text(el) || el.getAttribute('accessibilityLabel') || el.getAttribute('aria-label') || '',
      role,
      primary: role === 'primary' || variant === 'primary',
      critical: el.getAttribute('tone') === 'critical',
      disabled: el.hasAttribute('disabled') && el.getAttribute('disabled') !== 'false',
      loading: el.hasAttribute('loading') && el.getAttribute('loading') !== 'false',
    };
  }

  function outsideModal(el) {
    return !el.closest('ui-modal, s-modal, s-app-window');
  }

  /** The admin's title bar: `ui-title-bar[title]`, else `s-page[heading]`, else document.title. */
  function collectTitle() {
    const bar = [...document.querySelectorAll('ui-title-bar')].find(outsideModal);
    const page = document.querySelector('s-page');
    const actions = [];
    titleActions = [];
    const add = (el, role) => {
      titleActions.push(el);
      actions.push({ key: titleActions.length - 1, ...actionOf(el, role) });
    };
    let title = '';
    if (bar) {
      title = bar.getAttribute('title') || '';
      for (const child of bar.children) {
        if (child.localName === 'section') {
          for (const inner of child.querySelectorAll('button, a')) add(inner, 'secondary');
        } else if (child.localName === 'button' || child.localName === 'a') {
          const variant = child.getAttribute('variant');
          add(child, variant === 'breadcrumb' ? 'breadcrumb' : variant === 'primary' ? 'primary' : 'secondary');
        }
      }
    }
    if (!title && page) title = page.getAttribute('heading') || '';
    if (page && !bar) {
      for (const child of page.children) {
        const slot = child.getAttribute('slot');
        if (slot === 'breadcrumb-actions') add(child, 'breadcrumb');
        else if (slot === 'secondary-actions') {
          if (child.localName === 's-button-group') for (const b of child.children) add(b, 'secondary');
          else add(child, 'secondary');
        } else if (slot === 'primary-action') add(child, 'primary');
      }
    }
    if (!title) title = document.title || '';
    return { title, actions };
  }

  /** `s-app-nav` (or `ui-nav-menu`) links, as app paths. */
  function collectNav() {
    const nav = document.querySelector('s-app-nav, ui-nav-menu');
    if (!nav) return null;
    const items = [];
    for (const link of nav.querySelectorAll('s-link, a')) {
      const href = link.getAttribute('href');
      if (!href) continue;
      const url = new URL(href, location.href);
      if (url.origin !== location.origin) continue;
      items.push({ label: text(link), href: url.pathname + url.search, home: link.getAttribute('rel') === 'home' });
    }
    return items;
  }

  let lastNav = '';
  let scheduled = false;
  function publishPage() {
    scheduled = false;
    const title = collectTitle();
    const titleJson = JSON.stringify(title);
    if (titleJson !== lastTitle) {
      lastTitle = titleJson;
      post('title', title);
    }
    const nav = collectNav();
    const navJson = JSON.stringify(nav);
    if (nav && navJson !== lastNav) {
      lastNav = navJson;
      post('nav', { items: nav });
    }
    publishSaveBar();
  }
  function schedulePublish() {
    if (scheduled) return;
    scheduled = true;
    setTimeout(publishPage, 30);
  }
  handlers.set('titleBar:action', ({ key }) => {
    const el = titleActions[key];
    if (!el) return;
    const inner = el.localName.startsWith('s-') ? el.shadowRoot?.querySelector('a[href]') : null;
    (inner || el).click();
  });

  /* ------------------------------------------------------------ window.open */

  // As App Bridge does: `open(url, '_top')` (or `'_parent'`) leaves the admin's iframe and
  // loads `url` in the merchant's whole window, e.g. Shopify's charge confirmation page.
  const nativeOpen = window.open.bind(window);
  window.open = function open(url, target, features) {
    if ((target === '_top' || target === '_parent') && url != null && embedded) {
      post('redirect', { url: new URL(String(url), location.href).href });
      return null;
    }
    return nativeOpen(url, target, features);
  };

  /* ---------------------------------------------------------- location sync */

  function publishLocation() {
    post('location', { href: location.pathname + location.search + location.hash });
  }
  for (const method of ['pushState', 'replaceState']) {
    const original = history[method].bind(history);
    history[method] = function patched(...args) {
      const result = original(...args);
      publishLocation();
      return result;
    };
  }
  window.addEventListener('popstate', publishLocation);
  window.addEventListener('hashchange', publishLocation);

  /* --------------------------------------------------------------- save bar */

  /** Snapshot of a form's values, comparable as a string (files by name, size and date). */
  function snapshot(form) {
    const entries = [];
    for (const [name, value] of new FormData(form)) {
      entries.push([name, typeof value === 'string' ? value : `file:${value.name}:${value.size}:${value.lastModified}`]);
    }
    return JSON.stringify(entries);
  }

  const forms = new Map();
  function trackForm(form) {
    if (forms.has(form)) return;
    const state = { initial: snapshot(form), touched: false, dirty: false };
    forms.set(form, state);
    const check = () => {
      state.touched = true;
      state.dirty = snapshot(form) !== state.initial;
      publishSaveBar();
    };
    form.addEventListener('input', check);
    form.addEventListener('change', check);
    const settle = () => setTimeout(() => {
      state.initial = snapshot(form);
      state.dirty = false;
      publishSaveBar();
    }, 0);
    form.addEventListener('submit', settle);
    form.addEventListener('reset', settle);
    // Polaris fields upgraded after the snapshot (an async script) change the form's values
    // without the merchant: take the snapshot again while nothing was typed.
    const pendingTags = [...new Set([...form.querySelectorAll('*')].map((e) => e.localName)
      .filter((n) => n.includes('-') && !customElements.get(n)))];
    Promise.all(pendingTags.map((t) => customElements.whenDefined(t))).then(() => {
      if (!state.touched) state.initial = snapshot(form);
    });
  }
  function scanForms() {
    for (const form of document.querySelectorAll('form[data-save-bar]')) trackForm(form);
    for (const form of forms.keys()) {
      if (!form.isConnected) forms.delete(form);
    }
  }

  const shownBars = [];
  let lastSaveBar = '';
  function buttonsOf(bar) {
    const buttons = [...bar.querySelectorAll('button')];
    const save = buttons.find((b) => b.getAttribute('variant') === 'primary');
    const discard = buttons.find((b) => b !== save);
    return { save, discard };
  }
  function buttonState(button, fallback) {
    return {
      label: text(button) || fallback,
      disabled: Boolean(button?.disabled),
      loading: Boolean(button && button.hasAttribute('loading') && button.getAttribute('loading') !== 'false'),
    };
  }

  function currentSaveBar() {
    const bar = shownBars[shownBars.length - 1];
    if (bar) {
      const { save, discard } = buttonsOf(bar);
      return {
        visible: true,
        kind: 'element',
        id: bar.id,
        discardConfirmation: bar.discardConfirmation,
        save: buttonState(save, 'Save'),
        discard: buttonState(discard, 'Discard'),
      };
    }
    const dirty = [...forms].filter(([form, s]) => s.dirty && form.isConnected).map(([form]) => form);
    if (dirty.length) {
      return {
        visible: true,
        kind: 'form',
        id: dirty[0].id || null,
        discardConfirmation: dirty.some((f) => f.hasAttribute('data-discard-confirmation')),
        save: { label: 'Save', disabled: false, loading: false },
        discard: { label: 'Discard', disabled: false, loading: false },
      };
    }
    return { visible: false };
  }

  function publishSaveBar() {
    const state = currentSaveBar();
    const json = JSON.stringify(state);
    if (json === lastSaveBar) return;
    lastSaveBar = json;
    post('saveBar', state);
  }

  handlers.set('saveBar:action', ({ action }) => {
    const bar = shownBars[shownBars.length - 1];
    if (bar) {
      const { save, discard } = buttonsOf(bar);
      (action === 'save' ? save : discard)?.click();
      return;
    }
    for (const [form, state] of forms) {
      if (!state.dirty || !form.isConnected) continue;
      if (action === 'save') form.requestSubmit();
      else form.reset();
    }
  });

  function anySaveBar() {
    return currentSaveBar().visible;
  }

  const saveBarApi = {
    show(id) {
      const el = document.getElementById(id);
      return el?.show ? el.show() : Promise.reject(new Error(`No ui-save-bar with id ${id}`));
    },
    hide(id) {
      const el = document.getElementById(id);
      return el?.hide ? el.hide() : Promise.resolve();
    },
    toggle(id) {
      const el = document.getElementById(id);
      return el?.toggle ? el.toggle() : Promise.reject(new Error(`No ui-save-bar with id ${id}`));
    },
    /** Resolves once the merchant agrees to leave, or at once when nothing is unsaved. */
    leaveConfirmation() {
      if (!anySaveBar()) return Promise.resolve();
      return request('leaveConfirmation').then(() => undefined);
    },
  };

  class UISaveBar extends HTMLElement {
    constructor() {
      super();
      this._observer = new MutationObserver(() => publishSaveBar());
    }

    connectedCallback() {
      this._observer.observe(this, { subtree: true, childList: true, attributes: true, characterData: true });
    }

    disconnectedCallback() {
      this._observer.disconnect();
      const i = shownBars.indexOf(this);
      if (i >= 0) {
        shownBars.splice(i, 1);
        publishSaveBar();
      }
    }

    get showing() {
      return shownBars.includes(this);
    }

    get discardConfirmation() {
      return this.hasAttribute('discardconfirmation') && this.getAttribute('discardconfirmation') !== 'false';
    }

    set discardConfirmation(v) {
      this.toggleAttribute('discardconfirmation', Boolean(v));
    }

    show() {
      if (!this.showing) {
        shownBars.push(this);
        this.dispatchEvent(new Event('show'));
      }
      publishSaveBar();
      return Promise.resolve();
    }

    hide() {
      const i = shownBars.indexOf(this);
      if (i >= 0) {
        shownBars.splice(i, 1);
        this.dispatchEvent(new Event('hide'));
      }
      publishSaveBar();
      return Promise.resolve();
    }

    toggle() {
      return this.showing ? this.hide() : this.show();
    }
  }

  /* ----------------------------------------------------------------- modals */

  const openModals = new Set();
  function modalChanged() {
    post('modal', { open: openModals.size > 0 });
  }
  document.addEventListener('show', (event) => {
    const t = event.target;
    if (t && (t.localName === 's-modal' || t.localName === 'ui-modal')) {
      openModals.add(t);
      modalChanged();
    }
  }, true);
  document.addEventListener('hide', (event) => {
    const t = event.target;
    if (t && openModals.delete(t)) modalChanged();
  }, true);
  handlers.set('modal:dismiss', () => {
    const last = [...openModals].pop();
    if (last) last.hideOverlay ? last.hideOverlay() : last.hide?.();
  });

  const modalApi = {
    show(id) {
      const el = document.getElementById(id);
      if (!el) return Promise.reject(new Error(`No modal with id ${id}`));
      if (el.showOverlay) el.showOverlay();
      else el.show?.();
      return Promise.resolve();
    },
    hide(id) {
      const el = document.getElementById(id);
      if (el?.hideOverlay) el.hideOverlay();
      else el?.hide?.();
      return Promise.resolve();
    },
    toggle(id) {
      const el = document.getElementById(id);
      if (!el) return Promise.reject(new Error(`No modal with id ${id}`));
      if (el.toggleOverlay) el.toggleOverlay();
      else el.toggle?.();
      return Promise.resolve();
    },
  };

  const MODAL_CSS = `
:host { display: contents; }
dialog { padding: 0; border: 0; border-radius: 16px; width: min(620px, calc(100vw - 32px)); max-height: calc(100vh - 64px);
  overflow: hidden; color: #303030; background: #fff; box-shadow: 0 20px 20px -8px rgba(26,26,26,.28);
  font-family: -apple-system, BlinkMacSystemFont, "San Francisco", "Segoe UI", Roboto, "Helvetica Neue", sans-serif; font-size: 13px; }
dialog[open] { display: flex; flex-direction: column; }
dialog::backdrop { background: rgba(0,0,0,.5); }
dialog.small { width: min(380px, calc(100vw - 32px)); }
dialog.large { width: min(980px, calc(100vw - 32px)); }
dialog.max { width: calc(100vw - 32px); height: calc(100vh - 32px); max-height: none; }
header { display: flex; align-items: center; padding: 12px 12px 12px 16px; background: #f3f3f3; border-bottom: 1px solid #e3e3e3; }
h2 { flex: 1; margin: 0; font-size: 14px; font-weight: 650; }
.close { border: 0; background: transparent; width: 28px; height: 28px; border-radius: 8px; cursor: pointer; font-size: 16px; color: #303030; }
.close:hover { background: rgba(0,0,0,.06); }
.body { padding: 16px; overflow: auto; flex: 1; }
.body.framed { padding: 0; }
iframe { border: 0; width: 100%; height: 60vh; display: block; }
footer { display: flex; justify-content: flex-end; gap: 8px; padding: 12px 16px; border-top: 1px solid #e3e3e3; }
footer button { border: 0; border-radius: 8px; padding: 6px 12px; font: inherit; font-size: 12px; font-weight: 550; cursor: pointer;
  background: #fff; color: #303030; box-shadow: 0 -1px 0 0 #b5b5b5 inset, 0 0 0 1px rgba(0,0,0,.1) inset; }
footer button.primary { background: #303030; color: #fff; box-shadow: none; }
footer button.critical { color: #8e0b21; }
footer button.primary.critical { background: #c70a24; color: #fff; }
footer button:disabled { background: #f0f0f0; color: #8a8a8a; box-shadow: none; }
:focus-visible { outline: 2px solid #005bd3; outline-offset: 1px; }`;

  /** `ui-modal`: content children, or `src` in an iframe; its `ui-title-bar` gives the heading and buttons. */
  class UIModal extends HTMLElement {
    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = `<style>${MODAL_CSS}</style><dialog aria-labelledby="h"><header><h2 id="h"></h2>
<button type="button" class="close" aria-label="Close">✕</button></header><div class="body"><slot></slot></div><footer></footer></dialog>`;
      this._dialog = root.querySelector('dialog');
      root.querySelector('.close').addEventListener('click', () => this.hide());
      this._dialog.addEventListener('cancel', (event) => {
        event.preventDefault();
        this.hide();
      });
      this._observer = new MutationObserver(() => this.render());
    }

    connectedCallback() {
      this._observer.observe(this, { subtree: true, childList: true, attributes: true, characterData: true });
      this.render();
    }

    disconnectedCallback() {
      this._observer.disconnect();
      if (this._dialog.open) this.hide();
    }

    render() {
      const root = this.shadowRoot;
      const bar = this.querySelector('ui-title-bar');
      root.querySelector('h2').textContent = bar?.getAttribute('title') || '';
      this._dialog.className = this.getAttribute('variant') || 'base';
      const footer = root.querySelector('footer');
      footer.textContent = '';
      const buttons = bar ? [...bar.querySelectorAll('button')] : [];
      for (const source of buttons.reverse().sort((a, b) => (a.getAttribute('variant') === 'primary') - (b.getAttribute('variant') === 'primary'))) {
        const proxy = document.createElement('button');
        proxy.type = 'button';
        proxy.textContent = text(source);
        if (source.getAttribute('variant') === 'primary') proxy.classList.add('primary');
        if (source.getAttribute('tone') === 'critical') proxy.classList.add('critical');
        proxy.disabled = source.disabled;
        proxy.addEventListener('click', () => source.click());
        footer.append(proxy);
      }
      footer.hidden = buttons.length === 0;
      const body = root.querySelector('.body');
      const src = this.getAttribute('src');
      let frame = body.querySelector('iframe');
      if (src) {
        if (!frame) {
          frame = document.createElement('iframe');
          frame.title = bar?.getAttribute('title') || 'Modal content';
          body.textContent = '';
          body.append(frame);
        }
        const url = new URL(src, location.href);
        if (frame.getAttribute('src') !== url.href) frame.src = url.href;
        body.classList.add('framed');
      } else if (frame) {
        body.innerHTML = '<slot></slot>';
        body.classList.remove('framed');
      }
    }

    get content() {
      return [...this.children].find((c) => c.localName !== 'ui-title-bar' && c.localName !== 'ui-save-bar') || null;
    }

    get contentWindow() {
      return this.shadowRoot.querySelector('iframe')?.contentWindow ?? null;
    }

    get src() {
      return this.getAttribute('src') || '';
    }

    set src(v) {
      this.setAttribute('src', v);
    }

    get variant() {
      return this.getAttribute('variant') || 'base';
    }

    set variant(v) {
      this.setAttribute('variant', v);
    }

    show() {
      if (!this._dialog.open) {
        this.dispatchEvent(new Event('show'));
        this._dialog.showModal();
      }
      return Promise.resolve();
    }

    hide() {
      if (this._dialog.open) {
        this.dispatchEvent(new Event('hide'));
        this._dialog.close();
      }
      return Promise.resolve();
    }

    toggle() {
      return this._dialog.open ? this.hide() : this.show();
    }

    // The same methods as s-modal, so commandFor buttons and shopify.modal treat both alike.
    showOverlay() {
      return this.show();
    }

    hideOverlay() {
      return this.hide();
    }

    toggleOverlay() {
      return this.toggle();
    }
  }

  /** Elements that only carry data for the admin: hidden, observed for changes. */
  class DataElement extends HTMLElement {
    connectedCallback() {
      this.hidden = true;
      schedulePublish();
    }

    disconnectedCallback() {
      schedulePublish();
    }
  }

  class UITitleBar extends DataElement {
    get title() {
      return this.getAttribute('title') || '';
    }

    set title(v) {
      this.setAttribute('title', v);
    }
  }

  /* --------------------------------------------------------- resource picker */

  const PICKABLE = ['product', 'variant'];

  function resourcePicker(options = {}) {
    const type = options.type || 'product';
    if (!PICKABLE.includes(type)) {
      return Promise.reject(new Error(`The simulator's resource picker offers ${PICKABLE.join(' and ')}, not ${type}`));
    }
    const filter = options.filter || {};
    return request('resourcePicker', {
      type,
      action: options.action === 'select' ? 'select' : 'add',
      multiple: options.multiple === undefined ? false : options.multiple,
      query: options.query || '',
      filter: {
        query: filter.query || '',
        draft: filter.draft,
        archived: filter.archived,
        hidden: filter.hidden,
        variants: filter.variants,
      },
      selectionIds: (options.selectionIds || []).map((s) => ({ id: s.id, variants: (s.variants || []).map((v) => ({ id: v.id })) })),
    }).then((selection) => {
      if (!selection) return undefined;
      const result = type === 'variant'
        ? selection.flatMap((p) => p.variants.map((v) => ({ ...v, product: { id: p.id, title: p.title, handle: p.handle, images: p.images } })))
        : selection;
      Object.defineProperty(result, 'selection', { value: result, enumerable: false });
      return result;
    });
  }

  /* -------------------------------------------------------- link handling */

  /** The anchor a click would follow, looking into open shadow roots (s-link, s-button). */
  function anchorOf(event) {
    for (const node of event.composedPath()) {
      if (node instanceof HTMLAnchorElement && node.hasAttribute('href')) return node;
    }
    return null;
  }

  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = anchorOf(event);
    if (!anchor) return;
    const raw = anchor.getAttribute('href');
    if (/^shopify:\/?\/?admin/i.test(raw)) {
      // shopify://admin/… opens that page of the admin.
      event.preventDefault();
      const path = raw.replace(/^shopify:\/?\/?admin/i, '') || '/';
      post('navigate:admin', { path });
      return;
    }
    const target = anchor.getAttribute('target');
    if (target && target !== '_self') return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || !anySaveBar()) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
    // Leaving a page with unsaved changes asks first.
    event.preventDefault();
    saveBarApi.leaveConfirmation().then(() => location.assign(url.href));
  }, false);

  /* ----------------------------------------------------------------- global */

  const shopify = {
    __simulator: true,
    config,
    origin: adminOrigin,
    ready,
    environment: { embedded, mobile: false, pos: false, intent: false },
    idToken,
    loading,
    toast,
    saveBar: saveBarApi,
    modal: modalApi,
    resourcePicker,
    user: () => request('user'),
  };
  Object.defineProperty(window, 'shopify', { value: shopify, configurable: true, writable: false });

  customElements.get('ui-save-bar') || customElements.define('ui-save-bar', UISaveBar);
  customElements.get('ui-modal') || customElements.define('ui-modal', UIModal);
  customElements.get('ui-title-bar') || customElements.define('ui-title-bar', UITitleBar);
  customElements.get('s-app-nav') || customElements.define('s-app-nav', class extends DataElement {});
  customElements.get('ui-nav-menu') || customElements.define('ui-nav-menu', class extends DataElement {});

  /* -------------------------------------------------------------- start-up */

  handshake();

  // The bounce page: get a fresh id_token and load the page it names (`shopify-reload`).
  const reload = query.get('shopify-reload');
  if (reload && embedded) {
    const target = new URL(reload, location.href);
    if (target.origin === location.origin) {
      ready.then(idToken).then((token) => {
        target.searchParams.set('id_token', token);
        location.replace(target.href);
      }).catch(() => {});
    }
  }

  function start() {
    scanForms();
    publishLocation();
    publishPage();
    const observer = new MutationObserver((records) => {
      if (records.some((r) => [...r.addedNodes].some((n) => n.nodeType === 1 && (n.matches?.('form[data-save-bar]') || n.querySelector?.('form[data-save-bar]'))))) {
        scanForms();
      }
      schedulePublish();
    });
    observer.observe(document.documentElement, {
      subtree: true, childList: true, characterData: true, attributes: true,
      attributeFilter: ['heading', 'title', 'slot', 'disabled', 'loading', 'variant', 'tone', 'href', 'rel', 'data-save-bar'],
    });
    window.addEventListener('pagehide', () => post('unload'));
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
})();
