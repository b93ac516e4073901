/*! <gridprice-calculator> — Gridprice's made-to-measure price calculator. One file, no
 * dependencies, no build step. Classic script, ES module and Node (tests) alike: it registers the
 * element only where `customElements` exists and exposes its pure helpers as
 * `globalThis.GridpriceCalculator` (CommonJS `module.exports` under Node). */
(function (root) {
  'use strict';

  // ---- pure helpers (unit-tested under Node) ----

  /** Micrometres per unit: every conversion is exact integer arithmetic. */
  var UNITS = { mm: 1000n, cm: 10000n, m: 1000000n, in: 25400n, ft: 304800n };
  var SCALE = 10000n; // sizes carry at most 4 decimals

  /** Integer minor units (number, bigint or digit string) → decimal string, by string arithmetic. */
  function minorToDecimal(minor, digits) {
    var s = typeof minor === 'bigint' ? minor.toString() : String(minor);
    if (!/^-?\d+$/.test(s) || !(digits >= 0 && digits <= 6)) throw new TypeError('minor units must be an integer');
    var neg = s[0] === '-';
    if (neg) s = s.slice(1);
    s = s.replace(/^0+(?=\d)/, '');
    if (digits > 0) {
      s = s.padStart(digits + 1, '0');
      s = s.slice(0, -digits) + '.' + s.slice(-digits);
    }
    return (neg && /[1-9]/.test(s) ? '-' : '') + s;
  }

  var fmtCache = new Map();
  function nf(locale, opts) {
    var k = locale + JSON.stringify(opts);
    var f = fmtCache.get(k);
    if (!f) {
      try { f = new Intl.NumberFormat(locale, opts); } catch (e) { f = new Intl.NumberFormat('en', opts); }
      fmtCache.set(k, f);
    }
    return f;
  }

  /** The currency's exponent as Intl knows it (USD 2, JPY 0, KWD 3). */
  function currencyDigits(currency) {
    return nf('en', { style: 'currency', currency: currency }).resolvedOptions().maximumFractionDigits;
  }

  /** Formats exact minor units; `sign` adds "+" to positive amounts (modifiers). */
  function formatMoney(minor, currency, locale, digits, sign) {
    var d = digits == null ? currencyDigits(currency) : digits;
    return nf(locale, {
      style: 'currency', currency: currency, minimumFractionDigits: d, maximumFractionDigits: d,
      signDisplay: sign ? 'exceptZero' : 'auto'
    }).format(minorToDecimal(minor, d)); // a string: formatted exactly, never through a float
  }

  /** A plain decimal size ("600", "450.5"; "450,5" accepted) → its text, or null. */
  function parseSize(text) {
    var s = String(text == null ? '' : text).trim();
    if (s.indexOf('.') < 0 && (s.match(/,/g) || []).length === 1) s = s.replace(',', '.');
    var m = /^(\d{1,7})(?:\.(\d{1,4}))?$/.exec(s);
    if (!m) return null;
    var scaled = BigInt(m[1] + (m[2] || '').padEnd(4, '0'));
    if (scaled <= 0n || scaled > 1000000n * SCALE) return null;
    return s.replace(/^0+(?=\d)/, '');
  }

  /** num/den (positive bigints) → decimal text with at most `places` decimals, rounded by `mode`. */
  function ratio(num, den, places, mode) {
    var scale = 10n ** BigInt(places);
    var q = (num * scale) / den, r = (num * scale) % den;
    if (r > 0n && (mode === 'ceil' || (mode === 'round' && 2n * r >= den))) q += 1n;
    var text = minorToDecimal(q, places);
    if (places > 0) text = text.replace(/\.?0+$/, '');
    return { text: text, exact: r === 0n };
  }

  /** Converts a decimal size between units: exact when it terminates within `places`. */
  function convert(value, from, to, places, mode) {
    var m = /^(\d+)(?:\.(\d+))?$/.exec(String(value));
    if (!m || !UNITS[from] || !UNITS[to]) return null;
    var frac = m[2] || '';
    var num = BigInt(m[1] + frac) * UNITS[from];
    var den = UNITS[to] * 10n ** BigInt(frac.length);
    return ratio(num, den, places == null ? 4 : places, mode || 'round');
  }

  /** The matrix range shown in `unit`: exact to 2 decimals, else rounded inwards (every value
   *  shown is accepted) and flagged so the caller adds the matrix-unit range. */
  function rangeIn(min, max, matrixUnit, unit) {
    var lo = convert(min, matrixUnit, unit, 2, 'ceil'), hi = convert(max, matrixUnit, unit, 2, 'floor');
    if (!lo || !hi) return null;
    return { min: lo.text, max: hi.text, exact: lo.exact && hi.exact };
  }

  /** Seconds to wait from a Retry-After header (delta or HTTP date); null when absent/bad. */
  function retryAfter(value, now) {
    if (value == null || value === '') return null;
    if (/^\d+$/.test(value)) return Number(value);
    var t = Date.parse(value);
    return isNaN(t) ? null : Math.max(0, Math.ceil((t - (now == null ? Date.now() : now)) / 1000));
  }

  /** One Idempotency-Key per purchase intent: the same key while the choice stays the same (a
   *  double click, a retry after 409/429/503 or a network error), a new one when it changes, and
   *  a new one after an answer that settles the key for good (201/200 keep it: a repeat is the
   *  same order; 4xx other than 409/429 drop it). */
  function createIntent(uuid) {
    var sig = null, key = null;
    return {
      keyFor: function (signature) {
        if (signature !== sig || !key) { sig = signature; key = uuid(); }
        return key;
      },
      settle: function (status) {
        if (status >= 400 && status < 500 && status !== 409 && status !== 429) key = null;
      }
    };
  }

  /** A problem+json answer → messages for fields (width, height, quantity) and the form. */
  function mapProblem(status, problem, t, ranges) {
    var out = { fields: {}, form: '' };
    var errors = (problem && typeof problem.errors === 'object' && problem.errors) || {};
    var first = function (k) { var v = errors[k]; return Array.isArray(v) ? String(v[0] || '') : String(v || ''); };
    if (status === 400) {
      ['width', 'height'].forEach(function (f) {
        if (errors[f]) out.fields[f] = ranges && ranges[f] ? t(f === 'width' ? 'errorWidth' : 'errorHeight', ranges[f]) : first(f);
      });
      if (errors.quantity) out.fields.quantity = t('errorQuantity');
      var rest = Object.keys(errors).filter(function (k) { return !(k in out.fields); });
      if (rest.length) out.form = first(rest[0]);
      else if (!Object.keys(out.fields).length) out.form = (problem && problem.detail) || t('errorGeneric');
    } else if (status === 0) out.form = t('errorNetwork');
    else if (status === 404) out.form = t('errorProduct');
    else if (status === 409 || status === 429 || status === 503) out.form = t('errorBusy');
    else if (status === 422) out.form = t('errorOrder', { detail: (problem && problem.detail) || '' });
    else out.form = t('errorGeneric');
    return out;
  }

  /** "{min}–{max}" with named values. */
  function template(text, vars) {
    return String(text).replace(/\{(\w+)\}/g, function (m, k) { return vars && vars[k] != null ? vars[k] : m; });
  }

  var TEXTS = {
    width: 'Width', height: 'Height', unit: 'Unit', quantity: 'Quantity', button: 'Buy now',
    range: '{min}–{max} {unit}', rangeMatrix: '{min}–{max} {unit} ({matrixMin}–{matrixMax} {matrixUnit})',
    total: 'Total', base: 'Base price', unitPrice: 'Unit price', each: '{price} each', none: 'None',
    prompt: 'Enter a width and height to see your price.', loading: 'Loading…', buying: 'Adding…',
    errorNumber: 'Enter a number such as 120.5.', errorRequired: 'Enter a size.',
    errorWidth: 'Enter a width from {min} to {max} {unit}.', errorHeight: 'Enter a height from {min} to {max} {unit}.',
    errorQuantity: 'Enter a whole number from 1 to 10000.', errorNetwork: 'We could not reach the shop. Check your connection and try again.',
    errorBusy: 'The shop is busy right now. Please try again in a moment.', errorProduct: 'This product cannot be ordered to size right now.',
    errorOrder: 'This order could not be created. {detail}', errorGeneric: 'Something went wrong. Please try again.'
  };

  var api = {
    UNITS: UNITS, TEXTS: TEXTS, minorToDecimal: minorToDecimal, formatMoney: formatMoney, currencyDigits: currencyDigits,
    parseSize: parseSize, convert: convert, rangeIn: rangeIn, retryAfter: retryAfter, createIntent: createIntent,
    mapProblem: mapProblem, template: template
  };
  root.GridpriceCalculator = api;
  if (typeof module === 'object' && module && module.exports) module.exports = api;
  if (typeof customElements === 'undefined' || customElements.get('gridprice-calculator')) return;

  // ---- the element ----

  var CSS = ':host{--a:var(--gridprice-accent,#1a5dab);display:block;font:var(--gridprice-font,inherit);color:var(--gridprice-text,inherit);' +
    'max-width:34rem}[hidden]{display:none!important}form{display:grid;gap:var(--gridprice-gap,.9rem)}' +
    '.row{display:grid;gap:.75rem;grid-template-columns:repeat(auto-fit,minmax(6rem,1fr))}.o{grid-template-columns:repeat(auto-fit,minmax(12rem,1fr))}.q{max-width:11rem}' +
    '.f{display:grid;gap:.3rem;align-content:start;min-width:0}label{font-weight:600;font-size:.9em}' +
    'input,select{font:inherit;color:inherit;box-sizing:border-box;width:100%;min-height:2.75rem;padding:.5rem .7rem;' +
    'border:1px solid var(--gridprice-border,#8c9196);border-radius:var(--gridprice-radius,8px);background:var(--gridprice-field-bg,#fff)}' +
    'input:focus-visible,select:focus-visible,button:focus-visible{outline:2px solid var(--a);outline-offset:2px}' +
    '[aria-invalid=true]{border-color:var(--gridprice-error,#b42318)}.h{font-size:.85em;color:var(--gridprice-muted,#5c5f62);margin:0}' +
    '.e{font-size:.85em;color:var(--gridprice-error,#b42318);margin:0}.p{border-top:1px solid var(--gridprice-border,#d2d5d8);padding-top:.8rem;min-height:2.5rem}' +
    '.p.busy{opacity:.55}.t{display:flex;justify-content:space-between;align-items:baseline;gap:1rem;margin:0}.t b{font-size:1.6em}' +
    'dl{display:grid;grid-template-columns:1fr auto;gap:.2rem 1rem;margin:.6rem 0 0;font-size:.9em}dd{margin:0;text-align:right;font-variant-numeric:tabular-nums}' +
    'dt,dd{color:var(--gridprice-muted,#5c5f62)}button{font:inherit;font-weight:600;min-height:3rem;border:0;cursor:pointer;' +
    'border-radius:var(--gridprice-radius,8px);background:var(--a);color:var(--gridprice-accent-text,#fff);padding:.7rem 1.2rem}' +
    'button[aria-disabled=true]{opacity:.6;cursor:progress}.m{margin:0;color:var(--gridprice-error,#b42318)}';

  var uid = 0;
  function el(tag, attrs, text) {
    var n = document.createElement(tag);
    for (var k in attrs) if (attrs[k] != null) n.setAttribute(k, attrs[k]);
    if (text != null) n.textContent = text;
    return n;
  }
  function plainNumber(v) { // a JSON number (≤ 4 decimals) as its decimal text
    var s = String(v);
    return /^-?\d+(\.\d+)?$/.test(s) ? s : null;
  }

  class GridpriceCalculatorElement extends HTMLElement {
    static get observedAttributes() { return ['product-id', 'api-url', 'api-key', 'proxy-url', 'units', 'locale']; }

    constructor() {
      super();
      this.attachShadow({ mode: 'open' });
      this._id = 'gp' + (++uid);
      this._intent = createIntent(function () { return crypto.randomUUID(); });
    }

    connectedCallback() { if (!this._started) { this._started = true; this._load(); } }
    disconnectedCallback() { this._abort(); clearTimeout(this._timer); this._started = false; }
    attributeChangedCallback(name, was, now) { if (this._started && was !== now) this._load(); }

    t(key, vars) { return template(this.getAttribute('text-' + key.replace(/[A-Z]/g, function (c) { return '-' + c.toLowerCase(); })) || TEXTS[key], vars); }

    get _locale() {
      var l = this.getAttribute('locale') || document.documentElement.lang || navigator.language || 'en';
      try { return Intl.getCanonicalLocales(l)[0]; } catch (e) { return 'en'; }
    }

    _base() {
      var proxy = this.getAttribute('proxy-url');
      if (proxy) return { url: proxy.replace(/\/+$/, ''), headers: {} };
      var api = (this.getAttribute('api-url') || '').replace(/\/+$/, '');
      return { url: api + '/api/v1', headers: { 'X-API-Key': this.getAttribute('api-key') || '' } };
    }

    async _call(path, init) {
      var b = this._base();
      init = init || {};
      init.headers = Object.assign({ Accept: 'application/json' }, b.headers, init.headers);
      var res;
      try { res = await fetch(b.url + path, init); } catch (e) {
        if (e && e.name === 'AbortError') throw e;
        return { status: 0, body: null, headers: null };
      }
      var body = null;
      try { body = await res.json(); } catch (e) { /* not JSON */ }
      return { status: res.status, body: body, headers: res.headers };
    }

    _abort() { if (this._ctrl) this._ctrl.abort(); this._ctrl = null; }

    async _load() {
      this._abort();
      var id = this.getAttribute('product-id');
      this._p = null; this._q = null;
      this._shell();
      this._price.textContent = this.t('loading');
      if (!id) { this._price.textContent = ''; this._formError(this.t('errorProduct')); return; }
      var seq = this._loadSeq = (this._loadSeq || 0) + 1;
      var r = await this._call('/products/' + encodeURIComponent(id)).catch(function () { return { status: 0 }; });
      if (seq !== this._loadSeq) return;
      if (r.status !== 200 || !r.body || !r.body.dimensionRange) {
        this._price.textContent = '';
        this._formError(mapProblem(r.status === 200 ? 500 : r.status, r.body, this.t.bind(this)).form);
        return;
      }
      this._p = r.body;
      this._build();
    }

    _shell() {
      var s = this.shadowRoot;
      s.textContent = '';
      s.appendChild(el('style', {}, CSS));
      var form = this._form = el('form', { part: 'form', novalidate: '' });
      this._fields = el('div', { part: 'fields' });
      this._fields.style.display = 'contents';
      this._price = el('div', { part: 'price', class: 'p', 'aria-live': 'polite' });
      this._msg = el('p', { part: 'message', class: 'm', role: 'alert', hidden: '' });
      this._btn = el('button', { part: 'button', type: 'submit' }, this.getAttribute('button-label') || this.t('button'));
      form.append(this._fields, this._price, this._msg, this._btn);
      form.addEventListener('submit', this._buy.bind(this));
      s.appendChild(form);
    }

    _field(name, label, control, hint) {
      var id = this._id + name, f = el('div', { class: 'f', part: 'field' });
      control.id = id;
      control.setAttribute('part', control.tagName === 'SELECT' ? 'select' : 'input');
      var described = [];
      if (hint) { hint.id = id + 'h'; hint.className = 'h'; hint.setAttribute('part', 'hint'); described.push(hint.id); }
      var err = el('p', { id: id + 'e', class: 'e', part: 'error', hidden: '' });
      described.push(err.id);
      control.setAttribute('aria-describedby', described.join(' '));
      f.append(el('label', { for: id, part: 'label' }, label), control);
      if (hint) f.appendChild(hint);
      f.appendChild(err);
      this._ctl[name] = { control: control, error: err, hint: hint };
      return f;
    }

    _build() {
      var p = this._p, self = this, loc = this._locale;
      this._ctl = {};
      this._digits = p.currencyDigits != null ? p.currencyDigits : currencyDigits(p.currency);
      var units = (this.getAttribute('units') || '').split(',').map(function (u) { return u.trim().toLowerCase(); })
        .filter(function (u) { return UNITS[u] && u !== p.unit; });
      units.unshift(p.unit);
      units = units.filter(function (u, i) { return units.indexOf(u) === i; });
      this._unit = p.unit;
      var dims = el('div', { class: 'row' });
      ['width', 'height'].forEach(function (d) {
        var input = el('input', { inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', required: '' });
        input.addEventListener('input', function () { self._changed(); });
        input.addEventListener('blur', function () { self._check(d, true); });
        dims.appendChild(self._field(d, self.t(d), input, el('p')));
      });
      var unitSel = el('select');
      units.forEach(function (u) { unitSel.appendChild(el('option', { value: u }, u)); });
      if (units.length < 2) unitSel.disabled = true;
      unitSel.addEventListener('change', function () { self._unitChanged(unitSel.value); });
      dims.appendChild(this._field('unit', this.t('unit'), unitSel));
      var opts = el('div', { class: 'row o', part: 'options' });
      (p.optionGroups || []).forEach(function (g) {
        var sel = el('select', { 'data-group': g.id });
        var hasDefault = (g.choices || []).some(function (c) { return c.isDefault; });
        if (g.requirement !== 'REQUIRED' && !hasDefault) sel.appendChild(el('option', { value: '' }, self.t('none')));
        (g.choices || []).forEach(function (c) {
          var o = el('option', { value: c.id }, self._choiceLabel(c, loc));
          if (c.isDefault) o.selected = true;
          sel.appendChild(o);
        });
        sel.addEventListener('change', function () { self._changed(); });
        opts.appendChild(self._field('g' + g.id, g.name, sel));
      });
      var qty = el('input', { type: 'number', min: '1', max: '10000', step: '1', inputmode: 'numeric', value: '1' });
      qty.addEventListener('input', function () { self._changed(); });
      var last = el('div', { class: 'row q' });
      last.appendChild(this._field('quantity', this.t('quantity'), qty));
      this._fields.append(dims, opts, last);
      if (!opts.childNodes.length) opts.hidden = true;
      this._hints();
      this._showPrice();
    }

    _choiceLabel(c, loc) {
      var v = plainNumber(c.modifierValue);
      if (!v || Number(v) === 0) return c.label;
      var mod = c.modifierType === 'PERCENTAGE'
        ? nf(loc, { style: 'unit', unit: 'percent', signDisplay: 'exceptZero', maximumFractionDigits: 2 }).format(v)
        : nf(loc, { style: 'currency', currency: this._p.currency, signDisplay: 'exceptZero', minimumFractionDigits: this._digits, maximumFractionDigits: this._digits }).format(v);
      return c.label + ' (' + mod + ')';
    }

    _num(text) { return nf(this._locale, { maximumFractionDigits: 4 }).format(text); }

    /** The allowed range per dimension in the selected unit, for hints and errors. */
    _ranges() {
      var r = this._p.dimensionRange, mu = r.unit || this._p.unit, u = this._unit, self = this, out = {};
      [['width', r.minWidth, r.maxWidth], ['height', r.minHeight, r.maxHeight]].forEach(function (d) {
        var lo = plainNumber(d[1]), hi = plainNumber(d[2]), c = lo && hi && rangeIn(lo, hi, mu, u);
        if (!c) { c = { min: lo, max: hi, exact: true }; u = mu; }
        out[d[0]] = { min: self._num(c.min), max: self._num(c.max), unit: u, exact: c.exact,
          matrixMin: self._num(lo), matrixMax: self._num(hi), matrixUnit: mu };
      });
      return out;
    }

    _hints() {
      var rs = this._ranges(), self = this;
      ['width', 'height'].forEach(function (d) {
        self._ctl[d].hint.textContent = self.t(rs[d].exact ? 'range' : 'rangeMatrix', rs[d]);
      });
    }

    _unitChanged(unit) {
      var from = this._unit, self = this;
      this._unit = unit;
      ['width', 'height'].forEach(function (d) {
        var c = self._ctl[d].control, v = parseSize(c.value);
        if (!v) return;
        var exact = convert(v, from, unit, 4, 'floor');
        c.value = exact.exact ? exact.text : convert(v, from, unit, 2, 'floor').text;
      });
      this._hints();
      this._changed();
    }

    _error(name, message) {
      var c = this._ctl[name];
      if (!c) return;
      c.error.textContent = message || '';
      c.error.hidden = !message;
      if (message) c.control.setAttribute('aria-invalid', 'true'); else c.control.removeAttribute('aria-invalid');
    }

    _formError(message) { this._msg.textContent = message || ''; this._msg.hidden = !message; }

    /** Local checks: a size is a plain decimal; quantity a whole number 1–10000. */
    _check(name, strict) {
      var c = this._ctl[name].control, v = c.value.trim();
      if (name === 'quantity') {
        var ok = /^\d{1,5}$/.test(v) && +v >= 1 && +v <= 10000;
        this._error(name, ok ? '' : this.t('errorQuantity'));
        return ok ? +v : null;
      }
      var size = parseSize(v);
      this._error(name, size || (!v && !strict) ? '' : this.t(v ? 'errorNumber' : 'errorRequired'));
      return size;
    }

    /** The current choice, or null when a field is not valid yet. */
    _choice(strict) {
      var w = this._check('width', strict), h = this._check('height', strict), q = this._check('quantity', strict);
      if (!w || !h || !q) return null;
      var options = [];
      this._fields.querySelectorAll('select[data-group]').forEach(function (s) {
        if (s.value) options.push({ optionGroupId: +s.dataset.group, choiceId: +s.value });
      });
      return { productId: String(this._p.productId), width: w, height: h, unit: this._unit, quantity: q, options: options };
    }

    _changed() {
      clearTimeout(this._timer);
      this._formError('');
      var choice = this._choice(false);
      this._price.classList.toggle('busy', !!choice);
      if (!choice) { this._abort(); this._q = null; this._showPrice(); return; }
      var self = this;
      this._timer = setTimeout(function () { self._quote(choice); }, 250);
    }

    async _quote(choice) {
      clearTimeout(this._timer);
      this._abort();
      var ctrl = this._ctrl = new AbortController(), sig = JSON.stringify(choice);
      var qs = new URLSearchParams({ width: choice.width, height: choice.height, unit: choice.unit, quantity: String(choice.quantity) });
      if (choice.options.length) qs.set('options', JSON.stringify({ selections: choice.options }));
      this._price.classList.add('busy');
      var r;
      try { r = await this._call('/products/' + encodeURIComponent(choice.productId) + '/price?' + qs, { signal: ctrl.signal }); } catch (e) { return null; }
      if (ctrl !== this._ctrl) return null; // a newer request is under way
      this._ctrl = null;
      this._price.classList.remove('busy');
      if (r.status === 200 && r.body && r.body.totalMinor != null) {
        this._q = r.body; this._qSig = sig;
        this._showPrice();
        this.dispatchEvent(new CustomEvent('gridprice:price', { detail: r.body, bubbles: true, composed: true }));
        return r.body;
      }
      this._q = null;
      this._showPrice();
      this._problem(r.status, r.body);
      return null;
    }

    _problem(status, body) {
      var mapped = mapProblem(status, body, this.t.bind(this), this._ranges()), self = this;
      if (Object.keys(mapped.fields).length) this._price.textContent = '';
      Object.keys(mapped.fields).forEach(function (f) { self._error(f, mapped.fields[f]); });
      this._formError(mapped.form);
      return mapped;
    }

    _money(minor, sign) { return formatMoney(minor, this._q.currency || this._p.currency, this._locale, this._digits, sign); }

    _showPrice() {
      var q = this._q, box = this._price, self = this;
      box.textContent = '';
      if (!q) {
        if (!this.shadowRoot.querySelector('[aria-invalid=true]')) box.appendChild(el('p', { class: 'h' }, this.t('prompt')));
        return;
      }
      var line = el('p', { class: 't', part: 'total' });
      line.append(el('span', {}, this.t('total')), el('b', {}, this._money(q.totalMinor)));
      box.appendChild(line);
      if (q.quantity > 1) box.appendChild(el('p', { class: 'h' }, this.t('each', { price: this._money(q.unitPriceMinor) })));
      if (!this.hasAttribute('show-breakdown')) return;
      var dl = el('dl', { part: 'breakdown' });
      var row = function (k, v) { dl.append(el('dt', {}, k), el('dd', {}, v)); };
      if (q.basePriceMinor != null) row(this.t('base'), this._money(q.basePriceMinor));
      (q.optionModifiers || []).forEach(function (m) {
        if (m.appliedAmountMinor != null) row(m.optionGroup + ': ' + m.choice, self._money(m.appliedAmountMinor, true));
      });
      row(this.t('unitPrice'), this._money(q.unitPriceMinor));
      box.appendChild(dl);
    }

    _busy(on) {
      this._ordering = on;
      this._btn.setAttribute('aria-disabled', on ? 'true' : 'false');
      this._btn.textContent = on ? this.t('buying') : this.getAttribute('button-label') || this.t('button');
    }

    async _buy(ev) {
      ev.preventDefault();
      if (this._ordering || !this._p) return;
      this._formError('');
      var choice = this._choice(true);
      if (!choice) {
        var bad = this.shadowRoot.querySelector('[aria-invalid=true]');
        if (bad) bad.focus();
        return;
      }
      var sig = JSON.stringify(choice);
      this._busy(true);
      try {
        if (!this._q || this._qSig !== sig) {
          if (!(await this._quote(choice))) return;
        }
        var key = this._intent.keyFor(sig), r;
        for (var attempt = 0; ; attempt++) {
          r = await this._call('/draft-orders', {
            method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key }, body: sig
          });
          var wait = r.status === 0 ? 1 : retryAfter(r.headers && r.headers.get('Retry-After'));
          var retry = r.status === 0 || r.status === 409 || r.status === 429 || r.status === 503;
          if (!retry || attempt > 0 || wait == null || wait > 15) break;
          await new Promise(function (ok) { setTimeout(ok, wait * 1000); });
        }
        this._intent.settle(r.status);
        var url = r.body && r.body.checkoutUrl;
        if ((r.status === 200 || r.status === 201) && /^https?:\/\//i.test(url || '')) {
          var go = this.dispatchEvent(new CustomEvent('gridprice:order', { detail: r.body, bubbles: true, composed: true, cancelable: true }));
          if (go) location.assign(url);
          return;
        }
        this._problem(r.status >= 200 && r.status < 300 ? 500 : r.status, r.body);
      } finally {
        this._busy(false);
      }
    }
  }

  customElements.define('gridprice-calculator', GridpriceCalculatorElement);
})(typeof globalThis !== 'undefined' ? globalThis : this);
