/*
 * Polaris web components — the Shopify simulator's offline stand-in for
 * https://cdn.shopify.com/shopifycloud/polaris-1.js.
 *
 * Implements the subset of Shopify's Polaris web components (App Home) that Gridprice uses, with
 * the tag and attribute names of the published manifest (@shopify/polaris-types 1.1.0,
 * custom-elements.json). Every `define('s-…', Class, [attributes])` call below lists the
 * attributes an element reads; a test checks each against that manifest, so the stand-in never
 * invents a name. Plain ES2020, no dependencies, no build step.
 *
 * Behaviour followed (shopify.dev, "Polaris web components" pages of App Home): fields are
 * form-associated (value submitted under `name`, reset restores the `value` attribute, native
 * constraint validation), fire bubbling `input` and `change` events, and show `label`, `details`
 * and `error`; buttons submit or reset their form (`type`), follow `href`, and open or close an
 * overlay with `commandFor` + `command`; `s-modal` opens with `showOverlay()` or a command.
 */
(() => {
  'use strict';
  if (window.customElements.get('s-page')) return;

  const EMBEDDED = (() => {
    try {
      return window.top !== window.self;
    } catch (_) {
      return true;
    }
  })();

  /* ------------------------------------------------------------------ styles */

  const DOCUMENT_CSS = `
:root {
  --p-font: -apple-system, BlinkMacSystemFont, "San Francisco", "Segoe UI", Roboto, "Helvetica Neue", sans-serif;
  --p-text: #303030; --p-text-subdued: #616161; --p-bg: #f1f1f1; --p-surface: #ffffff;
  --p-surface-subdued: #f7f7f7; --p-border: #e3e3e3; --p-border-subdued: #ebebeb;
  --p-input-border: #8a8a8a; --p-focus: #005bd3; --p-link: #005bd3;
  --p-critical: #8e0b21; --p-critical-fill: #c70a24; --p-critical-surface: #fee9e8;
  --p-success: #0c5132; --p-success-surface: #cdfee1; --p-warning: #5e4200; --p-warning-surface: #fff1e3;
  --p-info: #00527c; --p-info-surface: #eaf4ff; --p-caution: #4f4700; --p-caution-surface: #fff9cf;
}
:where(body) { margin: 0; background: var(--p-bg); color: var(--p-text); font-family: var(--p-font);
  font-size: 13px; line-height: 20px; -webkit-font-smoothing: antialiased; }
:where(s-modal, s-popover, s-menu, s-tooltip):not(:defined) { display: none; }
:where(s-app-nav, ui-save-bar, ui-title-bar, ui-modal) { display: none; }
`;

  const BASE_CSS = `
:host { box-sizing: border-box; font-family: var(--p-font); }
:host([hidden]) { display: none !important; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
:focus-visible { outline: 2px solid var(--p-focus); outline-offset: 1px; }
.spinner { display: inline-block; width: 16px; height: 16px; border-radius: 50%;
  border: 2px solid currentColor; border-right-color: transparent; animation: spin .7s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }
svg.icon { width: 20px; height: 20px; flex: none; fill: currentColor; vertical-align: middle; }
`;

  const sheets = new Map();
  function sheet(css) {
    let s = sheets.get(css);
    if (!s) {
      s = new CSSStyleSheet();
      s.replaceSync(css);
      sheets.set(css, s);
    }
    return s;
  }

  function installDocumentStyles() {
    if (document.getElementById('s-polaris-document-styles')) return;
    const style = document.createElement('style');
    style.id = 's-polaris-document-styles';
    style.textContent = DOCUMENT_CSS;
    (document.head || document.documentElement).prepend(style);
  }
  installDocumentStyles();

  /* ----------------------------------------------------------------- helpers */

  let uid = 0;
  const nextId = (prefix) => `${prefix}-${++uid}`;

  function escapeHtml(text) {
    return String(text ?? '').replace(/[&<>"']/g, (c) => ({
      '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
    })[c]);
  }

  const SPACE = {
    none: '0', 'small-500': '2px', 'small-400': '4px', 'small-300': '6px', 'small-200': '8px',
    'small-100': '10px', small: '12px', base: '16px', large: '20px', 'large-100': '24px',
    'large-200': '28px', 'large-300': '32px', 'large-400': '40px', 'large-500': '48px',
  };
  const space = (v) => SPACE[v] ?? (/^\d/.test(v) ? v : SPACE.base);
  const spaceList = (v) => String(v).trim().split(/\s+/).map(space).join(' ');

  const RADIUS = { none: '0', 'small-200': '2px', 'small-100': '4px', small: '6px', base: '8px',
    large: '12px', 'large-100': '16px', 'large-200': '20px', max: '9999px' };
  const radius = (v) => String(v).trim().split(/\s+/).map((x) => RADIUS[x] ?? RADIUS.base).join(' ');

  const BACKGROUND = { subdued: 'var(--p-surface-subdued)', base: 'var(--p-surface)',
    strong: '#ebebeb', transparent: 'transparent' };
  const BORDER_COLOR = { subdued: 'var(--p-border-subdued)', base: 'var(--p-border)',
    strong: 'var(--p-input-border)' };
  const BORDER_WIDTH = { none: '0', base: '1px', 'large': '2px', 'large-100': '3px', 'large-200': '4px' };

  const SIZE_KEYWORDS = new Set(['auto', 'none', 'fill', 'fit-content']);
  function sizeValue(v) {
    if (v === 'fill') return '100%';
    if (SIZE_KEYWORDS.has(v)) return v;
    return v;
  }

  /** CSS for the box-like attributes (s-box, s-stack, s-grid, s-grid-item, s-clickable). */
  function boxStyles(el) {
    const rules = [];
    const a = (n) => el.getAttribute(n);
    if (a('padding')) rules.push(`padding: ${spaceList(a('padding'))}`);
    if (a('paddingblock')) rules.push(`padding-block: ${spaceList(a('paddingblock'))}`);
    if (a('paddinginline')) rules.push(`padding-inline: ${spaceList(a('paddinginline'))}`);
    if (a('paddingblockstart')) rules.push(`padding-block-start: ${space(a('paddingblockstart'))}`);
    if (a('paddingblockend')) rules.push(`padding-block-end: ${space(a('paddingblockend'))}`);
    if (a('paddinginlinestart')) rules.push(`padding-inline-start: ${space(a('paddinginlinestart'))}`);
    if (a('paddinginlineend')) rules.push(`padding-inline-end: ${space(a('paddinginlineend'))}`);
    if (a('background')) rules.push(`background: ${BACKGROUND[a('background')] ?? 'transparent'}`);
    if (a('border')) {
      const [width = 'base', color = 'base', style = 'solid'] = a('border').split(/\s+/);
      rules.push(`border: ${BORDER_WIDTH[width] ?? '1px'} ${style} ${BORDER_COLOR[color] ?? BORDER_COLOR.base}`);
    }
    if (a('borderwidth')) rules.push(`border-width: ${a('borderwidth').split(/\s+/).map((w) => BORDER_WIDTH[w] ?? '1px').join(' ')}; border-style: solid`);
    if (a('borderstyle')) rules.push(`border-style: ${a('borderstyle')}`);
    if (a('bordercolor')) rules.push(`border-color: ${BORDER_COLOR[a('bordercolor')] ?? BORDER_COLOR.base}`);
    if (a('borderradius')) rules.push(`border-radius: ${radius(a('borderradius'))}`);
    if (a('blocksize')) rules.push(`block-size: ${sizeValue(a('blocksize'))}`);
    if (a('minblocksize')) rules.push(`min-block-size: ${sizeValue(a('minblocksize'))}`);
    if (a('maxblocksize')) rules.push(`max-block-size: ${sizeValue(a('maxblocksize'))}`);
    if (a('inlinesize')) rules.push(`inline-size: ${sizeValue(a('inlinesize'))}`);
    if (a('mininlinesize')) rules.push(`min-inline-size: ${sizeValue(a('mininlinesize'))}`);
    if (a('maxinlinesize')) rules.push(`max-inline-size: ${sizeValue(a('maxinlinesize'))}`);
    if (a('overflow') === 'hidden') rules.push('overflow: hidden');
    if (a('display') === 'none') rules.push('display: none');
    return rules.join('; ');
  }

  const BOX_ATTRIBUTES = ['background', 'border', 'borderwidth', 'borderstyle', 'bordercolor',
    'borderradius', 'padding', 'paddingblock', 'paddingblockstart', 'paddingblockend',
    'paddinginline', 'paddinginlinestart', 'paddinginlineend', 'display', 'blocksize',
    'minblocksize', 'maxblocksize', 'inlinesize', 'mininlinesize', 'maxinlinesize',
    'accessibilityvisibility', 'accessibilityrole', 'accessibilitylabel', 'overflow'];

  /** Camel-case property names of the manifest for multi-word attributes. */
  const CAMEL = {
    accessibilitylabel: 'accessibilityLabel', accessibilityrole: 'accessibilityRole',
    accessibilityvisibility: 'accessibilityVisibility', commandfor: 'commandFor',
    interestfor: 'interestFor', inlinesize: 'inlineSize', readonly: 'readOnly',
    maxlength: 'maxLength', minlength: 'minLength', labelaccessibilityvisibility: 'labelAccessibilityVisibility',
    currencycode: 'currencyCode', haspreviouspage: 'hasPreviousPage', hasnextpage: 'hasNextPage',
    listslot: 'listSlot', fontsize: 'fontSize', fontweight: 'fontWeight', lineclamp: 'lineClamp',
    fontvariantnumeric: 'fontVariantNumeric', gridtemplatecolumns: 'gridTemplateColumns',
    gridtemplaterows: 'gridTemplateRows', gridcolumn: 'gridColumn', gridrow: 'gridRow',
    alignitems: 'alignItems', justifycontent: 'justifyContent', aligncontent: 'alignContent',
    rowgap: 'rowGap', columngap: 'columnGap', borderradius: 'borderRadius', objectfit: 'objectFit',
    aspectratio: 'aspectRatio', inputmode: 'inputMode', clickdelegate: 'clickDelegate',
  };
  const BOOLEAN = new Set(['disabled', 'required', 'loading', 'dismissible', 'multiple',
    'readonly', 'removable', 'indeterminate', 'haspreviouspage', 'hasnextpage', 'paginate', 'alpha',
    'pressed']);
  /** Attributes whose property is the element's own (value state, global attributes). */
  const NOT_REFLECTED = new Set(['value', 'checked', 'selected', 'files', 'values', 'id', 'lang',
    'dir', 'hidden', 'children']);

  function isOn(el, name) {
    const v = el.getAttribute(name);
    return v !== null && v !== 'false';
  }

  /** Registers `tag`, observing `attributes` and reflecting them as properties. */
  function define(tag, base, attributes) {
    if (customElements.get(tag)) return;
    const cls = class extends base {
      static get observedAttributes() {
        return attributes;
      }
    };
    for (const attr of attributes) {
      if (NOT_REFLECTED.has(attr)) continue;
      const names = new Set([attr, CAMEL[attr] ?? attr]);
      for (const prop of names) {
        if (prop in cls.prototype) continue;
        Object.defineProperty(cls.prototype, prop, {
          configurable: true,
          get() {
            return BOOLEAN.has(attr) ? isOn(this, attr) : this.getAttribute(attr) ?? '';
          },
          set(v) {
            if (BOOLEAN.has(attr)) this.toggleAttribute(attr, Boolean(v) && v !== 'false');
            else if (v === null || v === undefined) this.removeAttribute(attr);
            else this.setAttribute(attr, String(v));
          },
        });
      }
    }
    customElements.define(tag, cls);
  }

  /** Base: open shadow root with the shared sheet, re-rendered on attribute changes. */
  class Base extends HTMLElement {
    static get styles() {
      return '';
    }

    constructor(init = {}) {
      super();
      this._shadow = this.attachShadow({ mode: 'open', ...init });
      this._shadow.adoptedStyleSheets = [sheet(BASE_CSS), sheet(this.constructor.styles)];
      this._rendered = false;
    }

    connectedCallback() {
      if (!this._rendered) {
        this._rendered = true;
        this.build();
      }
      this.update();
    }

    attributeChangedCallback() {
      if (this._rendered) this.update();
    }

    /** Creates the shadow DOM once. */
    build() {}

    /** Applies attributes to the shadow DOM. */
    update() {}

    attr(name, fallback = '') {
      const v = this.getAttribute(name);
      return v === null ? fallback : v;
    }

    on(name) {
      return isOn(this, name);
    }

    /** Dispatches a DOM event from the host. */
    emit(type, { bubbles = true, cancelable = false, detail } = {}) {
      const event = detail === undefined
        ? new Event(type, { bubbles, cancelable, composed: true })
        : new CustomEvent(type, { bubbles, cancelable, composed: true, detail });
      return this.dispatchEvent(event);
    }

    /** Host CSS computed from attributes, kept in a <style> inside the shadow root. */
    hostStyle(css) {
      // An adopted sheet of its own, last: adopted sheets win over <style> elements.
      if (!this._hostSheet) {
        this._hostSheet = new CSSStyleSheet();
        this._shadow.adoptedStyleSheets = [...this._shadow.adoptedStyleSheets, this._hostSheet];
      }
      const text = css ? `:host { ${css} }` : '';
      if (text !== this._hostCss) {
        this._hostCss = text;
        this._hostSheet.replaceSync(text);
      }
    }
  }

  /* ------------------------------------------------------------------- icons */

  const ICON_PATHS = {
    info: 'M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm0 3.5a1 1 0 1 1 0 2 1 1 0 0 1 0-2ZM9.25 9h1.5v5.5h-1.5V9Z',
    'alert-circle': 'M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm-.75 4h1.5v5h-1.5V6Zm.75 6.5a1 1 0 1 1 0 2 1 1 0 0 1 0-2Z',
    'alert-triangle': 'M10 2.5 1.5 17h17L10 2.5Zm-.75 5h1.5v4.5h-1.5V7.5Zm.75 5.75a1 1 0 1 1 0 2 1 1 0 0 1 0-2Z',
    'check-circle': 'M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm3.7 5.3 1.06 1.06-5.76 5.76-3.26-3.26 1.06-1.06 2.2 2.2 4.7-4.7Z',
    check: 'm15.7 5.3 1.06 1.06L8 15.12 3.24 10.36 4.3 9.3 8 13l7.7-7.7Z',
    checkmark: 'm15.7 5.3 1.06 1.06L8 15.12 3.24 10.36 4.3 9.3 8 13l7.7-7.7Z',
    x: 'm5.53 4.47 4.47 4.47 4.47-4.47 1.06 1.06L11.06 10l4.47 4.47-1.06 1.06L10 11.06l-4.47 4.47-1.06-1.06L8.94 10 4.47 5.53l1.06-1.06Z',
    'x-circle': 'M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm-2.47 4.47L10 8.94l2.47-2.47 1.06 1.06L11.06 10l2.47 2.47-1.06 1.06L10 11.06l-2.47 2.47-1.06-1.06L8.94 10 6.47 7.53l1.06-1.06Z',
    plus: 'M9.25 4h1.5v5.25H16v1.5h-5.25V16h-1.5v-5.25H4v-1.5h5.25V4Z',
    'plus-circle': 'M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm-.75 4h1.5v3.25H14v1.5h-3.25V14h-1.5v-3.25H6v-1.5h3.25V6Z',
    minus: 'M4 9.25h12v1.5H4v-1.5Z',
    search: 'M8.5 3a5.5 5.5 0 0 1 4.38 8.82l3.65 3.65-1.06 1.06-3.65-3.65A5.5 5.5 0 1 1 8.5 3Zm0 1.5a4 4 0 1 0 0 8 4 4 0 0 0 0-8Z',
    delete: 'M8 2h4l.75 1.5H16V5H4V3.5h3.25L8 2ZM5 6.5h10l-.8 10.5H5.8L5 6.5Zm3 2v6h1.5v-6H8Zm2.5 0v6H12v-6h-1.5Z',
    edit: 'm13.6 2.9 3.5 3.5-9.6 9.6H4v-3.5l9.6-9.6Zm0 2.12-8.1 8.1v1.38h1.38l8.1-8.1-1.38-1.38Z',
    duplicate: 'M7 2h9a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H7a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1Zm.5 1.5v8h8v-8h-8ZM3 7h1.5v9.5H14V18H4a1 1 0 0 1-1-1V7Z',
    export: 'M10 2.5 14.5 7l-1.06 1.06-2.69-2.69V13h-1.5V5.37L6.56 8.06 5.5 7 10 2.5ZM4 12h1.5v3.5h9V12H16v5H4v-5Z',
    import: 'M10 13 5.5 8.5l1.06-1.06 2.69 2.69V2.5h1.5v7.63l2.69-2.69 1.06 1.06L10 13Zm-6-1h1.5v3.5h9V12H16v5H4v-5Z',
    upload: 'M10 2.5 14.5 7l-1.06 1.06-2.69-2.69V13h-1.5V5.37L6.56 8.06 5.5 7 10 2.5ZM4 12h1.5v3.5h9V12H16v5H4v-5Z',
    'arrow-left': 'm8.53 4.47 1.06 1.06-3.72 3.72H16v1.5H5.87l3.72 3.72-1.06 1.06L3 10l5.53-5.53Z',
    'arrow-right': 'm11.47 4.47 5.53 5.53-5.53 5.53-1.06-1.06 3.72-3.72H4v-1.5h10.13l-3.72-3.72 1.06-1.06Z',
    'chevron-down': 'M5.53 7.47 10 11.94l4.47-4.47 1.06 1.06L10 14.06 4.47 8.53l1.06-1.06Z',
    'chevron-up': 'M10 5.94l5.53 5.53-1.06 1.06L10 8.06l-4.47 4.47-1.06-1.06L10 5.94Z',
    'chevron-left': 'm12.53 4.47 1.06 1.06L9.12 10l4.47 4.47-1.06 1.06L7 10l5.53-5.53Z',
    'chevron-right': 'M7.47 4.47 13 10l-5.53 5.53-1.06-1.06L10.88 10 6.41 5.53l1.06-1.06Z',
    menu: 'M3 5h14v1.5H3V5Zm0 4.25h14v1.5H3v-1.5Zm0 4.25h14V15H3v-1.5Z',
    'menu-horizontal': 'M5 10a1.25 1.25 0 1 1-2.5 0A1.25 1.25 0 0 1 5 10Zm6.25 0a1.25 1.25 0 1 1-2.5 0 1.25 1.25 0 0 1 2.5 0Zm6.25 0A1.25 1.25 0 1 1 15 10a1.25 1.25 0 0 1 2.5 0Z',
    settings: 'M8.5 2h3l.4 2.1 1.5.9 2-.8 1.5 2.6-1.6 1.4v1.6l1.6 1.4-1.5 2.6-2-.8-1.5.9-.4 2.1h-3l-.4-2.1-1.5-.9-2 .8-1.5-2.6 1.6-1.4V8.2L2.6 6.8l1.5-2.6 2 .8 1.5-.9L8.5 2ZM10 7.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5Z',
    product: 'M10 2 17 5.5v9L10 18l-7-3.5v-9L10 2Zm0 1.7L5.2 6 10 8.4 14.8 6 10 3.7ZM4.5 7.2v6.4l4.75 2.4V9.6L4.5 7.2Zm11 0-4.75 2.4V16l4.75-2.4V7.2Z',
    'order-draft': 'M5 2h7l4 4v12H5V2Zm1.5 1.5v13h8V6.6L11.4 3.5H6.5Zm1.5 6h5V11H8V9.5Zm0 3h5V14H8v-1.5Z',
    'draft-orders': 'M5 2h7l4 4v12H5V2Zm1.5 1.5v13h8V6.6L11.4 3.5H6.5Zm1.5 6h5V11H8V9.5Zm0 3h5V14H8v-1.5Z',
    money: 'M2 5h16v10H2V5Zm1.5 1.5v7h13v-7h-13ZM10 7.5a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5Z',
    calculator: 'M5 2h10a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1Zm.5 1.5v3h9v-3h-9Zm0 4.5v8.5h9V8h-9Zm1.5 1.5h2v2H7v-2Zm4 0h2v2h-2v-2Zm-4 3.5h2v2H7v-2Zm4 0h2v2h-2v-2Z',
    'table': 'M3 3h14v14H3V3Zm1.5 1.5v3h11v-3h-11Zm0 4.5v3h5V9h-5Zm6.5 0v3h4.5V9H11Zm-6.5 4.5v2h5v-2h-5Zm6.5 0v2h4.5v-2H11Z',
    'external': 'M11 3h6v6h-1.5V5.56l-6.47 6.47-1.06-1.06 6.47-6.47H11V3ZM4 5h5v1.5H5.5v8h8V11H15v5H4V5Z',
    question: 'M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm0 3a2.75 2.75 0 0 1 1.02 5.3c-.3.12-.27.2-.27.45v.5h-1.5v-.5c0-.98.5-1.5 1.2-1.8A1.25 1.25 0 1 0 8.75 7.75h-1.5A2.75 2.75 0 0 1 10 5Zm0 7.75a1 1 0 1 1 0 2 1 1 0 0 1 0-2Z',
    'reset': 'M10 3a7 7 0 1 1-6.93 8h1.52A5.5 5.5 0 1 0 6.2 6.04L8 7.5H3V2.5l2.14 2.47A6.98 6.98 0 0 1 10 3Z',
    'view': 'M10 4.5c4 0 6.9 3.2 7.8 5.5-.9 2.3-3.8 5.5-7.8 5.5S3.1 12.3 2.2 10C3.1 7.7 6 4.5 10 4.5ZM10 7a3 3 0 1 0 0 6 3 3 0 0 0 0-6Z',
  };

  function iconSvg(type, extraClass = '') {
    const path = ICON_PATHS[type] ?? 'M10 6a4 4 0 1 0 0 8 4 4 0 0 0 0-8Z';
    return `<svg class="icon ${extraClass}" viewBox="0 0 20 20" aria-hidden="true" focusable="false"><path d="${path}"/></svg>`;
  }

  const TONE_COLOR = {
    info: 'var(--p-info)', success: 'var(--p-success)', warning: 'var(--p-warning)',
    critical: 'var(--p-critical)', caution: 'var(--p-caution)', neutral: 'var(--p-text)',
    auto: 'inherit', magic: '#5700d1',
  };

  /* -------------------------------------------------- commands (commandFor) */

  function commandTarget(el) {
    const id = el.getAttribute('commandfor');
    if (!id) return null;
    const root = el.getRootNode();
    return (root.getElementById ? root.getElementById(id) : null) ?? document.getElementById(id);
  }

  /** Runs `command` (`--show`, `--hide`, `--toggle`, `--auto`, `--copy`) on its target. */
  function runCommand(invoker) {
    const target = commandTarget(invoker);
    if (!target) return false;
    const command = invoker.getAttribute('command') || '--auto';
    switch (command) {
      case '--show':
        target.showOverlay?.(invoker);
        break;
      case '--hide':
        target.hideOverlay?.();
        break;
      case '--copy': {
        const text = target.getAttribute('text') ?? target.textContent ?? '';
        navigator.clipboard?.writeText(text.trim()).catch(() => {});
        break;
      }
      default:
        if (target.localName === 's-modal' || target.localName === 'ui-modal') {
          target.showOverlay ? target.showOverlay(invoker) : target.show?.();
        } else {
          target.toggleOverlay?.(invoker);
        }
    }
    return true;
  }

  /**
   * What a click on an s-button / s-link / s-clickable does once every listener has run (and
   * none called preventDefault): the command, submit or reset of the form, or the href when the
   * click was dispatched on the host itself (a click on the inner link navigates natively).
   */
  function activate(host, event) {
    if (host.on('disabled') || host.on('loading')) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    setTimeout(() => {
      if (event.defaultPrevented) return;
      if (host.hasAttribute('commandfor')) {
        runCommand(host);
        return;
      }
      const type = host.getAttribute('type');
      const form = host.closest('form');
      if (form && type === 'submit') {
        form.requestSubmit();
        return;
      }
      if (form && type === 'reset') {
        form.reset();
        return;
      }
      const href = host.getAttribute('href');
      if (href && event.composedPath()[0] === host) {
        const target = host.getAttribute('target');
        if (target && target !== 'auto' && target !== '_self') window.open(href, target);
        else window.location.assign(href);
      }
    }, 0);
  }

  /* ----------------------------------------------------------------- layout */

  class SPage extends Base {
    static get styles() {
      return `
:host { display: block; margin: 0 auto; padding: 16px 16px 32px; max-width: 998px; color: var(--p-text); }
:host([inlinesize="large"]) { max-width: 1200px; }
:host([inlinesize="small"]) { max-width: 662px; }
header { display: flex; align-items: center; gap: 8px; margin: 4px 0 16px; flex-wrap: wrap; }
header h1 { font-size: 20px; line-height: 28px; font-weight: 650; margin: 0; flex: 1; }
.actions { display: flex; gap: 8px; }
.layout { display: grid; gap: 16px; grid-template-columns: minmax(0, 1fr); }
.layout.with-aside { grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); }
.main, .aside { display: flex; flex-direction: column; gap: 16px; min-width: 0; }
@media (max-width: 760px) { .layout.with-aside { grid-template-columns: minmax(0, 1fr); } }`;
    }

    build() {
      this._shadow.innerHTML = `
<header part="header"><slot name="breadcrumb-actions"></slot><h1></h1>
  <div class="actions"><slot name="secondary-actions"></slot><slot name="primary-action"></slot></div></header>
<main class="layout"><h1 class="visually-hidden embedded-heading"></h1><div class="main"><slot name="supplemental-start"></slot><slot></slot></div>
  <div class="aside"><slot name="aside"></slot></div></main>`;
      this._header = this._shadow.querySelector('header');
      this._h1 = this._shadow.querySelector('header h1');
      this._embeddedH1 = this._shadow.querySelector('.embedded-heading');
      this._layout = this._shadow.querySelector('.layout');
      this._aside = this._shadow.querySelector('slot[name="aside"]');
      this._aside.addEventListener('slotchange', () => this.update());
    }

    update() {
      const heading = this.attr('heading');
      this._h1.textContent = heading;
      // Inside the admin, App Bridge shows the heading and the page actions in the admin's
      // title bar; the page only draws them when it is opened on its own.
      this._header.hidden = EMBEDDED || (!heading && !this.querySelector(':scope > [slot]'));
      // The admin's title bar shows the heading visually; the page keeps it for screen readers.
      this._embeddedH1.textContent = heading;
      this._embeddedH1.hidden = !EMBEDDED || !heading;
      const hasAside = this._aside.assignedElements().length > 0;
      this._layout.classList.toggle('with-aside', hasAside);
      this._shadow.querySelector('.aside').hidden = !hasAside;
    }
  }

  /** Nesting depth of s-section ancestors, for heading levels and card styling. */
  function sectionDepth(el) {
    let depth = 0;
    for (let n = el.parentElement; n; n = n.parentElement) {
      if (n.localName === 's-section') depth += 1;
    }
    return depth;
  }

  class SSection extends Base {
    static get styles() {
      return `
:host { display: block; }
section { background: var(--p-surface); border-radius: 12px; padding: 16px;
  box-shadow: 0 1px 0 0 rgba(26,26,26,.07), inset 0 -1px 0 0 rgba(0,0,0,.13), inset 1px 0 0 0 rgba(0,0,0,.08), inset -1px 0 0 0 rgba(0,0,0,.08), inset 0 1px 0 0 rgba(0,0,0,.04); }
section.nested { background: transparent; box-shadow: none; padding: 0; border-radius: 0; }
section.flush { padding: 0; overflow: hidden; }
.head { display: flex; align-items: center; gap: 8px; margin-bottom: 12px; }
.head[hidden] + .body { margin-top: 0; }
.titles { flex: 1; min-width: 0; }
h2, h3 { margin: 0; font-size: 14px; line-height: 20px; font-weight: 650; }
h3 { font-size: 13px; }
.sub { color: var(--p-text-subdued); margin: 0; }
.actions { display: flex; gap: 8px; }
.body { display: flex; flex-direction: column; gap: 12px; }
section.flush .head { padding: 16px 16px 0; }`;
    }

    build() {
      this._shadow.innerHTML = `
<section part="section"><div class="head"><slot name="graphic"></slot><div class="titles"><h2></h2><p class="sub"></p></div>
<div class="actions"><slot name="secondary-actions"></slot><slot name="primary-action"></slot><slot name="accessory"></slot></div></div>
<div class="body"><slot></slot><slot name="supplemental"></slot></div></section>`;
      this._section = this._shadow.querySelector('section');
      this._headId = nextId('s-section-heading');
    }

    update() {
      const depth = sectionDepth(this);
      const heading = this.attr('heading');
      const current = this._shadow.querySelector('h2, h3');
      const level = depth === 0 ? 'h2' : 'h3';
      let h = current;
      if (current.localName !== level) {
        h = document.createElement(level);
        current.replaceWith(h);
      }
      h.id = this._headId;
      h.textContent = heading;
      h.hidden = !heading;
      const sub = this._shadow.querySelector('.sub');
      sub.textContent = this.attr('subheading');
      sub.hidden = !sub.textContent;
      const hasSlotted = this.querySelector(':scope > [slot="primary-action"], :scope > [slot="secondary-actions"], :scope > [slot="graphic"], :scope > [slot="accessory"]');
      this._shadow.querySelector('.head').hidden = !heading && !sub.textContent && !hasSlotted;
      this._section.classList.toggle('nested', depth > 0);
      this._section.classList.toggle('flush', this.attr('padding') === 'none');
      const label = this.attr('accessibilitylabel');
      if (label) {
        this._section.setAttribute('aria-label', label);
        this._section.removeAttribute('aria-labelledby');
      } else if (heading) {
        this._section.setAttribute('aria-labelledby', this._headId);
        this._section.removeAttribute('aria-label');
      } else {
        this._section.removeAttribute('aria-label');
        this._section.removeAttribute('aria-labelledby');
      }
    }
  }

  class SBox extends Base {
    static get styles() {
      return ':host { display: block; }';
    }

    build() {
      this._shadow.innerHTML = '<slot></slot>';
    }

    update() {
      this.hostStyle(boxStyles(this) + this.extraStyles());
      const label = this.attr('accessibilitylabel');
      if (label && !this.hasAttribute('aria-label')) this.setAttribute('aria-label', label);
      const role = this.attr('accessibilityrole');
      if (role && role !== 'generic' && !this.hasAttribute('role')) this.setAttribute('role', role);
      if (this.attr('accessibilityvisibility') === 'hidden') this.setAttribute('aria-hidden', 'true');
    }

    extraStyles() {
      return '';
    }
  }

  const ALIGN = { start: 'flex-start', end: 'flex-end', center: 'center', baseline: 'baseline',
    stretch: 'stretch', 'space-between': 'space-between', 'space-around': 'space-around',
    'space-evenly': 'space-evenly', normal: 'normal' };

  class SStack extends SBox {
    extraStyles() {
      const inline = this.attr('direction') === 'inline';
      const gap = this.attr('gap');
      const rules = [`; display: flex; flex-direction: ${inline ? 'row' : 'column'}`];
      if (inline) rules.push('flex-wrap: wrap');
      if (gap) rules.push(`gap: ${spaceList(gap)}`);
      if (this.attr('rowgap')) rules.push(`row-gap: ${space(this.attr('rowgap'))}`);
      if (this.attr('columngap')) rules.push(`column-gap: ${space(this.attr('columngap'))}`);
      if (this.attr('alignitems')) rules.push(`align-items: ${ALIGN[this.attr('alignitems')] ?? 'normal'}`);
      else if (inline) rules.push('align-items: center');
      if (this.attr('justifycontent')) rules.push(`justify-content: ${ALIGN[this.attr('justifycontent')] ?? 'normal'}`);
      if (this.attr('aligncontent')) rules.push(`align-content: ${ALIGN[this.attr('aligncontent')] ?? 'normal'}`);
      if (this.attr('display') === 'none') rules.push('display: none');
      return rules.join('; ');
    }
  }

  class SGrid extends SBox {
    extraStyles() {
      const rules = ['; display: grid'];
      if (this.attr('gridtemplatecolumns')) rules.push(`grid-template-columns: ${this.attr('gridtemplatecolumns')}`);
      if (this.attr('gridtemplaterows')) rules.push(`grid-template-rows: ${this.attr('gridtemplaterows')}`);
      if (this.attr('gap')) rules.push(`gap: ${spaceList(this.attr('gap'))}`);
      if (this.attr('rowgap')) rules.push(`row-gap: ${space(this.attr('rowgap'))}`);
      if (this.attr('columngap')) rules.push(`column-gap: ${space(this.attr('columngap'))}`);
      for (const [attr, prop] of [['alignitems', 'align-items'], ['justifyitems', 'justify-items'],
        ['aligncontent', 'align-content'], ['justifycontent', 'justify-content'],
        ['placeitems', 'place-items'], ['placecontent', 'place-content']]) {
        if (this.attr(attr)) rules.push(`${prop}: ${this.attr(attr)}`);
      }
      if (this.attr('display') === 'none') rules.push('display: none');
      return rules.join('; ');
    }
  }

  class SGridItem extends SBox {
    extraStyles() {
      const rules = [''];
      if (this.attr('gridcolumn')) rules.push(`grid-column: ${this.attr('gridcolumn')}`);
      if (this.attr('gridrow')) rules.push(`grid-row: ${this.attr('gridrow')}`);
      return rules.join('; ');
    }
  }

  class SScrollBox extends SBox {
    extraStyles() {
      return `; overflow: ${this.attr('overflow') === 'hidden' ? 'hidden' : 'auto'}`;
    }
  }

  class SQueryContainer extends SBox {
    extraStyles() {
      const name = this.attr('containername');
      return `; container-type: inline-size${name ? `; container-name: ${name}` : ''}`;
    }
  }

  class SDivider extends Base {
    static get styles() {
      return `
:host { display: block; border: 0; border-block-start: 1px solid var(--p-border); margin: 0; }
:host([direction="block"]) { display: inline-block; border-block-start: 0; border-inline-start: 1px solid var(--p-border); align-self: stretch; min-height: 1em; }
:host([color="strong"]) { border-color: var(--p-input-border); }`;
    }

    connectedCallback() {
      super.connectedCallback();
      if (!this.hasAttribute('role')) this.setAttribute('role', 'separator');
    }
  }

  /* ------------------------------------------------------------- typography */

  class SHeading extends Base {
    static get styles() {
      return `
:host { display: block; }
.h { margin: 0; font-size: 14px; line-height: 20px; font-weight: 650; color: var(--p-text); }
:host([lineclamp]) .h { overflow: hidden; display: -webkit-box; -webkit-box-orient: vertical; }`;
    }

    update() {
      const role = this.attr('accessibilityrole');
      const level = Math.min(6, 2 + sectionDepth(this));
      const tag = role === 'presentation' || role === 'none' ? 'div' : `h${level}`;
      let h = this._shadow.querySelector('.h');
      if (!h || h.localName !== tag) {
        const fresh = document.createElement(tag);
        fresh.className = 'h';
        fresh.innerHTML = '<slot></slot>';
        if (h) h.replaceWith(fresh);
        else this._shadow.append(fresh);
        h = fresh;
      }
      h.style.webkitLineClamp = this.attr('lineclamp');
      if (this.attr('accessibilityvisibility') === 'exclusive') h.classList.add('visually-hidden');
    }
  }

  function textStyles(el) {
    const rules = [];
    const tone = el.getAttribute('tone');
    if (tone && TONE_COLOR[tone]) rules.push(`color: ${TONE_COLOR[tone]}`);
    if (el.getAttribute('color') === 'subdued') rules.push('color: var(--p-text-subdued)');
    const weight = { bold: 700, semibold: 600, medium: 550, base: 450, normal: 450 }[el.getAttribute('fontweight')];
    if (weight) rules.push(`font-weight: ${weight}`);
    const size = { 'small-100': '11px', small: '12px', base: '13px', large: '14px', 'large-100': '16px',
      'large-200': '20px', 'large-300': '24px', 'large-400': '28px', 'large-500': '32px' }[el.getAttribute('fontsize')];
    if (size) rules.push(`font-size: ${size}`);
    if (el.getAttribute('fontvariantnumeric') === 'tabular-nums') rules.push('font-variant-numeric: tabular-nums');
    return rules.join('; ');
  }

  class SText extends Base {
    static get styles() {
      return `
:host { display: inline; }
:host([type="strong"]) { font-weight: 650; }
:host([type="address"]) { display: block; font-style: normal; }
:host([type="redundant"]) { text-decoration: line-through; }
.hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }`;
    }

    build() {
      this._shadow.innerHTML = '<span part="text"><slot></slot></span>';
    }

    update() {
      this.hostStyle(textStyles(this));
      const span = this._shadow.querySelector('span');
      span.className = this.attr('accessibilityvisibility') === 'exclusive' ? 'hidden' : '';
      if (this.attr('accessibilityvisibility') === 'hidden') this.setAttribute('aria-hidden', 'true');
    }
  }

  class SParagraph extends SText {
    static get styles() {
      return `
:host { display: block; }
p { margin: 0; }
:host([lineclamp]) p { overflow: hidden; display: -webkit-box; -webkit-box-orient: vertical; }`;
    }

    build() {
      this._shadow.innerHTML = '<p part="paragraph"><slot></slot></p>';
    }

    update() {
      this.hostStyle(textStyles(this));
      this._shadow.querySelector('p').style.webkitLineClamp = this.attr('lineclamp');
    }
  }

  class SNumber extends SText {
    update() {
      super.update();
      this.hostStyle(`${textStyles(this)}; font-variant-numeric: tabular-nums`);
    }
  }

  /* ---------------------------------------------------------------- actions */

  const BUTTON_CSS = `
:host { display: inline-block; vertical-align: middle; }
:host([inlinesize="fill"]) { display: block; }
.btn { position: relative; display: inline-flex; align-items: center; justify-content: center; gap: 4px;
  min-height: 28px; padding: 6px 12px; border-radius: 8px; border: 0; margin: 0;
  font: inherit; font-size: 12px; line-height: 16px; font-weight: 550; cursor: pointer;
  text-decoration: none; white-space: nowrap; width: 100%; user-select: none; }
.secondary { background: #ffffff; color: #303030;
  box-shadow: 0 -1px 0 0 #b5b5b5 inset, 0 0 0 1px rgba(0,0,0,.1) inset, 0 .5px 0 1.5px #fff inset; }
.secondary:hover { background: #f7f7f7; }
.secondary:active { background: #f0f0f0; box-shadow: 0 2px 1px 0 rgba(26,26,26,.2) inset; }
.primary { background: #303030; color: #ffffff;
  box-shadow: 0 -1px 0 1px rgba(0,0,0,.8) inset, 0 0 0 1px #303030 inset, 0 .5px 0 1.5px rgba(255,255,255,.25) inset; }
.primary:hover { background: #1a1a1a; }
.primary:active { background: #1a1a1a; box-shadow: 0 3px 0 0 #000 inset; }
.tertiary { background: transparent; color: #303030; }
.tertiary:hover { background: rgba(0,0,0,.05); }
.critical.primary { background: #c70a24; color: #fff; box-shadow: 0 -1px 0 1px #8e0b21 inset, 0 0 0 1px #c70a24 inset; }
.critical.primary:hover { background: #a30a20; }
.critical.secondary, .critical.tertiary { color: #8e0b21; }
.btn:disabled, .btn[aria-disabled="true"] { background: #f0f0f0; color: #8a8a8a; box-shadow: none; cursor: default; }
.tertiary:disabled { background: transparent; }
.btn[aria-busy="true"] { color: transparent !important; }
.btn[aria-busy="true"] .spinner { position: absolute; inset: 0; margin: auto; color: #616161; }
.primary[aria-busy="true"] .spinner { color: #ffffff; }
.menu-item { justify-content: flex-start; width: 100%; background: transparent; color: #303030; box-shadow: none; font-weight: 450; }
.menu-item:hover { background: #f1f1f1; }
.icon-only { padding: 4px; min-width: 28px; }
:focus-visible { outline: 2px solid var(--p-focus); outline-offset: 1px; }`;

  class SButton extends Base {
    static get styles() {
      return BUTTON_CSS;
    }

    constructor() {
      super({ delegatesFocus: true });
      this.addEventListener('click', (event) => activate(this, event));
    }

    build() {
      this._slot = document.createElement('slot');
      this._decor = document.createElement('span');
      this._decor.style.display = 'contents';
    }

    variant() {
      const variant = this.attr('variant', 'auto');
      if (variant !== 'auto') return variant;
      return this.getAttribute('slot') === 'primary-action' ? 'primary' : 'secondary';
    }

    update() {
      const href = this.attr('href');
      const tag = href && !this.on('disabled') ? 'a' : 'button';
      let control = this._control;
      if (!control || control.localName !== tag) {
        control = document.createElement(tag);
        control.setAttribute('part', 'button');
        if (this._control) this._control.replaceWith(control);
        else this._shadow.append(control);
        this._control = control;
        control.append(this._decor, this._slot);
      }
      const inMenu = Boolean(this.closest('s-menu'));
      const iconOnly = this.attr('icon') && !this.textContent.trim();
      control.className = ['btn', inMenu ? 'menu-item' : this.variant(),
        this.attr('tone') === 'critical' ? 'critical' : '', iconOnly ? 'icon-only' : ''].join(' ');
      // The slot stays in place: moving it would fire slotchange on every update.
      this._decor.innerHTML = `${this.on('loading') ? '<span class="spinner" aria-hidden="true"></span>' : ''}${
        this.attr('icon') ? iconSvg(this.attr('icon')) : ''}`;
      if (tag === 'a') {
        control.href = href;
        const target = this.attr('target');
        if (target && target !== 'auto') control.target = target;
        else control.removeAttribute('target');
        if (this.hasAttribute('download')) control.setAttribute('download', this.attr('download'));
      } else {
        control.type = 'button';
        control.disabled = this.on('disabled');
      }
      const label = this.attr('accessibilitylabel');
      if (label) control.setAttribute('aria-label', label);
      else control.removeAttribute('aria-label');
      if (this.on('loading')) control.setAttribute('aria-busy', 'true');
      else control.removeAttribute('aria-busy');
      if (this.hasAttribute('lang')) control.lang = this.attr('lang');
      const target = this.hasAttribute('commandfor') ? commandTarget(this) : null;
      if (target && ['s-popover', 's-menu'].includes(target.localName)) {
        control.setAttribute('aria-haspopup', 'true');
        control.setAttribute('aria-expanded', String(Boolean(target.open)));
        control.setAttribute('aria-controls', target.id);
      }
      if (this.localName === 's-press-button') {
        control.setAttribute('aria-pressed', String(this.on('pressed')));
      }
    }
  }

  class SPressButton extends SButton {
    constructor() {
      super();
      this.addEventListener('click', (event) => {
        setTimeout(() => {
          if (event.defaultPrevented || this.on('disabled')) return;
          this.toggleAttribute('pressed', !this.on('pressed'));
          this.emit('change');
        }, 0);
      });
    }

    get pressed() {
      return this.on('pressed');
    }

    set pressed(v) {
      this.toggleAttribute('pressed', Boolean(v));
    }
  }

  class SButtonGroup extends Base {
    static get styles() {
      return `
:host { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
:host([gap="none"]) { gap: 0; }
.group { display: contents; }`;
    }

    build() {
      this._shadow.innerHTML = '<div class="group" role="group"><slot name="secondary-actions"></slot><slot></slot><slot name="primary-action"></slot></div>';
    }

    update() {
      const group = this._shadow.querySelector('.group');
      const label = this.attr('accessibilitylabel');
      if (label) group.setAttribute('aria-label', label);
      else group.removeAttribute('aria-label');
    }
  }

  class SLink extends Base {
    static get styles() {
      return `
:host { display: inline; }
a, button { color: var(--p-link); text-decoration: underline; font: inherit; background: none;
  border: 0; padding: 0; cursor: pointer; border-radius: 2px; }
a:hover, button:hover { color: #004299; }
.neutral { color: inherit; }
.critical { color: var(--p-critical); }`;
    }

    constructor() {
      super({ delegatesFocus: true });
      this.addEventListener('click', (event) => activate(this, event));
    }

    build() {
      this._slot = document.createElement('slot');
    }

    update() {
      const href = this.attr('href');
      const tag = href ? 'a' : 'button';
      let control = this._control;
      if (!control || control.localName !== tag) {
        control = document.createElement(tag);
        control.setAttribute('part', 'link');
        if (this._control) this._control.replaceWith(control);
        else this._shadow.append(control);
        this._control = control;
        control.append(this._slot);
      }
      control.className = this.attr('tone', 'auto');
      if (tag === 'a') {
        control.href = href;
        const target = this.attr('target');
        if (target && target !== 'auto') control.target = target;
        else control.removeAttribute('target');
        if (this.hasAttribute('download')) control.setAttribute('download', this.attr('download'));
      } else {
        control.type = 'button';
      }
      const label = this.attr('accessibilitylabel');
      if (label) control.setAttribute('aria-label', label);
      else control.removeAttribute('aria-label');
      if (this.hasAttribute('lang')) control.lang = this.attr('lang');
    }
  }

  class SClickable extends Base {
    static get styles() {
      return `
:host { display: block; }
.c { display: block; width: 100%; font: inherit; color: inherit; text-align: inherit; background: none;
  border: 0; padding: 0; margin: 0; cursor: pointer; text-decoration: none; border-radius: inherit; }
.c:hover { background: rgba(0,0,0,.03); }
.c:disabled { cursor: default; opacity: .6; }`;
    }

    constructor() {
      super({ delegatesFocus: true });
      this.addEventListener('click', (event) => activate(this, event));
    }

    build() {
      this._slot = document.createElement('slot');
    }

    update() {
      this.hostStyle(boxStyles(this));
      const href = this.attr('href');
      const tag = href ? 'a' : 'button';
      let control = this._control;
      if (!control || control.localName !== tag) {
        control = document.createElement(tag);
        control.className = 'c';
        if (this._control) this._control.replaceWith(control);
        else this._shadow.append(control);
        this._control = control;
        control.append(this._slot);
      }
      if (tag === 'a') control.href = href;
      else {
        control.type = 'button';
        control.disabled = this.on('disabled');
      }
      const label = this.attr('accessibilitylabel');
      if (label) control.setAttribute('aria-label', label);
      else control.removeAttribute('aria-label');
    }
  }

  /* --------------------------------------------------------------- feedback */

  const BADGE_TONES = {
    neutral: ['#e3e3e3', '#303030'], info: ['#e0f0ff', '#00527c'], success: ['#affebf', '#014b40'],
    caution: ['#fff0b8', '#4f4700'], warning: ['#ffd6a4', '#5e4200'], critical: ['#fed1d7', '#8e0b21'],
    auto: ['#e3e3e3', '#303030'], magic: ['#f4e8ff', '#5700d1'],
  };

  class SBadge extends Base {
    static get styles() {
      return `
:host { display: inline-flex; vertical-align: middle; }
span.b { display: inline-flex; align-items: center; gap: 2px; padding: 2px 8px; border-radius: 8px;
  font-size: 12px; line-height: 16px; font-weight: 550; white-space: nowrap; }
:host([size="large"]) span.b, :host([size="large-100"]) span.b { font-size: 13px; line-height: 20px; }
svg.icon { width: 16px; height: 16px; margin-inline-start: -4px; }`;
    }

    build() {
      this._shadow.innerHTML = '<span class="b" part="badge"><span class="i"></span><slot></slot></span>';
    }

    update() {
      const [bg, fg] = BADGE_TONES[this.attr('tone', 'neutral')] ?? BADGE_TONES.neutral;
      const strong = this.attr('color') === 'strong';
      const b = this._shadow.querySelector('.b');
      b.style.background = strong ? fg : bg;
      b.style.color = strong ? '#ffffff' : fg;
      this._shadow.querySelector('.i').innerHTML = this.attr('icon') ? iconSvg(this.attr('icon')) : '';
    }
  }

  const BANNER_TONES = {
    info: ['var(--p-info-surface)', 'info', '#00527c'],
    success: ['var(--p-success-surface)', 'check-circle', '#0c5132'],
    warning: ['var(--p-warning-surface)', 'alert-triangle', '#5e4200'],
    critical: ['var(--p-critical-surface)', 'alert-circle', '#8e0b21'],
    auto: ['var(--p-info-surface)', 'info', '#00527c'],
  };

  class SBanner extends Base {
    static get styles() {
      return `
:host { display: block; }
.banner { display: flex; gap: 8px; align-items: flex-start; padding: 12px; border-radius: 12px; color: var(--p-text); }
.content { flex: 1; min-width: 0; display: flex; flex-direction: column; gap: 4px; }
h2 { margin: 0; font-size: 13px; line-height: 20px; font-weight: 650; }
.actions { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 4px; }
.actions[hidden] { display: none; }
.dismiss { border: 0; background: transparent; border-radius: 8px; width: 28px; height: 28px; margin: -4px -4px 0 0;
  display: inline-flex; align-items: center; justify-content: center; cursor: pointer; color: #303030; }
.dismiss:hover { background: rgba(0,0,0,.06); }`;
    }

    build() {
      this._shadow.innerHTML = `
<div class="banner" part="banner"><span class="ic"></span><div class="content"><h2></h2><div><slot></slot></div>
<div class="actions"><slot name="secondary-actions"></slot></div></div>
<button type="button" class="dismiss" aria-label="Dismiss">${iconSvg('x')}</button></div>`;
      this._shadow.querySelector('.dismiss').addEventListener('click', () => this.dismiss());
      this._shadow.querySelector('slot[name="secondary-actions"]').addEventListener('slotchange', () => this.update());
    }

    dismiss() {
      this.emit('dismiss', { bubbles: false });
      this.hidden = true;
      this.emit('afterhide', { bubbles: false });
    }

    update() {
      const tone = this.attr('tone', 'info');
      const [bg, icon, ink] = BANNER_TONES[tone] ?? BANNER_TONES.info;
      const banner = this._shadow.querySelector('.banner');
      banner.style.background = bg;
      banner.setAttribute('role', tone === 'critical' || tone === 'warning' ? 'alert' : 'status');
      const ic = this._shadow.querySelector('.ic');
      ic.innerHTML = iconSvg(icon);
      ic.style.color = ink;
      const h2 = this._shadow.querySelector('h2');
      h2.textContent = this.attr('heading');
      h2.hidden = !h2.textContent;
      this._shadow.querySelector('.dismiss').hidden = !this.on('dismissible');
      this._shadow.querySelector('.actions').hidden =
        this._shadow.querySelector('slot[name="secondary-actions"]').assignedElements().length === 0;
    }
  }

  class SSpinner extends Base {
    static get styles() {
      return `
:host { display: inline-flex; color: #616161; }
.spinner { width: 20px; height: 20px; border-width: 2px; }
:host([size="large"]) .spinner, :host([size="large-100"]) .spinner { width: 32px; height: 32px; border-width: 3px; }`;
    }

    build() {
      this._shadow.innerHTML = '<span role="status"><span class="spinner"></span><span class="visually-hidden"></span></span>';
    }

    update() {
      this._shadow.querySelector('.visually-hidden').textContent = this.attr('accessibilitylabel', 'Loading');
    }
  }

  class SProgress extends Base {
    static get styles() {
      return `
:host { display: block; }
progress { appearance: none; -webkit-appearance: none; width: 100%; height: 8px; border: 0; border-radius: 4px; background: #e3e3e3; overflow: hidden; }
progress::-webkit-progress-bar { background: #e3e3e3; border-radius: 4px; }
progress::-webkit-progress-value { background: #303030; border-radius: 4px; }
progress.critical::-webkit-progress-value { background: #c70a24; }
progress.success::-webkit-progress-value { background: #29845a; }`;
    }

    build() {
      this._shadow.innerHTML = '<progress></progress>';
    }

    update() {
      const p = this._shadow.querySelector('progress');
      p.max = Number(this.attr('max', '1')) || 1;
      if (this.hasAttribute('value')) p.value = Number(this.attr('value')) || 0;
      else p.removeAttribute('value');
      p.className = this.attr('tone');
      p.setAttribute('aria-label', this.attr('accessibilitylabel', 'Progress'));
    }
  }

  /** Positions a floating panel below (or above) its anchor, inside the viewport. */
  function place(panel, anchor) {
    if (!anchor) return;
    const a = anchor.getBoundingClientRect();
    const p = panel.getBoundingClientRect();
    let top = a.bottom + 4;
    if (top + p.height > window.innerHeight - 4 && a.top - p.height - 4 > 0) top = a.top - p.height - 4;
    let left = Math.min(a.left, window.innerWidth - p.width - 8);
    left = Math.max(8, left);
    panel.style.top = `${Math.round(top)}px`;
    panel.style.left = `${Math.round(left)}px`;
  }

  class STooltip extends Base {
    static get styles() {
      return `
:host { display: contents; }
.tip { position: fixed; z-index: 1000; max-width: 280px; padding: 4px 8px; border-radius: 8px;
  background: #ffffff; color: #303030; font-size: 12px; line-height: 16px;
  box-shadow: 0 4px 12px rgba(0,0,0,.18), 0 0 0 1px rgba(0,0,0,.08); pointer-events: none; }`;
    }

    build() {
      this._shadow.innerHTML = '<div class="tip" role="tooltip" hidden><slot></slot></div>';
    }

    showFor(anchor) {
      const tip = this._shadow.querySelector('.tip');
      tip.hidden = false;
      place(tip, anchor);
    }

    hideTip() {
      this._shadow.querySelector('.tip').hidden = true;
    }
  }

  function interestTarget(event) {
    for (const node of event.composedPath()) {
      if (node instanceof window.Element && node.hasAttribute('interestfor')) return node;
    }
    return null;
  }
  for (const [show, hide] of [['mouseover', 'mouseout'], ['focusin', 'focusout']]) {
    document.addEventListener(show, (event) => {
      const el = interestTarget(event);
      const tip = el && document.getElementById(el.getAttribute('interestfor'));
      if (tip?.showFor) tip.showFor(el);
    });
    document.addEventListener(hide, (event) => {
      const el = interestTarget(event);
      const tip = el && document.getElementById(el.getAttribute('interestfor'));
      if (tip?.hideTip) tip.hideTip();
    });
  }

  /* ------------------------------------------------------------------ media */

  class SIcon extends Base {
    static get styles() {
      return `
:host { display: inline-flex; vertical-align: middle; color: inherit; }
:host([color="subdued"]) { color: var(--p-text-subdued); }
:host([size="small"]) svg.icon { width: 16px; height: 16px; }`;
    }

    update() {
      this._shadow.innerHTML = iconSvg(this.attr('type'));
      this.hostStyle(TONE_COLOR[this.attr('tone')] ? `color: ${TONE_COLOR[this.attr('tone')]}` : '');
    }
  }

  class SImage extends Base {
    static get styles() {
      return `
:host { display: block; }
img { display: block; max-width: 100%; height: auto; }`;
    }

    build() {
      this._img = document.createElement('img');
      this._img.addEventListener('load', () => this.emit('load', { bubbles: false }));
      this._img.addEventListener('error', () => this.emit('error', { bubbles: false }));
      this._shadow.append(this._img);
    }

    update() {
      const img = this._img;
      for (const name of ['src', 'srcset', 'sizes']) {
        if (this.hasAttribute(name)) img.setAttribute(name, this.attr(name));
        else img.removeAttribute(name);
      }
      img.alt = this.attr('alt');
      if (this.attr('accessibilityrole') === 'presentation') img.setAttribute('role', 'presentation');
      img.loading = this.attr('loading') === 'lazy' ? 'lazy' : 'eager';
      img.style.objectFit = this.attr('objectfit', 'contain');
      img.style.aspectRatio = this.attr('aspectratio');
      img.style.width = this.attr('inlinesize') === 'fill' ? '100%' : '';
      img.style.borderRadius = this.hasAttribute('borderradius') ? radius(this.attr('borderradius')) : '';
      if (this.attr('border')) img.style.border = `1px solid ${BORDER_COLOR[this.attr('bordercolor')] ?? BORDER_COLOR.base}`;
    }
  }

  const THUMB = { 'small-200': 24, 'small-100': 32, small: 40, base: 48, large: 64, 'large-100': 80 };

  class SThumbnail extends SImage {
    static get styles() {
      return `
:host { display: inline-block; flex: none; }
.t { display: block; overflow: hidden; border-radius: 8px; border: 1px solid var(--p-border); background: #ffffff; }
img { display: block; width: 100%; height: 100%; object-fit: contain; }
.ph { display: flex; align-items: center; justify-content: center; width: 100%; height: 100%; color: #8a8a8a; background: #f7f7f7; }`;
    }

    build() {
      super.build();
      this._box = document.createElement('span');
      this._box.className = 't';
      this._box.append(this._img);
      this._shadow.append(this._box);
    }

    update() {
      const size = THUMB[this.attr('size', 'base')] ?? 48;
      this._box.style.width = this._box.style.height = `${size}px`;
      if (this.attr('src')) {
        this._img.hidden = false;
        this._img.src = this.attr('src');
        this._img.alt = this.attr('alt');
        this._box.querySelector('.ph')?.remove();
      } else {
        this._img.hidden = true;
        if (!this._box.querySelector('.ph')) {
          this._box.insertAdjacentHTML('beforeend', `<span class="ph">${iconSvg('product')}</span>`);
        }
      }
    }
  }

  class SAvatar extends Base {
    static get styles() {
      return `
:host { display: inline-flex; }
.a { display: inline-flex; align-items: center; justify-content: center; width: 32px; height: 32px;
  border-radius: 50%; background: #c4e0c4; color: #1f4a1f; font-weight: 650; font-size: 12px; overflow: hidden; }
img { width: 100%; height: 100%; object-fit: cover; }`;
    }

    update() {
      const initials = escapeHtml(this.attr('initials'));
      const alt = escapeHtml(this.attr('alt'));
      const src = this.attr('src');
      this._shadow.innerHTML = src
        ? `<span class="a"><img src="${escapeHtml(src)}" alt="${alt}"></span>`
        : `<span class="a" role="img" aria-label="${alt || initials || 'Avatar'}">${initials}</span>`;
    }
  }

  /* ------------------------------------------------------------------ lists */

  class SList extends Base {
    static get styles() {
      return `
:host { display: block; }
.l { margin: 0; padding-inline-start: 20px; display: flex; flex-direction: column; gap: 4px; }`;
    }

    build() {
      this._shadow.innerHTML = '<div class="l"><slot></slot></div>';
    }

    connectedCallback() {
      super.connectedCallback();
      if (!this.hasAttribute('role')) this.setAttribute('role', 'list');
    }
  }

  class SListItem extends Base {
    static get styles() {
      return ':host { display: list-item; }';
    }

    build() {
      this._shadow.innerHTML = '<slot></slot>';
    }

    connectedCallback() {
      super.connectedCallback();
      if (!this.hasAttribute('role')) this.setAttribute('role', 'listitem');
      const list = this.parentElement?.localName;
      this.style.listStyleType = list === 's-ordered-list' ? 'decimal' : 'disc';
    }
  }

  /* ----------------------------------------------------------------- chips */

  class SChip extends Base {
    static get styles() {
      return `
:host { display: inline-flex; vertical-align: middle; }
.chip { display: inline-flex; align-items: center; gap: 4px; min-height: 24px; padding: 2px 8px;
  border-radius: 8px; background: #ffffff; border: 1px solid var(--p-border); color: var(--p-text); font: inherit; font-size: 12px; }
:host([color="strong"]) .chip { background: #e3e3e3; }
:host([color="subdued"]) .chip { background: #f7f7f7; }
button.chip { cursor: pointer; }
button.chip:hover { background: #f7f7f7; }
.remove { border: 0; background: transparent; padding: 0; width: 16px; height: 16px; border-radius: 4px; cursor: pointer;
  display: inline-flex; align-items: center; justify-content: center; color: var(--p-text-subdued); }
.remove svg.icon { width: 14px; height: 14px; }`;
    }

    build() {
      const clickable = this.localName === 's-clickable-chip';
      this._shadow.innerHTML = `<span class="wrap" style="display:inline-flex;gap:2px;align-items:center">
<${clickable ? 'button type="button"' : 'span'} class="chip"><slot name="graphic"></slot><slot></slot></${clickable ? 'button' : 'span'}>
<button type="button" class="remove" aria-label="Remove">${iconSvg('x')}</button></span>`;
      this._shadow.querySelector('.remove').addEventListener('click', (event) => {
        event.stopPropagation();
        this.emit('remove', { bubbles: false });
        if (this.localName === 's-clickable-chip') {
          this.hidden = true;
          this.emit('afterhide', { bubbles: false });
        }
      });
      if (clickable) this.addEventListener('click', (event) => activate(this, event));
    }

    update() {
      this._shadow.querySelector('.remove').hidden = !this.on('removable');
      const chip = this._shadow.querySelector('.chip');
      const label = this.attr('accessibilitylabel');
      if (label) chip.setAttribute('aria-label', label);
      if (chip.localName === 'button') chip.disabled = this.on('disabled');
    }
  }

  /* ----------------------------------------------------------- empty state */

  class SEmptyState extends Base {
    static get styles() {
      return `
:host { display: block; }
.es { display: flex; flex-direction: column; align-items: center; text-align: center; gap: 8px; padding: 32px 16px; }
h2 { margin: 0; font-size: 14px; line-height: 20px; font-weight: 650; }
.sub { color: var(--p-text-subdued); max-width: 400px; }
.actions { display: flex; gap: 8px; margin-top: 8px; }`;
    }

    build() {
      this._shadow.innerHTML = `<div class="es"><slot name="graphic"></slot><h2></h2><div class="sub"><slot name="subheading"></slot><slot></slot></div>
<div class="actions"><slot name="secondary-actions"></slot><slot name="primary-action"></slot></div></div>`;
    }

    update() {
      const h2 = this._shadow.querySelector('h2');
      h2.textContent = this.attr('heading');
      h2.hidden = !h2.textContent;
    }
  }

  /* ------------------------------------------------------------------ table */

  class STable extends Base {
    static get styles() {
      return `
:host { display: block; }
.wrap { overflow-x: auto; }
.t { display: table; width: 100%; border-collapse: collapse; font-size: 13px; }
.pager { display: flex; justify-content: center; gap: 4px; padding: 8px; border-top: 1px solid var(--p-border-subdued); }
.pager button { border: 0; border-radius: 8px; background: #f1f1f1; width: 28px; height: 28px; cursor: pointer;
  display: inline-flex; align-items: center; justify-content: center; color: #303030; }
.pager button:disabled { color: #8a8a8a; cursor: default; background: #f7f7f7; }
.loading { display: flex; justify-content: center; padding: 12px; color: #616161; }
.filters { padding: 8px 12px; }
.filters[hidden] { display: none; }`;
    }

    build() {
      this._shadow.innerHTML = `
<div class="filters"><slot name="filters"></slot></div>
<div class="wrap"><div class="t" part="table"><slot></slot></div></div>
<div class="loading" hidden><span class="spinner" aria-hidden="true"></span><span class="visually-hidden">Loading</span></div>
<div class="pager"><button type="button" class="prev" aria-label="Previous page">${iconSvg('chevron-left')}</button>
<button type="button" class="next" aria-label="Next page">${iconSvg('chevron-right')}</button></div>`;
      this._shadow.querySelector('.prev').addEventListener('click', () => this.emit('previouspage', { bubbles: false }));
      this._shadow.querySelector('.next').addEventListener('click', () => this.emit('nextpage', { bubbles: false }));
      this._shadow.querySelector('slot[name="filters"]').addEventListener('slotchange', () => this.update());
      this._observer = new MutationObserver(() => this.alignColumns());
      this._observer.observe(this, { childList: true, subtree: true, attributes: true, attributeFilter: ['format'] });
    }

    connectedCallback() {
      super.connectedCallback();
      if (!this.hasAttribute('role')) this.setAttribute('role', 'table');
      this.alignColumns();
    }

    /** Right-aligns the cells of numeric and currency columns, as Polaris does. */
    alignColumns() {
      const headers = [...this.querySelectorAll(':scope > s-table-header-row > s-table-header')];
      const numeric = headers.map((h) => ['numeric', 'currency'].includes(h.getAttribute('format')));
      for (const row of this.querySelectorAll(':scope > s-table-body > s-table-row')) {
        [...row.children].forEach((cell, i) => {
          if (cell.localName !== 's-table-cell') return;
          if (numeric[i]) cell.setAttribute('data-numeric', '');
          else cell.removeAttribute('data-numeric');
        });
      }
    }

    update() {
      const paginate = this.on('paginate');
      this._shadow.querySelector('.pager').hidden = !paginate;
      this._shadow.querySelector('.prev').disabled = !this.on('haspreviouspage');
      this._shadow.querySelector('.next').disabled = !this.on('hasnextpage');
      this._shadow.querySelector('.loading').hidden = !this.on('loading');
      this._shadow.querySelector('.filters').hidden =
        this._shadow.querySelector('slot[name="filters"]').assignedElements().length === 0;
      if (this.on('loading')) this.setAttribute('aria-busy', 'true');
      else this.removeAttribute('aria-busy');
    }
  }

  function tablePart(role, css) {
    return class extends Base {
      static get styles() {
        return css;
      }

      build() {
        this._shadow.innerHTML = '<slot></slot>';
      }

      connectedCallback() {
        super.connectedCallback();
        if (!this.hasAttribute('role')) this.setAttribute('role', role);
      }
    };
  }

  const STableHeaderRow = tablePart('row', ':host { display: table-header-group; background: #f7f7f7; }');
  const STableBody = tablePart('rowgroup', ':host { display: table-row-group; }');
  const STableRow = class extends tablePart('row', `
:host { display: table-row; }
:host(:hover) { background: #f7f7f7; }
:host([clickdelegate]) { cursor: pointer; }`) {
    constructor() {
      super();
      this.addEventListener('click', (event) => {
        const id = this.getAttribute('clickdelegate');
        if (!id) return;
        const interactive = event.composedPath().find((n) => n instanceof HTMLElement
          && /^(a|button|input|select|textarea|s-button|s-link|s-checkbox|s-clickable)$/.test(n.localName));
        if (interactive && interactive !== this) return;
        document.getElementById(id)?.click();
      });
    }
  };
  const STableHeader = tablePart('columnheader', `
:host { display: table-cell; padding: 6px 12px; text-align: start; font-weight: 550; font-size: 12px;
  color: #616161; border-bottom: 1px solid var(--p-border); white-space: nowrap; vertical-align: middle; }
:host([format="numeric"]), :host([format="currency"]) { text-align: end; }`);
  const STableCell = tablePart('cell', `
:host { display: table-cell; padding: 8px 12px; border-bottom: 1px solid var(--p-border-subdued); vertical-align: middle; }
:host([data-numeric]) { text-align: end; font-variant-numeric: tabular-nums; }`);

  /* ----------------------------------------------------------------- fields */

  const FIELD_CSS = `
:host { display: block; }
.field { display: flex; flex-direction: column; gap: 4px; }
label.lbl, .legend { font-size: 13px; line-height: 20px; color: var(--p-text); font-weight: 450; padding: 0; }
.req { color: var(--p-critical); margin-inline-start: 2px; }
.control { display: flex; align-items: center; gap: 4px; min-height: 32px; padding: 0 12px;
  background: #fdfdfd; border: 1px solid var(--p-input-border); border-radius: 8px; cursor: text; }
.control:hover { background: #fafafa; border-color: #616161; }
.control:focus-within { outline: 2px solid var(--p-focus); outline-offset: 1px; border-color: #1a1a1a; }
.control.invalid { border-color: #e51c00; background: var(--p-critical-surface); }
.control.disabled { background: #f2f2f2; border-color: #ebebeb; color: #8a8a8a; cursor: default; }
.control.readonly { background: #f7f7f7; }
input, textarea, select { flex: 1; min-width: 0; border: 0; outline: 0; background: transparent; font: inherit;
  color: var(--p-text); padding: 6px 0; margin: 0; font-size: 13px; line-height: 20px; }
input::placeholder, textarea::placeholder { color: #6d6d6d; }
input:disabled, textarea:disabled, select:disabled { color: #8a8a8a; }
textarea { resize: vertical; min-height: 52px; }
.affix { color: var(--p-text-subdued); white-space: nowrap; }
.error { display: flex; gap: 4px; align-items: flex-start; color: var(--p-critical); }
.error svg.icon { width: 16px; height: 16px; margin-top: 2px; }
.details { color: var(--p-text-subdued); }
.control:focus-within { outline: 2px solid var(--p-focus); }
input:focus-visible, textarea:focus-visible, select:focus-visible { outline: none; }
input[type="number"]::-webkit-inner-spin-button { opacity: 1; }
select { appearance: none; -webkit-appearance: none; cursor: pointer; }
.swatch { width: 20px; height: 20px; border-radius: 4px; border: 1px solid rgba(0,0,0,.2); flex: none; }`;

  const CURRENCY_SYMBOL = { USD: '$', CAD: '$', AUD: '$', NZD: '$', HKD: '$', SGD: '$', MXN: '$',
    EUR: '€', GBP: '£', JPY: '¥', INR: '₹', KRW: '₩', CHF: 'CHF', SEK: 'kr', NOK: 'kr', DKK: 'kr',
    PLN: 'zł', CZK: 'Kč', BRL: 'R$', ZAR: 'R' };

  /**
   * A form-associated field: a real <label>, an <input> (or <textarea>), `details` and `error`
   * tied with aria-describedby, value submitted under `name`, constraint validity mirrored on
   * the host, `input`/`change` re-dispatched from the host.
   */
  class Field extends Base {
    static get formAssociated() {
      return true;
    }

    static get styles() {
      return FIELD_CSS;
    }

    constructor() {
      super({ delegatesFocus: true });
      this._internals = this.attachInternals();
      this._dirty = false;
      this._id = nextId('s-field');
    }

    /** `input` element attributes for this kind of field. */
    inputKind() {
      return { tag: 'input', type: 'text' };
    }

    build() {
      const { tag, type, inputmode } = this.inputKind();
      this._shadow.innerHTML = `
<div class="field"><label class="lbl" for="${this._id}"><span class="lt"></span><span class="req" aria-hidden="true" hidden>*</span></label>
<div class="control"><span class="affix prefix"></span><slot name="accessory-start"></slot></div>
<div class="error" id="${this._id}-error" hidden>${iconSvg('alert-circle')}<span class="et"></span><slot name="error"></slot></div>
<div class="details" id="${this._id}-details" hidden><span class="dt"></span><slot name="details"></slot></div></div>`;
      const input = document.createElement(tag);
      input.id = this._id;
      if (tag === 'input') input.type = type;
      if (inputmode) input.inputMode = inputmode;
      const control = this._shadow.querySelector('.control');
      control.append(input);
      control.insertAdjacentHTML('beforeend', '<span class="affix suffix"></span><slot name="accessory"></slot>');
      control.addEventListener('click', (event) => {
        if (event.target === control) input.focus();
      });
      this._input = input;
      input.value = this.attr('value');
      input.addEventListener('input', (event) => {
        event.stopPropagation();
        this._dirty = true;
        this.sync();
        this.emit('input');
      });
      input.addEventListener('change', () => {
        this._dirty = true;
        this.sync();
        this.emit('change');
      });
      input.addEventListener('invalid', () => this.emit('invalid', { bubbles: false }));
    }

    update() {
      const input = this._input;
      const label = this.attr('label');
      this._shadow.querySelector('.lt').textContent = label;
      const lbl = this._shadow.querySelector('label.lbl');
      lbl.classList.toggle('visually-hidden', this.attr('labelaccessibilityvisibility') === 'exclusive');
      if (!label) {
        const fallback = this.attr('accessibilitylabel') || this.attr('placeholder');
        if (fallback) input.setAttribute('aria-label', fallback);
      } else {
        input.removeAttribute('aria-label');
      }
      this._shadow.querySelector('.req').hidden = !this.on('required');
      const error = this.attr('error');
      this._shadow.querySelector('.et').textContent = error;
      const hasError = Boolean(error) || this.querySelector(':scope > [slot="error"]') !== null;
      this._shadow.querySelector('.error').hidden = !hasError;
      const details = this.attr('details');
      this._shadow.querySelector('.dt').textContent = details;
      const hasDetails = Boolean(details) || this.querySelector(':scope > [slot="details"]') !== null;
      this._shadow.querySelector('.details').hidden = !hasDetails;
      const describedBy = [hasError && `${this._id}-error`, hasDetails && `${this._id}-details`].filter(Boolean);
      if (describedBy.length) input.setAttribute('aria-describedby', describedBy.join(' '));
      else input.removeAttribute('aria-describedby');
      if (hasError) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
      input.required = this.on('required');
      input.disabled = this.on('disabled') || this._formDisabled === true;
      input.readOnly = this.on('readonly');
      for (const [attr, prop] of [['placeholder', 'placeholder'], ['autocomplete', 'autocomplete'],
        ['maxlength', 'maxLength'], ['minlength', 'minLength'], ['min', 'min'], ['max', 'max'],
        ['step', 'step'], ['rows', 'rows']]) {
        if (this.hasAttribute(attr) && prop in input) input.setAttribute(attr, this.attr(attr));
        else input.removeAttribute(attr);
      }
      if (this.attr('inputmode')) input.inputMode = this.attr('inputmode');
      const control = this._shadow.querySelector('.control');
      control.classList.toggle('invalid', hasError);
      control.classList.toggle('disabled', input.disabled);
      control.classList.toggle('readonly', input.readOnly);
      this.updateAffixes();
      if (!this._dirty && this.hasAttribute('value') && input.value !== this.attr('value')) {
        input.value = this.attr('value');
      }
      this.sync();
    }

    updateAffixes() {
      const prefix = this._shadow.querySelector('.prefix');
      const icon = this.attr('icon');
      prefix.innerHTML = icon ? iconSvg(icon) : '';
      if (this.attr('prefix')) prefix.append(this.attr('prefix'));
      prefix.hidden = !prefix.innerHTML;
      const suffix = this._shadow.querySelector('.suffix');
      suffix.textContent = this.attr('suffix');
      suffix.hidden = !suffix.textContent;
    }

    /** Mirrors value and validity into the form. */
    sync() {
      const input = this._input;
      const name = this.attr('name');
      this._internals.setFormValue(name ? input.value : null, input.value);
      if (input.validity.valid) this._internals.setValidity({});
      else this._internals.setValidity(input.validity, input.validationMessage || 'Invalid value', input);
    }

    get value() {
      return this._input ? this._input.value : this.attr('value');
    }

    set value(v) {
      if (!this._rendered) {
        this.setAttribute('value', v ?? '');
        return;
      }
      this._input.value = v ?? '';
      this._dirty = true;
      this.sync();
    }

    get defaultValue() {
      return this.attr('value');
    }

    set defaultValue(v) {
      this.setAttribute('value', v ?? '');
    }

    get form() {
      return this._internals.form;
    }

    get validity() {
      return this._internals.validity;
    }

    get validationMessage() {
      return this._internals.validationMessage;
    }

    checkValidity() {
      return this._internals.checkValidity();
    }

    reportValidity() {
      return this._internals.reportValidity();
    }

    formResetCallback() {
      this._dirty = false;
      if (this._input) this._input.value = this.attr('value');
      this.sync();
    }

    formDisabledCallback(disabled) {
      this._formDisabled = disabled;
      if (this._rendered) this.update();
    }

    formStateRestoreCallback(state) {
      if (typeof state === 'string' && this._input) {
        this._input.value = state;
        this._dirty = true;
        this.sync();
      }
    }
  }

  class STextField extends Field {}

  class SEmailField extends Field {
    inputKind() {
      return { tag: 'input', type: 'email' };
    }
  }

  class SUrlField extends Field {
    inputKind() {
      return { tag: 'input', type: 'url' };
    }
  }

  class SPasswordField extends Field {
    inputKind() {
      return { tag: 'input', type: 'password' };
    }
  }

  class SSearchField extends Field {
    inputKind() {
      return { tag: 'input', type: 'search' };
    }

    updateAffixes() {
      super.updateAffixes();
      const prefix = this._shadow.querySelector('.prefix');
      if (!this.attr('icon')) {
        prefix.innerHTML = iconSvg('search');
        prefix.hidden = false;
      }
    }
  }

  class SNumberField extends Field {
    inputKind() {
      return { tag: 'input', type: 'number', inputmode: 'decimal' };
    }
  }

  class SMoneyField extends Field {
    inputKind() {
      return { tag: 'input', type: 'number', inputmode: 'decimal' };
    }

    update() {
      super.update();
      if (!this.hasAttribute('step')) this._input.step = 'any';
    }

    updateAffixes() {
      const prefix = this._shadow.querySelector('.prefix');
      const code = this.attr('currencycode', 'USD').toUpperCase();
      prefix.textContent = CURRENCY_SYMBOL[code] ?? code;
      prefix.hidden = false;
      this._shadow.querySelector('.suffix').hidden = true;
    }
  }

  class SDateField extends Field {
    inputKind() {
      return { tag: 'input', type: 'date' };
    }
  }

  class SColorField extends Field {
    updateAffixes() {
      const prefix = this._shadow.querySelector('.prefix');
      prefix.innerHTML = '<span class="swatch"></span>';
      prefix.hidden = false;
      prefix.firstChild.style.background = this._input.value || 'transparent';
      this._shadow.querySelector('.suffix').hidden = true;
    }

    sync() {
      super.sync();
      const swatch = this._shadow.querySelector('.swatch');
      if (swatch) swatch.style.background = this._input.value || 'transparent';
    }
  }

  class STextArea extends Field {
    inputKind() {
      return { tag: 'textarea' };
    }

    update() {
      super.update();
      this._input.rows = Number(this.attr('rows', '2')) || 2;
      this._shadow.querySelector('.control').style.alignItems = 'stretch';
    }
  }

  /* ----------------------------------------------------------------- select */

  class SSelect extends Field {
    inputKind() {
      return { tag: 'select' };
    }

    build() {
      super.build();
      this._shadow.querySelector('.suffix').insertAdjacentHTML('afterend', `<span class="affix chev">${iconSvg('chevron-down')}</span>`);
      this._observer = new MutationObserver(() => this.buildOptions());
      this._observer.observe(this, { childList: true, subtree: true, attributes: true, characterData: true });
    }

    connectedCallback() {
      super.connectedCallback();
      this.buildOptions();
    }

    /** Mirrors s-option / s-option-group children into native options. */
    buildOptions() {
      const select = this._input;
      const current = this._dirty ? select.value : null;
      select.textContent = '';
      const placeholder = this.attr('placeholder');
      if (placeholder) {
        const option = new Option(placeholder, '');
        option.disabled = true;
        select.append(option);
      }
      let defaultValue = null;
      const addOption = (parent, el) => {
        const option = new Option(el.textContent.trim(), el.getAttribute('value') ?? el.textContent.trim());
        option.disabled = isOn(el, 'disabled');
        if (isOn(el, 'selected') && defaultValue === null) defaultValue = option.value;
        parent.append(option);
      };
      for (const child of this.children) {
        if (child.localName === 's-option') addOption(select, child);
        else if (child.localName === 's-option-group') {
          const group = document.createElement('optgroup');
          group.label = child.getAttribute('label') ?? '';
          group.disabled = isOn(child, 'disabled');
          for (const opt of child.querySelectorAll(':scope > s-option')) addOption(group, opt);
          select.append(group);
        }
      }
      this._default = this.hasAttribute('value') ? this.attr('value') : defaultValue ?? (placeholder ? '' : null);
      if (current !== null) select.value = current;
      else if (this._default !== null) select.value = this._default;
      else select.selectedIndex = placeholder ? 0 : Math.max(0, select.selectedIndex);
      this.sync();
    }

    update() {
      super.update();
      this._shadow.querySelector('.control').style.cursor = 'pointer';
    }

    formResetCallback() {
      this._dirty = false;
      this.buildOptions();
    }

    set value(v) {
      if (this._input) {
        this._input.value = v ?? '';
        this._dirty = true;
        this.sync();
      } else {
        this.setAttribute('value', v ?? '');
      }
    }

    get value() {
      return this._input ? this._input.value : this.attr('value');
    }
  }

  class SOption extends HTMLElement {
    get value() {
      return this.getAttribute('value') ?? this.textContent.trim();
    }

    set value(v) {
      this.setAttribute('value', v);
    }

    get selected() {
      return isOn(this, 'selected');
    }

    set selected(v) {
      this.toggleAttribute('selected', Boolean(v));
    }
  }
  class SOptionGroup extends HTMLElement {}

  /* -------------------------------------------------- checkbox and switch */

  const CHECK_CSS = `
:host { display: block; }
.row { display: flex; gap: 8px; align-items: flex-start; }
input { width: 16px; height: 16px; margin: 2px 0 0; accent-color: #303030; flex: none; cursor: pointer; }
input:disabled { cursor: default; }
label { cursor: pointer; }
.text { display: flex; flex-direction: column; }
.details { color: var(--p-text-subdued); }
.error { display: flex; gap: 4px; color: var(--p-critical); }
.error svg.icon { width: 16px; height: 16px; margin-top: 2px; }
.switch { appearance: none; -webkit-appearance: none; width: 32px; height: 20px; border-radius: 10px; margin: 0;
  background: #8a8a8a; position: relative; transition: background .15s; }
.switch::after { content: ""; position: absolute; top: 2px; left: 2px; width: 16px; height: 16px; border-radius: 50%; background: #fff; transition: left .15s; }
.switch:checked { background: #303030; }
.switch:checked::after { left: 14px; }
.switch:disabled { background: #cccccc; }
.switch:focus-visible { outline: 2px solid var(--p-focus); outline-offset: 1px; }`;

  class SCheckbox extends Base {
    static get formAssociated() {
      return true;
    }

    static get styles() {
      return CHECK_CSS;
    }

    constructor() {
      super({ delegatesFocus: true });
      this._internals = this.attachInternals();
      this._id = nextId('s-check');
      this._dirty = false;
    }

    build() {
      const isSwitch = this.localName === 's-switch';
      this._shadow.innerHTML = `
<div class="row"><input type="checkbox" id="${this._id}" ${isSwitch ? 'role="switch" class="switch"' : ''}>
<div class="text"><label for="${this._id}" class="lbl"></label>
<div class="details" id="${this._id}-details"></div>
<div class="error" id="${this._id}-error">${iconSvg('alert-circle')}<span class="et"></span></div></div></div>`;
      this._input = this._shadow.querySelector('input');
      this._input.checked = this.on('checked');
      this._input.indeterminate = this.on('indeterminate');
      this._input.addEventListener('input', (event) => {
        event.stopPropagation();
        this._dirty = true;
        this.sync();
        this.emit('input');
      });
      this._input.addEventListener('change', () => {
        this._dirty = true;
        this.sync();
        this.emit('change');
      });
    }

    update() {
      const input = this._input;
      const label = this._shadow.querySelector('label');
      label.textContent = this.attr('label');
      label.classList.toggle('visually-hidden', this.attr('labelaccessibilityvisibility') === 'exclusive');
      if (!this.attr('label') && this.attr('accessibilitylabel')) input.setAttribute('aria-label', this.attr('accessibilitylabel'));
      const details = this._shadow.querySelector('.details');
      details.textContent = this.attr('details');
      details.hidden = !details.textContent;
      const error = this._shadow.querySelector('.error');
      error.querySelector('.et').textContent = this.attr('error');
      error.hidden = !this.attr('error');
      const describedBy = [!error.hidden && error.id, !details.hidden && details.id].filter(Boolean);
      if (describedBy.length) input.setAttribute('aria-describedby', describedBy.join(' '));
      else input.removeAttribute('aria-describedby');
      if (!error.hidden) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
      input.disabled = this.on('disabled') || this._formDisabled === true;
      input.required = this.on('required');
      if (!this._dirty) input.checked = this.on('checked');
      this.sync();
    }

    sync() {
      const name = this.attr('name');
      const value = this.attr('value', 'on');
      this._internals.setFormValue(name && this._input.checked ? value : null, String(this._input.checked));
      if (this._input.validity.valid) this._internals.setValidity({});
      else this._internals.setValidity(this._input.validity, this._input.validationMessage || 'Required', this._input);
    }

    get checked() {
      return this._input ? this._input.checked : this.on('checked');
    }

    set checked(v) {
      if (!this._input) {
        this.toggleAttribute('checked', Boolean(v));
        return;
      }
      this._input.checked = Boolean(v);
      this._dirty = true;
      this.sync();
    }

    get defaultChecked() {
      return this.on('checked');
    }

    set defaultChecked(v) {
      this.toggleAttribute('checked', Boolean(v));
    }

    get indeterminate() {
      return this._input ? this._input.indeterminate : this.on('indeterminate');
    }

    set indeterminate(v) {
      if (this._input) this._input.indeterminate = Boolean(v);
      else this.toggleAttribute('indeterminate', Boolean(v));
    }

    get value() {
      return this.attr('value', 'on');
    }

    set value(v) {
      this.setAttribute('value', v);
    }

    get form() {
      return this._internals.form;
    }

    formResetCallback() {
      this._dirty = false;
      if (this._input) {
        this._input.checked = this.on('checked');
        this._input.indeterminate = this.on('indeterminate');
      }
      this.sync();
    }

    formDisabledCallback(disabled) {
      this._formDisabled = disabled;
      if (this._rendered) this.update();
    }
  }

  class SSwitch extends SCheckbox {}

  /* ------------------------------------------------------------ choice list */

  class SChoiceList extends Base {
    static get formAssociated() {
      return true;
    }

    static get styles() {
      return `${CHECK_CSS}
fieldset { border: 0; margin: 0; padding: 0; min-width: 0; display: flex; flex-direction: column; gap: 8px; }
legend { padding: 0; margin-bottom: 4px; font-size: 13px; }
.choice { display: flex; gap: 8px; align-items: flex-start; }
input[type="radio"] { accent-color: #303030; }`;
    }

    constructor() {
      super({ delegatesFocus: true, slotAssignment: 'manual' });
      this._internals = this.attachInternals();
      this._id = nextId('s-choices');
      this._dirty = false;
    }

    build() {
      this._shadow.innerHTML = `<fieldset><legend></legend><div class="choices"></div>
<div class="error" id="${this._id}-error">${iconSvg('alert-circle')}<span class="et"></span></div>
<div class="details" id="${this._id}-details"></div></fieldset>`;
      this._observer = new MutationObserver((records) => {
        if (records.some((r) => r.type === 'childList' && r.target === this)) this.buildChoices();
      });
      this._observer.observe(this, { childList: true });
    }

    connectedCallback() {
      super.connectedCallback();
      this.buildChoices();
    }

    choices() {
      return [...this.children].filter((c) => c.localName === 's-choice');
    }

    buildChoices() {
      const box = this._shadow.querySelector('.choices');
      const multiple = this.on('multiple');
      const previous = this._dirty ? this.values : null;
      box.textContent = '';
      box.style.cssText = 'display:flex;flex-direction:column;gap:8px';
      this._inputs = this.choices().map((choice, i) => {
        const row = document.createElement('div');
        row.className = 'choice';
        const input = document.createElement('input');
        input.type = multiple ? 'checkbox' : 'radio';
        input.name = this._id;
        input.id = `${this._id}-${i}`;
        input.value = choice.getAttribute('value') ?? '';
        input.checked = previous ? previous.includes(input.value) : isOn(choice, 'selected');
        input.disabled = this.on('disabled') || isOn(choice, 'disabled');
        const label = document.createElement('label');
        label.htmlFor = input.id;
        const slot = document.createElement('slot');
        label.append(slot);
        row.append(input, label);
        box.append(row);
        slot.assign(choice);
        if (choice.getAttribute('accessibilitylabel')) input.setAttribute('aria-label', choice.getAttribute('accessibilitylabel'));
        input.addEventListener('input', (event) => {
          event.stopPropagation();
          this._dirty = true;
          this.sync();
          this.emit('input');
        });
        input.addEventListener('change', () => {
          this._dirty = true;
          this.sync();
          this.emit('change');
        });
        return input;
      });
      this.update();
    }

    update() {
      if (!this._inputs) return;
      const legend = this._shadow.querySelector('legend');
      legend.textContent = this.attr('label');
      legend.classList.toggle('visually-hidden', this.attr('labelaccessibilityvisibility') === 'exclusive');
      const error = this._shadow.querySelector('.error');
      error.querySelector('.et').textContent = this.attr('error');
      error.hidden = !this.attr('error');
      const details = this._shadow.querySelector('.details');
      details.textContent = this.attr('details');
      details.hidden = !details.textContent;
      const fieldset = this._shadow.querySelector('fieldset');
      const describedBy = [!error.hidden && error.id, !details.hidden && details.id].filter(Boolean);
      if (describedBy.length) fieldset.setAttribute('aria-describedby', describedBy.join(' '));
      else fieldset.removeAttribute('aria-describedby');
      if (!error.hidden) fieldset.setAttribute('aria-invalid', 'true');
      else fieldset.removeAttribute('aria-invalid');
      fieldset.disabled = this.on('disabled') || this._formDisabled === true;
      this.sync();
    }

    sync() {
      const name = this.attr('name');
      const values = this.values;
      if (!name || values.length === 0) {
        this._internals.setFormValue(null);
      } else {
        const data = new FormData();
        for (const v of values) data.append(name, v);
        this._internals.setFormValue(data);
      }
      this.choices().forEach((choice, i) => {
        choice.toggleAttribute('data-checked', Boolean(this._inputs?.[i]?.checked));
      });
    }

    get values() {
      return (this._inputs ?? []).filter((i) => i.checked).map((i) => i.value);
    }

    set values(list) {
      const wanted = new Set(Array.from(list ?? [], String));
      for (const input of this._inputs ?? []) input.checked = wanted.has(input.value);
      this._dirty = true;
      this.sync();
    }

    get value() {
      return this.values[0] ?? '';
    }

    get form() {
      return this._internals.form;
    }

    formResetCallback() {
      this._dirty = false;
      this.buildChoices();
    }

    formDisabledCallback(disabled) {
      this._formDisabled = disabled;
      if (this._rendered) this.update();
    }
  }

  class SChoice extends Base {
    static get styles() {
      return `
:host { display: block; cursor: pointer; }
.details { display: block; color: var(--p-text-subdued); }
.secondary { display: block; margin-top: 4px; }`;
    }

    build() {
      this._shadow.innerHTML = '<span><slot></slot></span><span class="details"><slot name="details"></slot></span><span class="secondary"><slot name="secondary-content"></slot></span>';
    }

    get selected() {
      const list = this.parentElement;
      return list?.localName === 's-choice-list' ? list.values.includes(this.getAttribute('value') ?? '') : this.on('selected');
    }

    set selected(v) {
      const list = this.parentElement;
      if (list?.localName === 's-choice-list' && list._inputs) {
        const input = list._inputs[list.choices().indexOf(this)];
        if (input) {
          input.checked = Boolean(v);
          list.sync();
        }
      } else {
        this.toggleAttribute('selected', Boolean(v));
      }
    }

    get value() {
      return this.getAttribute('value') ?? '';
    }

    set value(v) {
      this.setAttribute('value', v);
    }
  }

  /* -------------------------------------------------------------- drop zone */

  function accepts(file, accept) {
    if (!accept) return true;
    const name = file.name.toLowerCase();
    const type = (file.type || '').toLowerCase();
    return accept.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean).some((rule) => {
      if (rule.startsWith('.')) return name.endsWith(rule);
      if (rule.endsWith('/*')) return type.startsWith(rule.slice(0, -1));
      return type === rule;
    });
  }

  class SDropZone extends Base {
    static get formAssociated() {
      return true;
    }

    static get styles() {
      return `
:host { display: block; }
.field { display: flex; flex-direction: column; gap: 4px; }
.zone { position: relative; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 4px;
  min-height: 96px; padding: 16px; border: 1px dashed #8a8a8a; border-radius: 8px; background: #ffffff; text-align: center; }
.zone:hover, .zone.over { background: #f7f7f7; border-color: #303030; }
.zone.invalid { border-color: #e51c00; background: var(--p-critical-surface); }
.zone:focus-within { outline: 2px solid var(--p-focus); outline-offset: 1px; }
input[type="file"] { position: absolute; inset: 0; width: 100%; height: 100%; opacity: 0; cursor: pointer; }
input:disabled { cursor: default; }
.cta { display: inline-flex; padding: 4px 10px; border-radius: 8px; background: #ffffff; font-weight: 550; font-size: 12px;
  box-shadow: 0 -1px 0 0 #b5b5b5 inset, 0 0 0 1px rgba(0,0,0,.1) inset; }
.hint, .files { color: var(--p-text-subdued); }
.error { display: flex; gap: 4px; color: var(--p-critical); }
.error svg.icon { width: 16px; height: 16px; margin-top: 2px; }`;
    }

    constructor() {
      super({ delegatesFocus: true });
      this._internals = this.attachInternals();
      this._id = nextId('s-drop');
      this._files = [];
    }

    build() {
      this._shadow.innerHTML = `
<div class="field"><label class="lbl" for="${this._id}"></label>
<div class="zone"><span class="cta" aria-hidden="true">Add file</span><span class="hint" aria-hidden="true">or drop a file to upload</span>
<span class="files" aria-live="polite"></span><slot></slot><input type="file" id="${this._id}"></div>
<div class="error" id="${this._id}-error">${iconSvg('alert-circle')}<span class="et"></span></div></div>`;
      this._input = this._shadow.querySelector('input');
      const zone = this._shadow.querySelector('.zone');
      this._input.addEventListener('dragenter', () => zone.classList.add('over'));
      this._input.addEventListener('dragleave', () => zone.classList.remove('over'));
      this._input.addEventListener('drop', () => zone.classList.remove('over'));
      this._input.addEventListener('input', (event) => event.stopPropagation());
      this._input.addEventListener('change', () => this.take([...this._input.files]));
    }

    /** Keeps the accepted files; rejected ones fire `droprejected`. */
    take(files) {
      const accept = this.attr('accept');
      const accepted = files.filter((f) => accepts(f, accept));
      const rejected = files.filter((f) => !accepts(f, accept));
      let kept = this.on('multiple') ? accepted : accepted.slice(0, 1);
      if (rejected.length) {
        this.emit('droprejected', { bubbles: false, detail: { files: rejected } });
      }
      if (kept.length === 0 && rejected.length) kept = [];
      this._files = kept;
      if (kept.length === 0) this._input.value = '';
      this.sync();
      this.emit('input');
      this.emit('change');
    }

    update() {
      const label = this._shadow.querySelector('label');
      label.textContent = this.attr('label') || this.attr('accessibilitylabel') || 'Upload file';
      label.classList.toggle('visually-hidden', this.attr('labelaccessibilityvisibility') === 'exclusive' || !this.attr('label'));
      this._input.accept = this.attr('accept');
      this._input.multiple = this.on('multiple');
      this._input.disabled = this.on('disabled') || this._formDisabled === true;
      this._input.required = this.on('required');
      const error = this._shadow.querySelector('.error');
      error.querySelector('.et').textContent = this.attr('error');
      error.hidden = !this.attr('error');
      this._shadow.querySelector('.zone').classList.toggle('invalid', !error.hidden);
      if (!error.hidden) {
        this._input.setAttribute('aria-describedby', error.id);
        this._input.setAttribute('aria-invalid', 'true');
      } else {
        this._input.removeAttribute('aria-describedby');
        this._input.removeAttribute('aria-invalid');
      }
      this.sync();
    }

    sync() {
      const name = this.attr('name');
      if (name && this._files.length) {
        const data = new FormData();
        for (const file of this._files) data.append(name, file);
        this._internals.setFormValue(data);
      } else {
        this._internals.setFormValue(null);
      }
      if (this.on('required') && this._files.length === 0) {
        this._internals.setValidity({ valueMissing: true }, 'Choose a file', this._input);
      } else {
        this._internals.setValidity({});
      }
      this._shadow.querySelector('.files').textContent = this._files.map((f) => f.name).join(', ');
    }

    get files() {
      return [...this._files];
    }

    get value() {
      return this._files.length ? `C:\\fakepath\\${this._files[0].name}` : '';
    }

    set value(v) {
      if (v === '' || v === null || v === undefined) {
        this._files = [];
        if (this._input) this._input.value = '';
        if (this._rendered) this.sync();
      }
    }

    get form() {
      return this._internals.form;
    }

    formResetCallback() {
      this.value = '';
    }

    formDisabledCallback(disabled) {
      this._formDisabled = disabled;
      if (this._rendered) this.update();
    }
  }

  /* --------------------------------------------------------------- overlays */

  /**
   * s-modal: a native modal <dialog> (focus trap, Escape, top layer) in the shadow root.
   * Fires `show` / `aftershow` and `hide` / `afterhide`; App Bridge listens for them to dim the
   * admin around the app while the dialog is open.
   */
  class SModal extends Base {
    static get styles() {
      return `
:host { display: contents; }
dialog { padding: 0; border: 0; border-radius: 16px; width: min(620px, calc(100vw - 32px)); max-height: calc(100vh - 64px);
  color: var(--p-text); background: #ffffff; box-shadow: 0 20px 20px -8px rgba(26,26,26,.28), 0 0 0 1px rgba(0,0,0,.06);
  font-family: var(--p-font); font-size: 13px; line-height: 20px; overflow: hidden; }
dialog[open] { display: flex; flex-direction: column; }
dialog::backdrop { background: rgba(0,0,0,.5); }
:host([size="small"]) dialog, :host([size="small-100"]) dialog { width: min(380px, calc(100vw - 32px)); }
:host([size="large"]) dialog { width: min(980px, calc(100vw - 32px)); }
:host([size="large-100"]) dialog { width: calc(100vw - 64px); height: calc(100vh - 64px); }
.header { display: flex; align-items: center; gap: 8px; padding: 12px 12px 12px 16px; background: #f3f3f3; border-bottom: 1px solid var(--p-border); }
h2 { flex: 1; margin: 0; font-size: 14px; line-height: 20px; font-weight: 650; }
.close { border: 0; background: transparent; border-radius: 8px; width: 28px; height: 28px; cursor: pointer;
  display: inline-flex; align-items: center; justify-content: center; color: #303030; }
.close:hover { background: rgba(0,0,0,.06); }
.body { padding: 16px; overflow: auto; flex: 1; }
:host([padding="none"]) .body { padding: 0; }
.footer { display: flex; justify-content: flex-end; gap: 8px; padding: 12px 16px; border-top: 1px solid var(--p-border); }
.footer[hidden] { display: none; }`;
    }

    build() {
      this._shadow.innerHTML = `
<dialog part="dialog"><div class="header"><h2 id="h"></h2>
<button type="button" class="close" aria-label="Close">${iconSvg('x')}</button></div>
<div class="body"><slot></slot></div>
<div class="footer"><slot name="secondary-actions"></slot><slot name="primary-action"></slot></div></dialog>`;
      this._dialog = this._shadow.querySelector('dialog');
      this._shadow.querySelector('.close').addEventListener('click', () => this.hideOverlay());
      this._dialog.addEventListener('cancel', (event) => {
        event.preventDefault();
        this.hideOverlay();
      });
      this._dialog.addEventListener('click', (event) => {
        if (event.target === this._dialog) {
          const r = this._dialog.getBoundingClientRect();
          const inside = event.clientX >= r.left && event.clientX <= r.right && event.clientY >= r.top && event.clientY <= r.bottom;
          if (!inside) this.hideOverlay();
        }
      });
      for (const slot of this._shadow.querySelectorAll('.footer slot')) slot.addEventListener('slotchange', () => this.update());
    }

    update() {
      const h2 = this._shadow.querySelector('h2');
      h2.textContent = this.attr('heading');
      const label = this.attr('accessibilitylabel');
      if (label) {
        this._dialog.setAttribute('aria-label', label);
        this._dialog.removeAttribute('aria-labelledby');
      } else {
        this._dialog.setAttribute('aria-labelledby', 'h');
        this._dialog.removeAttribute('aria-label');
      }
      this._shadow.querySelector('.header').hidden = !h2.textContent;
      if (!h2.textContent && !label) this._dialog.setAttribute('aria-label', 'Dialog');
      this._shadow.querySelector('.footer').hidden = ![...this._shadow.querySelectorAll('.footer slot')]
        .some((s) => s.assignedElements().length);
    }

    get open() {
      return Boolean(this._dialog?.open);
    }

    showOverlay() {
      if (!this._rendered) this.connectedCallback();
      if (this._dialog.open) return;
      this.emit('show', { bubbles: false });
      this._dialog.showModal();
      requestAnimationFrame(() => this.emit('aftershow', { bubbles: false }));
    }

    hideOverlay() {
      if (!this._dialog?.open) return;
      this.emit('hide', { bubbles: false });
      this._dialog.close();
      requestAnimationFrame(() => this.emit('afterhide', { bubbles: false }));
    }

    toggleOverlay() {
      if (this.open) this.hideOverlay();
      else this.showOverlay();
    }

    disconnectedCallback() {
      if (this._dialog?.open) this.hideOverlay();
    }
  }

  /** s-popover and s-menu: a floating panel (the popover API) placed under the invoking button. */
  class SPopover extends Base {
    static get styles() {
      return `
:host { display: contents; }
.panel { position: fixed; inset: auto; margin: 0; padding: 4px; border: 0; border-radius: 12px; background: #ffffff;
  color: var(--p-text); box-shadow: 0 4px 12px rgba(0,0,0,.18), 0 0 0 1px rgba(0,0,0,.08); min-width: 160px; max-width: 360px;
  font-family: var(--p-font); font-size: 13px; }
.list { display: flex; flex-direction: column; gap: 2px; }`;
    }

    build() {
      this._shadow.innerHTML = '<div class="panel" popover="auto"><div class="list"><slot></slot></div></div>';
      this._panel = this._shadow.querySelector('.panel');
      this._panel.addEventListener('toggle', (event) => {
        const open = event.newState === 'open';
        this.emit(open ? 'show' : 'hide', { bubbles: false });
        this.emit('toggle', { bubbles: false });
        this._invoker?.update?.();
        requestAnimationFrame(() => {
          this.emit(open ? 'aftershow' : 'afterhide', { bubbles: false });
          this.emit('aftertoggle', { bubbles: false });
        });
      });
      if (this.localName === 's-menu') {
        this.addEventListener('click', (event) => {
          if (event.composedPath().some((n) => n.localName === 's-button' || n.localName === 's-link')) {
            setTimeout(() => this.hideOverlay(), 0);
          }
        });
      }
    }

    update() {
      const label = this.attr('accessibilitylabel');
      const list = this._shadow.querySelector('.list');
      if (label) {
        list.setAttribute('role', 'group');
        list.setAttribute('aria-label', label);
      }
      for (const [attr, prop] of [['inlinesize', 'width'], ['blocksize', 'height'], ['mininlinesize', 'minWidth'],
        ['maxinlinesize', 'maxWidth'], ['minblocksize', 'minHeight'], ['maxblocksize', 'maxHeight']]) {
        this._panel.style[prop] = this.hasAttribute(attr) ? sizeValue(this.attr(attr)) : '';
      }
    }

    get open() {
      return Boolean(this._panel?.matches(':popover-open'));
    }

    showOverlay(invoker) {
      if (!this._rendered) this.connectedCallback();
      this._invoker = invoker;
      if (!this.open) this._panel.showPopover();
      place(this._panel, invoker);
    }

    hideOverlay() {
      if (this.open) this._panel.hidePopover();
    }

    toggleOverlay(invoker) {
      if (this.open) this.hideOverlay();
      else this.showOverlay(invoker);
    }
  }

  class SMenu extends SPopover {}

  /* ------------------------------------------------------------ registration */

  const FIELD = ['id', 'disabled', 'name', 'value', 'details', 'error', 'label', 'required',
    'labelaccessibilityvisibility', 'placeholder', 'readonly', 'autocomplete'];

  define('s-page', SPage, ['inlinesize', 'heading']);
  define('s-section', SSection, ['accessibilitylabel', 'heading', 'subheading', 'padding']);
  define('s-box', SBox, [...BOX_ATTRIBUTES]);
  define('s-stack', SStack, ['justifycontent', 'alignitems', 'aligncontent', 'gap', 'rowgap', 'columngap', 'direction', ...BOX_ATTRIBUTES]);
  define('s-grid', SGrid, ['alignitems', 'justifyitems', 'placeitems', 'aligncontent', 'justifycontent', 'placecontent',
    'gap', 'rowgap', 'columngap', 'gridtemplatecolumns', 'gridtemplaterows', ...BOX_ATTRIBUTES]);
  define('s-grid-item', SGridItem, ['gridcolumn', 'gridrow', ...BOX_ATTRIBUTES]);
  define('s-scroll-box', SScrollBox, ['overflow', 'accessibilityrole', 'accessibilitylabel', 'accessibilityvisibility',
    'background', 'blocksize', 'border', 'bordercolor', 'borderradius', 'borderstyle', 'borderwidth', 'inlinesize',
    'maxblocksize', 'maxinlinesize', 'minblocksize', 'mininlinesize', 'display', 'padding', 'paddingblock',
    'paddingblockstart', 'paddingblockend', 'paddinginline', 'paddinginlinestart', 'paddinginlineend']);
  define('s-query-container', SQueryContainer, ['containername', 'id']);
  define('s-divider', SDivider, ['direction', 'color']);
  define('s-heading', SHeading, ['fontsize', 'accessibilityrole', 'accessibilityvisibility', 'lineclamp']);
  define('s-text', SText, ['color', 'type', 'tone', 'fontvariantnumeric', 'fontsize', 'fontweight', 'accessibilityvisibility', 'dir', 'interestfor']);
  define('s-paragraph', SParagraph, ['color', 'tone', 'fontsize', 'fontweight', 'fontvariantnumeric', 'accessibilityvisibility', 'dir', 'lineclamp']);
  define('s-number', SNumber, ['tone', 'color', 'fontsize', 'fontweight', 'accessibilityvisibility', 'dir']);
  define('s-button', SButton, ['tone', 'icon', 'accessibilitylabel', 'variant', 'lang', 'type', 'interestfor', 'disabled',
    'download', 'target', 'inlinesize', 'commandfor', 'command', 'loading', 'href']);
  define('s-press-button', SPressButton, ['tone', 'icon', 'variant', 'disabled', 'accessibilitylabel', 'inlinesize', 'loading', 'lang', 'pressed']);
  define('s-button-group', SButtonGroup, ['accessibilitylabel', 'gap']);
  define('s-link', SLink, ['tone', 'accessibilitylabel', 'lang', 'interestfor', 'download', 'target', 'commandfor', 'command', 'href']);
  define('s-clickable', SClickable, ['loading', 'lang', 'disabled', ...BOX_ATTRIBUTES, 'type', 'interestfor', 'download',
    'target', 'commandfor', 'command', 'href']);
  define('s-badge', SBadge, ['color', 'icon', 'size', 'tone']);
  define('s-banner', SBanner, ['tone', 'heading', 'dismissible', 'hidden']);
  define('s-spinner', SSpinner, ['size', 'accessibilitylabel']);
  define('s-progress', SProgress, ['accessibilitylabel', 'max', 'tone', 'value']);
  define('s-tooltip', STooltip, ['id']);
  define('s-icon', SIcon, ['type', 'tone', 'color', 'size', 'interestfor']);
  define('s-image', SImage, ['loading', 'accessibilityrole', 'inlinesize', 'aspectratio', 'objectfit', 'src', 'alt',
    'srcset', 'sizes', 'border', 'bordercolor', 'borderradius', 'borderstyle', 'borderwidth']);
  define('s-thumbnail', SThumbnail, ['size', 'src', 'alt']);
  define('s-avatar', SAvatar, ['size', 'alt', 'src', 'initials']);
  define('s-unordered-list', SList, ['children', 'id']);
  define('s-ordered-list', class extends SList {}, ['children', 'id']);
  define('s-list-item', SListItem, ['children', 'id']);
  define('s-chip', SChip, ['color', 'accessibilitylabel', 'removable']);
  define('s-clickable-chip', class extends SChip {}, ['hidden', 'disabled', 'href', 'removable', 'color', 'interestfor',
    'accessibilitylabel', 'commandfor', 'command']);
  define('s-empty-state', SEmptyState, ['heading']);
  define('s-table', STable, ['variant', 'loading', 'paginate', 'haspreviouspage', 'hasnextpage']);
  define('s-table-header-row', STableHeaderRow, ['children', 'id']);
  define('s-table-header', STableHeader, ['listslot', 'format']);
  define('s-table-body', STableBody, ['children', 'id']);
  define('s-table-row', STableRow, ['children', 'clickdelegate']);
  define('s-table-cell', STableCell, ['children', 'id']);
  define('s-text-field', STextField, [...FIELD, 'icon', 'maxlength', 'minlength', 'suffix', 'prefix']);
  define('s-email-field', SEmailField, [...FIELD, 'maxlength', 'minlength']);
  define('s-url-field', SUrlField, [...FIELD, 'maxlength', 'minlength']);
  define('s-password-field', SPasswordField, [...FIELD, 'maxlength', 'minlength']);
  define('s-search-field', SSearchField, [...FIELD, 'maxlength', 'minlength']);
  define('s-number-field', SNumberField, [...FIELD, 'inputmode', 'max', 'suffix', 'prefix', 'min', 'step']);
  define('s-money-field', SMoneyField, [...FIELD, 'max', 'min', 'currencycode']);
  define('s-date-field', SDateField, [...FIELD, 'view', 'allow', 'disallow', 'allowdays', 'disallowdays']);
  define('s-color-field', SColorField, [...FIELD, 'alpha']);
  define('s-text-area', STextArea, [...FIELD, 'maxlength', 'minlength', 'rows']);
  define('s-select', SSelect, ['value', 'icon', 'id', 'disabled', 'name', 'details', 'error', 'label', 'required',
    'labelaccessibilityvisibility', 'placeholder']);
  define('s-option', SOption, ['disabled', 'value', 'selected']);
  define('s-option-group', SOptionGroup, ['disabled', 'label']);
  define('s-checkbox', SCheckbox, ['indeterminate', 'required', 'labelaccessibilityvisibility', 'value', 'disabled',
    'accessibilitylabel', 'checked', 'details', 'error', 'label', 'name']);
  define('s-switch', SSwitch, ['value', 'disabled', 'accessibilitylabel', 'checked', 'details', 'error', 'label',
    'required', 'name', 'labelaccessibilityvisibility']);
  define('s-choice-list', SChoiceList, ['disabled', 'multiple', 'details', 'error', 'label', 'name',
    'labelaccessibilityvisibility', 'values']);
  define('s-choice', SChoice, ['disabled', 'accessibilitylabel', 'value', 'selected']);
  define('s-drop-zone', SDropZone, ['accessibilitylabel', 'multiple', 'accept', 'disabled', 'error', 'label', 'required',
    'name', 'labelaccessibilityvisibility', 'value', 'files']);
  define('s-modal', SModal, ['size', 'heading', 'accessibilitylabel', 'padding']);
  define('s-popover', SPopover, ['blocksize', 'inlinesize', 'maxblocksize', 'maxinlinesize', 'minblocksize', 'mininlinesize']);
  define('s-menu', SMenu, ['accessibilitylabel', 'id']);
})();
