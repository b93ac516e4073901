// Gridprice: the price matrix editor of the embedded admin (DESIGN §12, issue 12 item 4).
//
// A plain ES module, no dependencies and no build step. At import time it touches nothing but its
// own definitions; the page's editor starts through `start(root)` (called at the bottom when a
// document with #matrix-editor exists). The pure parts are named exports, unit-tested under Node
// (tests/admin/matrix-editor.test.mjs). Money stays the merchant's decimal text ("15.00", "1.500",
// "1500"); the only arithmetic on it is the bulk adjustment, done on BigInt minor units. Prices
// for a size come from the server's quote, never from this file.
//
// Interaction model (spreadsheet-like). A cell that gets focus from the keyboard is in navigation
// mode with its text selected: typing replaces it and switches to editing; a click or F2 edits in
// place. Up/Down, Enter (down) and Shift+Enter (up) always move; Left/Right move in navigation
// mode, and while editing once the caret is at the text's edge. Home/End go to the row's first/last
// price in navigation mode (the caret's line start/end while editing); Ctrl/Cmd+Home/End go to the
// grid's first/last price. Tab/Shift+Tab are the browser's own (row by row, then out of the grid).
// Escape puts back the text the cell had when it got focus. Shift+arrows, Shift+click or a drag
// select a rectangle of prices; paste (a tab-separated block) lands at its top-left cell, a single
// value fills it, copy gives it as tab-separated text, Delete/Backspace empties it. Breakpoints
// are cells too: row -1 holds the widths, column -1 the heights, so a block pasted from a width
// breakpoint fills widths with its first row.
//
// Text: every string shown comes from #editor-text (a JSON object of key -> string, {name}
// placeholders); a missing key shows as the key itself. A text with {count} may add plural
// forms as "{key}_{category}" keys (Intl.PluralRules categories of the locale: "_one" for en/de),
// used when present. The keys and their texts are the catalogue's `editor.script.*` entries
// (crates/app/locales/en.json, de.json).

/** The largest grid: breakpoints per axis (DESIGN §3). */
export const MAX = 100;

/** `template` with each `{name}` replaced by `params.name` (unknown names stay as written). */
export function fill(template, params = {}) {
  return String(template).replace(/\{(\w+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole);
}

// --- money: exact, BigInt minor units -------------------------------------------------------

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * The amount `text` ("12", "12.3", "-0.50", the server's grammar, surrounding spaces allowed)
 * in minor units of a currency with `decimals` decimals, or null when it is not such an amount
 * (more significant decimals than the currency has, "1,5", "1e3", "", …).
 */
export function parseMoney(text, decimals) {
  const m = DECIMAL.exec(String(text ?? '').trim());
  if (!m) return null;
  const fraction = (m[3] || '').replace(/0+$/, '');
  if (fraction.length > decimals) return null;
  const minor = BigInt(m[2] + fraction.padEnd(decimals, '0'));
  return m[1] ? -minor : minor;
}

/** Minor units (BigInt or integer) as a decimal with exactly `decimals` decimals. */
export function formatMoney(minor, decimals) {
  const value = BigInt(minor);
  const digits = (value < 0n ? -value : value).toString().padStart(decimals + 1, '0');
  const cut = digits.length - decimals;
  return (value < 0n ? '-' : '') + digits.slice(0, cut) + (decimals ? '.' + digits.slice(cut) : '');
}

/** `n / d` (d > 0) rounded half away from zero. */
export function divRound(n, d) {
  const q = n / d;
  const r = n % d;
  return 2n * (r < 0n ? -r : r) >= d ? q + (n < 0n ? -1n : 1n) : q;
}

/**
 * A bulk adjustment typed by the merchant: an amount ("2.50", "-1", "+3") in the currency, or a
 * percentage ("10%", "-5%", "2.5 %"). Returns `{ amount }` (BigInt minor units),
 * `{ num, den }` (the factor is `(den + num) / den`), or `{ error }` with a text key.
 */
export function parseAdjustment(text, decimals) {
  const m = /^([+-]?)(\d{1,15})(?:\.(\d{1,15}))?\s*(%?)$/.exec(String(text ?? '').trim());
  if (!m) return { error: 'bulkInvalid' };
  const sign = m[1] === '-' ? -1n : 1n;
  const fraction = m[3] || '';
  if (m[4]) {
    return { num: sign * BigInt(m[2] + fraction), den: 100n * 10n ** BigInt(fraction.length) };
  }
  const minor = parseMoney(m[2] + (fraction ? '.' + fraction : ''), decimals);
  return minor === null ? { error: 'bulkDecimals' } : { amount: sign * minor };
}

/** `minor` adjusted: plus the amount, or times the percentage factor rounded half away from 0. */
export function adjustMinor(minor, adjustment) {
  if (adjustment.amount !== undefined) return minor + adjustment.amount;
  return divRound(minor * (adjustment.den + adjustment.num), adjustment.den);
}

/**
 * Adjusts every non-empty cell of `rect` (`{ top, left, bottom, right }`, inclusive) of `cells`.
 * All or nothing: `{ cells, count }` with new rows (the input is not changed), or
 * `{ error, count }` when a cell is not a price (`bulkBadCells`), a result would be negative
 * (`bulkNegative`) or there is nothing to adjust (`bulkEmpty`).
 */
export function adjustCells(cells, rect, adjustment, decimals) {
  const out = cells.slice();
  let count = 0;
  let bad = 0;
  let negative = 0;
  for (let r = rect.top; r <= rect.bottom; r++) {
    const row = (out[r] = out[r].slice());
    for (let c = rect.left; c <= rect.right; c++) {
      const text = String(row[c] ?? '').trim();
      if (text === '') continue;
      const minor = parseMoney(text, decimals);
      if (minor === null) { bad++; continue; }
      const next = adjustMinor(minor, adjustment);
      if (next < 0n) negative++;
      row[c] = formatMoney(next, decimals);
      count++;
    }
  }
  if (bad) return { error: 'bulkBadCells', count: bad };
  if (negative) return { error: 'bulkNegative', count: negative };
  if (!count) return { error: 'bulkEmpty', count: 0 };
  return { cells: out, count };
}

// --- tab-separated blocks -------------------------------------------------------------------

function delimiter(text, from) {
  for (let i = from; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 9 || ch === 10 || ch === 13) return i;
  }
  return text.length;
}

/**
 * Rows of cells from spreadsheet clipboard text: cells split by tabs, rows by \n, \r\n or \r,
 * one trailing line break ignored, Excel's quoted cells ("a""b", or holding tabs or line breaks)
 * unquoted. Rows may be ragged: a missing cell means "leave it as it is".
 */
export function parseTsv(text) {
  text = String(text ?? '');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = [];
  if (!text) return rows;
  let row = [];
  let i = 0;
  for (;;) {
    let value = null;
    if (text[i] === '"') {
      let j = i + 1;
      let out = '';
      for (;;) {
        const k = text.indexOf('"', j);
        if (k < 0) { j = -1; break; }
        out += text.slice(j, k);
        if (text[k + 1] === '"') { out += '"'; j = k + 2; } else { j = k + 1; break; }
      }
      if (j >= 0) {
        const end = delimiter(text, j);
        value = out + text.slice(j, end);
        i = end;
      }
    }
    if (value === null) {
      const end = delimiter(text, i);
      value = text.slice(i, end);
      i = end;
    }
    row.push(value);
    if (i >= text.length) { rows.push(row); break; }
    if (text[i] === '\t') { i++; continue; }
    rows.push(row);
    row = [];
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
    if (i >= text.length) break;
  }
  return rows;
}

/** Rows of cells as tab-separated text, quoting cells that hold tabs, line breaks or quotes. */
export function toTsv(rows) {
  const cell = (v) => (/[\t\n\r"]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v);
  return rows.map((row) => row.map((v) => cell(String(v ?? ''))).join('\t')).join('\n');
}

// --- the grid state ---------------------------------------------------------------------------
//
// { unit, outOfRange, widths: [text], heights: [text], cells: [[text]] } with cells[h][w] and ''
// for an empty cell. Positions: (r, c) with r a height index and c a width index; r = -1 is the
// row of width breakpoints and c = -1 the column of height breakpoints.

/** The editor state of a matrix as the API returns it (null cells become ''). */
export function fromMatrix(m) {
  const widths = (m.widths || []).map(String);
  const heights = (m.heights || []).map(String);
  return {
    unit: m.unit,
    outOfRange: m.outOfRange,
    widths,
    heights,
    cells: heights.map((_, h) => widths.map((_, w) => {
      const v = m.cells?.[h]?.[w];
      return v === null || v === undefined ? '' : String(v);
    })),
  };
}

export function cloneState(s) {
  return { ...s, widths: s.widths.slice(), heights: s.heights.slice(), cells: s.cells.map((row) => row.slice()) };
}

const sameList = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Whether two states hold the same matrix (dirty detection). */
export function sameState(a, b) {
  return a.unit === b.unit && a.outOfRange === b.outOfRange && sameList(a.widths, b.widths) &&
    sameList(a.heights, b.heights) && a.cells.every((row, h) => sameList(row, b.cells[h]));
}

/** `count` empty height rows inserted before row `at`; null beyond MAX. */
export function insertRows(s, at, count = 1) {
  if (s.heights.length + count > MAX) return null;
  const n = cloneState(s);
  const blank = () => new Array(s.widths.length).fill('');
  n.heights.splice(at, 0, ...new Array(count).fill(''));
  n.cells.splice(at, 0, ...Array.from({ length: count }, blank));
  return n;
}

/** Rows `at` … `at + count - 1` removed; null when no row would remain. */
export function removeRows(s, at, count = 1) {
  if (count >= s.heights.length) return null;
  const n = cloneState(s);
  n.heights.splice(at, count);
  n.cells.splice(at, count);
  return n;
}

/** `count` empty width columns inserted before column `at`; null beyond MAX. */
export function insertColumns(s, at, count = 1) {
  if (s.widths.length + count > MAX) return null;
  const n = cloneState(s);
  const blank = new Array(count).fill('');
  n.widths.splice(at, 0, ...blank);
  n.cells.forEach((row) => row.splice(at, 0, ...blank));
  return n;
}

/** Columns `at` … `at + count - 1` removed; null when no column would remain. */
export function removeColumns(s, at, count = 1) {
  if (count >= s.widths.length) return null;
  const n = cloneState(s);
  n.widths.splice(at, count);
  n.cells.forEach((row) => row.splice(at, count));
  return n;
}

/** The rectangle spanned by two positions, `{ top, left, bottom, right }` inclusive. */
export function rectOf(a, b) {
  return { top: Math.min(a.r, b.r), left: Math.min(a.c, b.c), bottom: Math.max(a.r, b.r), right: Math.max(a.c, b.c) };
}

/** The price cells of a rectangle (breakpoints cut off), or null when it holds none. */
export function priceRect(rect) {
  const r = { ...rect, top: Math.max(0, rect.top), left: Math.max(0, rect.left) };
  return r.top > r.bottom || r.left > r.right ? null : r;
}

/**
 * Where a pasted block of `block` rows goes when its top-left cell lands at `at` in a grid of
 * `height` × `width` prices: the block's size, the grid size it needs and whether that fits MAX.
 */
export function pastePlan(height, width, at, block, max = MAX) {
  let cols = 0;
  for (const row of block) cols = Math.max(cols, row.length);
  const rows = block.length;
  const needHeight = Math.max(height, at.r + rows);
  const needWidth = Math.max(width, at.c + cols);
  return { rows, cols, height: needHeight, width: needWidth, fits: needHeight <= max && needWidth <= max };
}

/**
 * The state with `block` pasted at `at` (cells trimmed; a row -1 cell is a width breakpoint and
 * a column -1 cell a height breakpoint), grown with empty breakpoints and cells when the block
 * reaches past the grid. `{ state, rect, addedRows, addedColumns }`, or null when it would not
 * fit in MAX × MAX.
 */
export function applyBlock(s, at, block, max = MAX) {
  const plan = pastePlan(s.heights.length, s.widths.length, at, block, max);
  if (!plan.fits) return null;
  const addedRows = plan.height - s.heights.length;
  const addedColumns = plan.width - s.widths.length;
  let n = cloneState(s);
  if (addedColumns) n = insertColumns(n, n.widths.length, addedColumns);
  if (addedRows) n = insertRows(n, n.heights.length, addedRows);
  block.forEach((row, i) => {
    const r = at.r + i;
    row.forEach((raw, j) => {
      const c = at.c + j;
      const v = String(raw).trim();
      if (r < 0 && c < 0) return;
      if (r < 0) n.widths[c] = v;
      else if (c < 0) n.heights[r] = v;
      else n.cells[r][c] = v;
    });
  });
  const rect = { top: at.r, left: at.c, bottom: at.r + plan.rows - 1, right: at.c + plan.cols - 1 };
  return { state: n, rect, addedRows, addedColumns };
}

/** The state with every cell of `rect` set to `value` (trimmed). */
export function fillRect(s, rect, value) {
  const n = cloneState(s);
  const v = String(value).trim();
  for (let r = Math.max(0, rect.top); r <= rect.bottom; r++) {
    for (let c = Math.max(0, rect.left); c <= rect.right; c++) n.cells[r][c] = v;
  }
  return n;
}

/** The grid as the API takes it: texts trimmed, an empty cell null. */
function gridBody(s) {
  return {
    unit: s.unit,
    outOfRange: s.outOfRange,
    widths: s.widths.map((v) => v.trim()),
    heights: s.heights.map((v) => v.trim()),
    cells: s.cells.map((row) => row.map((v) => (v.trim() === '' ? null : v.trim()))),
  };
}

/** The body of `PUT /app/api/matrices/{id}`. */
export function putBody(s, version) {
  return { version, ...gridBody(s) };
}

/** The body of `POST /app/api/matrices/quote` for the unsaved grid. */
export function quoteBody(s, width, height, sizeUnit) {
  return { ...gridBody(s), width: String(width).trim(), height: String(height).trim(), sizeUnit: sizeUnit || s.unit };
}

/** A request field named by a problem's `errors` ("cells[h][w]", "widths[i]", "heights[i]"). */
export function parseField(name) {
  let m = /^cells\[(\d+)\]\[(\d+)\]$/.exec(name);
  if (m) return { r: +m[1], c: +m[2] };
  m = /^(widths|heights)\[(\d+)\]$/.exec(name);
  if (m) return m[1] === 'widths' ? { r: -1, c: +m[2] } : { r: +m[2], c: -1 };
  return null;
}

/** A price from the server ("13.00") for display in the locale, exactly (no float). */
export function formatPrice(price, currency, locale, decimals) {
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency', currency, minimumFractionDigits: decimals, maximumFractionDigits: decimals,
    }).format(String(price));
  } catch {
    return `${price} ${currency}`;
  }
}

// --- the page ---------------------------------------------------------------------------------

const CSS = `
#matrix-grid{overflow:auto;max-height:70vh;max-width:100%;scroll-padding:2.5rem 0 0 7rem}
.me-grid{border-collapse:separate;border-spacing:0;font:inherit}
.me-grid th,.me-grid td{padding:0;border:solid #e3e3e3;border-width:0 1px 1px 0;background:#fff;vertical-align:top}
.me-grid thead th{position:sticky;top:0;z-index:2;background:#f7f7f7}
.me-grid tbody th{position:sticky;left:0;z-index:1;background:#f7f7f7}
.me-grid thead th:first-child{left:0;z-index:3}
.me-grid input{box-sizing:border-box;width:6.5em;border:0;margin:0;padding:4px 6px;font:inherit;color:inherit;background:transparent;text-align:right;font-variant-numeric:tabular-nums}
.me-grid th input{font-weight:600}
.me-grid input:focus{outline:2px solid #005bd3;outline-offset:-2px}
.me-grid td.me-sel{background:#e3effd}
.me-grid td.me-hit{background:#cdfee1;box-shadow:inset 0 0 0 2px #29845a}
.me-grid [aria-invalid=true]{background:#fee9e8;box-shadow:inset 0 0 0 2px #c70a24}
.me-err{display:block;max-width:8em;padding:0 6px 4px;color:#8e0b21;font-size:12px;line-height:16px;font-weight:400;text-align:left}
.me-corner{padding:4px 6px;font-weight:400;font-size:12px;color:#616161;white-space:nowrap;text-align:left}
.me-sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
`;

function addStyles(doc) {
  const win = doc.defaultView;
  try {
    const sheet = new win.CSSStyleSheet();
    sheet.replaceSync(CSS);
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  } catch {
    const style = doc.createElement('style');
    style.textContent = CSS;
    doc.head.append(style);
  }
}

/**
 * Starts the editor in `root` (#matrix-editor). Returns a small handle for tests, or null when
 * the page holds no matrix.
 */
export function start(root) {
  const doc = root.ownerDocument;
  const win = doc.defaultView;
  const $ = (id) => doc.getElementById(id);
  const json = (id) => {
    try { return JSON.parse($(id)?.textContent || 'null'); } catch { return null; }
  };
  const matrix = json('matrix-data');
  const grid = $('matrix-grid');
  if (!matrix || !grid) return null;
  const texts = json('editor-text') || {};
  const locale = root.dataset.locale || doc.documentElement.lang || 'en';
  const plural = new Intl.PluralRules(locale);
  // A {count} text may have plural forms as further keys: "rowsRemoved_one" for one, and so on.
  const t = (key, params) => {
    const form = params && typeof params.count === 'number' ? texts[`${key}_${plural.select(params.count)}`] : null;
    return fill(form ?? texts[key] ?? key, params);
  };
  const id = root.dataset.matrixId || String(matrix.id);
  const currency = root.dataset.currency || matrix.currency;
  const parsedDecimals = parseInt(root.dataset.currencyDecimals, 10);
  const decimals = Number.isInteger(parsedDecimals) && parsedDecimals >= 0 ? parsedDecimals : 2;
  const app = () => win.shopify;
  const banner = $('matrix-banner');
  const unitSelect = $('matrix-unit');
  const policySelect = $('matrix-policy');
  const bulkField = $('bulk-amount');
  const preview = { width: $('preview-width'), height: $('preview-height'), unit: $('preview-unit'), out: $('preview-result') };
  const saveButton = $('matrix-save');
  const valueOf = (el) => String(el?.value ?? '');

  let version = matrix.version;
  let saved = fromMatrix(matrix);
  let state = cloneState(saved);
  let dirty = false;
  let changes = 0;
  let saving = false;

  // Grid DOM and interaction state.
  let table = null;
  let anchor = null; // selection corner where it started
  let extent = null; // the other corner
  let painted = null; // the rectangle shown as selected
  let hit = null; // the td of the previewed cell
  let editing = false; // typing in the focused input (arrows move the caret until its edge)
  let editStart = ''; // the focused input's text when it got focus (Escape restores it)
  let focusMode = ''; // how the next focus changes the selection (see focusAt)
  let focused = null; // the input the last focus event was for
  let pointerFocus = false;
  let dragging = false;
  let errorMarks = [];

  addStyles(doc);
  const live = doc.createElement('div');
  live.className = 'me-sr';
  live.setAttribute('role', 'status');
  live.setAttribute('aria-live', 'polite');
  root.append(live);
  const announce = (message) => {
    live.textContent = '';
    win.setTimeout(() => { live.textContent = message; }, 30);
  };
  const notify = (message, isError) => {
    app()?.toast?.show?.(message, { isError: Boolean(isError) });
    announce(message);
  };

  // --- rendering

  const proto = doc.createElement('input');
  proto.type = 'text';
  proto.inputMode = 'decimal';
  proto.autocomplete = 'off';
  proto.spellcheck = false;
  proto.className = 'me-in';

  const shown = (v) => (v.trim() === '' ? t('blank') : v.trim());
  const cellLabel = (r, c) => t('cellLabel', { width: shown(state.widths[c]), height: shown(state.heights[r]), unit: state.unit });
  const input = (value, label) => {
    const el = proto.cloneNode(false);
    el.value = value;
    el.setAttribute('aria-label', label);
    return el;
  };

  function build() {
    const H = state.heights.length;
    const W = state.widths.length;
    const tbl = doc.createElement('table');
    tbl.className = 'me-grid';
    const caption = tbl.createCaption();
    caption.className = 'me-sr';
    caption.textContent = t('caption', { currency, unit: state.unit });
    const head = tbl.createTHead().insertRow();
    const corner = doc.createElement('th');
    corner.scope = 'col';
    corner.className = 'me-corner';
    corner.textContent = t('corner', { unit: state.unit });
    head.append(corner);
    for (let c = 0; c < W; c++) {
      const th = doc.createElement('th');
      th.scope = 'col';
      th.append(input(state.widths[c], t('widthLabel', { n: c + 1, unit: state.unit })));
      head.append(th);
    }
    const body = doc.createElement('tbody');
    const rows = doc.createDocumentFragment();
    for (let r = 0; r < H; r++) {
      const tr = doc.createElement('tr');
      const th = doc.createElement('th');
      th.scope = 'row';
      th.append(input(state.heights[r], t('heightLabel', { n: r + 1, unit: state.unit })));
      tr.append(th);
      const cells = state.cells[r];
      for (let c = 0; c < W; c++) {
        const td = doc.createElement('td');
        td.append(input(cells[c], cellLabel(r, c)));
        tr.append(td);
      }
      rows.append(tr);
    }
    body.append(rows);
    tbl.append(body);
    errorMarks = [];
    painted = null;
    hit = null;
    const hadFocus = table && table.contains(doc.activeElement);
    grid.replaceChildren(tbl);
    table = tbl;
    const clampPos = (p) => p && { r: Math.min(p.r, H - 1), c: Math.min(p.c, W - 1) };
    anchor = clampPos(anchor);
    extent = clampPos(extent);
    paint();
    if (hadFocus && extent) focusAt(extent, 'keep');
  }

  const cellAt = (r, c) => table.rows[r + 1]?.cells[c + 1];
  const inputAt = (p) => cellAt(p.r, p.c)?.firstChild;
  const posOf = (el) => ({ r: el.parentNode.parentNode.rowIndex - 1, c: el.parentNode.cellIndex - 1 });
  const multi = () => painted && (painted.bottom > painted.top || painted.right > painted.left);
  const isGridInput = (el) => el?.classList?.contains('me-in') && table?.contains(el);

  /** Sets every input's text and label from the state (same shape as the table). */
  function sync() {
    const H = state.heights.length;
    const W = state.widths.length;
    let headers = false;
    const set = (el, v, header) => {
      if (el.value === v) return;
      el.value = v;
      headers ||= header;
    };
    for (let c = 0; c < W; c++) set(inputAt({ r: -1, c }), state.widths[c], true);
    for (let r = 0; r < H; r++) {
      const tr = table.rows[r + 1];
      set(tr.cells[0].firstChild, state.heights[r], true);
      for (let c = 0; c < W; c++) set(tr.cells[c + 1].firstChild, state.cells[r][c], false);
    }
    if (headers || table.caption.textContent !== t('caption', { currency, unit: state.unit })) relabel();
  }

  /** Updates the labels naming breakpoints and unit (one row, one column, or all). */
  function relabel(only) {
    const H = state.heights.length;
    const W = state.widths.length;
    if (!only) {
      table.caption.textContent = t('caption', { currency, unit: state.unit });
      table.rows[0].cells[0].textContent = t('corner', { unit: state.unit });
      for (let c = 0; c < W; c++) inputAt({ r: -1, c }).setAttribute('aria-label', t('widthLabel', { n: c + 1, unit: state.unit }));
      for (let r = 0; r < H; r++) inputAt({ r, c: -1 }).setAttribute('aria-label', t('heightLabel', { n: r + 1, unit: state.unit }));
    }
    for (let r = 0; r < H; r++) {
      if (only && only.r >= 0 && only.r !== r) continue;
      for (let c = 0; c < W; c++) {
        if (only && only.c >= 0 && only.c !== c) continue;
        inputAt({ r, c }).setAttribute('aria-label', cellLabel(r, c));
      }
    }
  }

  /** Shows the selection rectangle (price cells only). */
  function paint() {
    const next = anchor && extent ? priceRect(rectOf(anchor, extent)) : null;
    const mark = (rect, on) => {
      if (!rect) return;
      for (let r = rect.top; r <= rect.bottom; r++) {
        const tr = table.rows[r + 1];
        if (!tr) continue;
        for (let c = rect.left; c <= rect.right; c++) tr.cells[c + 1]?.classList.toggle('me-sel', on);
      }
    };
    mark(painted, false);
    mark(next, true);
    painted = next;
    if (next && (next.bottom > next.top || next.right > next.left)) {
      announce(t('selected', { rows: next.bottom - next.top + 1, columns: next.right - next.left + 1 }));
    }
  }

  /** Focuses the input at `p`; the selection collapses there, or `mode` 'extend' moves only
   * its extent there, or 'keep' leaves it as it is. */
  function focusAt(p, mode) {
    const el = inputAt(p);
    if (!el) return;
    focusMode = mode || '';
    focused = null;
    el.focus();
    // No focus event when it already had focus, or while the window itself has none.
    if (focused !== el) onFocus({ target: el });
    focusMode = '';
  }

  // --- changes, dirty state, save bar

  /** Shows or hides the save bar as the state differs from the saved matrix or not. */
  function updateDirty() {
    const now = !sameState(state, saved);
    if (now === dirty) return;
    dirty = now;
    const verb = now ? 'show' : 'hide';
    const bar = app()?.saveBar;
    try {
      Promise.resolve(bar ? bar[verb]('matrix-save-bar') : $('matrix-save-bar')?.[verb]?.()).catch(() => {});
    } catch { /* no save bar on this page */ }
  }

  function changed() {
    changes++;
    updateDirty();
    schedulePreview();
  }

  // --- errors at their inputs

  function clearErrors() {
    for (const { el, note } of errorMarks) {
      el.removeAttribute('aria-invalid');
      el.removeAttribute('aria-describedby');
      note.remove();
    }
    errorMarks = [];
    for (const select of [unitSelect, policySelect]) select?.removeAttribute('error');
  }

  function clearErrorAt(el) {
    const i = errorMarks.findIndex((m) => m.el === el);
    if (i < 0) return;
    const [{ note }] = errorMarks.splice(i, 1);
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
    note.remove();
  }

  function setBanner(heading, content) {
    if (!banner) return;
    if (!heading) { banner.replaceChildren(); return; }
    const box = doc.createElement('s-banner');
    box.setAttribute('tone', 'critical');
    box.setAttribute('heading', heading);
    if (content) box.append(content);
    banner.replaceChildren(box);
  }

  function showErrors(problem) {
    clearErrors();
    const list = doc.createElement('ul');
    let count = 0;
    for (const [field, messages] of Object.entries(problem.errors || {})) {
      for (const message of [].concat(messages)) {
        count++;
        const pos = parseField(field);
        const el = pos && inputAt(pos);
        const select = field === 'unit' ? unitSelect : field === 'outOfRange' ? policySelect : null;
        if (el) {
          if (!el.hasAttribute('aria-invalid')) {
            const note = doc.createElement('span');
            note.className = 'me-err';
            note.id = `me-err-${pos.r + 1}-${pos.c + 1}`;
            note.textContent = message;
            el.setAttribute('aria-invalid', 'true');
            el.setAttribute('aria-describedby', note.id);
            el.after(note);
            errorMarks.push({ el, note });
          } else {
            el.nextSibling.textContent += ' ' + message;
          }
        } else if (select) {
          select.setAttribute('error', message);
        }
        if (count > 50) continue;
        const li = doc.createElement('li');
        if (el) {
          const link = doc.createElement('a');
          link.href = '#';
          link.textContent = `${el.getAttribute('aria-label')}: ${message}`;
          link.addEventListener('click', (e) => { e.preventDefault(); focusAt(pos); });
          li.append(link);
        } else {
          li.textContent = message;
        }
        list.append(li);
      }
    }
    if (count > 50) {
      const li = doc.createElement('li');
      li.textContent = t('moreErrors', { count: count - 50 });
      list.append(li);
    }
    const content = doc.createDocumentFragment();
    if (problem.detail) {
      const p = doc.createElement('p');
      p.textContent = problem.detail;
      content.append(p);
    }
    content.append(list);
    const heading = t('errorSummary', { count });
    setBanner(heading, content);
    announce(heading);
  }

  // --- save and discard

  async function save() {
    if (saving) return;
    saving = true;
    const sentAt = changes;
    app()?.loading?.(true);
    saveButton?.setAttribute('loading', '');
    try {
      const response = await win.fetch(`/app/api/matrices/${encodeURIComponent(id)}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(putBody(state, version)),
      });
      const data = await response.json().catch(() => null);
      if (response.ok && data) {
        version = data.version;
        saved = fromMatrix(data);
        if (changes === sentAt) {
          // The server's own spelling of what was sent ("15" comes back "15.00").
          const sameShape = saved.heights.length === state.heights.length && saved.widths.length === state.widths.length;
          state = cloneState(saved);
          if (sameShape) sync(); else build();
        }
        clearErrors();
        setBanner(null);
        updateDirty();
        notify(t('saved'));
      } else if (response.status === 409) {
        const link = doc.createElement('a');
        link.href = win.location.href;
        link.textContent = t('reload');
        setBanner(t('conflict'), link);
        announce(t('conflict'));
      } else if (data?.errors && Object.keys(data.errors).length) {
        // 422 (and a 400 naming fields): each message at the input it names, and a summary.
        showErrors(data);
      } else {
        const message = t('saveFailed', { detail: data?.detail || data?.title || response.statusText || response.status });
        setBanner(message);
        announce(message);
      }
    } catch {
      setBanner(t('networkError'));
      announce(t('networkError'));
    } finally {
      saving = false;
      saveButton?.removeAttribute('loading');
      app()?.loading?.(false);
    }
  }

  function discard() {
    const sameShape = saved.heights.length === state.heights.length && saved.widths.length === state.widths.length;
    state = cloneState(saved);
    clearErrors();
    setBanner(null);
    if (sameShape) sync(); else build();
    setSelect(unitSelect, state.unit);
    setSelect(policySelect, state.outOfRange);
    changed();
    announce(t('discarded'));
  }

  // --- structure: rows and columns

  /** Replaces the state after a change of shape and redraws the grid. */
  function reshape(next, focus) {
    state = next;
    clearErrors();
    if (focus) { anchor = extent = focus; }
    build();
    if (focus) { focusAt(focus); editing = true; }
    changed();
  }

  function addRow() {
    const rect = anchor && rectOf(anchor, extent);
    const at = rect && rect.bottom >= 0 ? rect.bottom + 1 : state.heights.length;
    const next = insertRows(state, at);
    if (!next) return notify(t('maxRows'), true);
    reshape(next, { r: at, c: -1 });
    announce(t('rowsAdded'));
  }

  function addColumn() {
    const rect = anchor && rectOf(anchor, extent);
    const at = rect && rect.right >= 0 ? rect.right + 1 : state.widths.length;
    const next = insertColumns(state, at);
    if (!next) return notify(t('maxColumns'), true);
    reshape(next, { r: -1, c: at });
    announce(t('columnsAdded'));
  }

  function removeRow() {
    const rect = anchor && rectOf(anchor, extent);
    if (!rect || rect.bottom < 0) return notify(t('selectRows'), true);
    const top = Math.max(0, rect.top);
    const count = rect.bottom - top + 1;
    const next = removeRows(state, top, count);
    if (!next) return notify(t('minRows'), true);
    reshape(next, { r: Math.min(top, next.heights.length - 1), c: Math.max(0, anchor.c) });
    announce(t('rowsRemoved', { count }));
  }

  function removeColumn() {
    const rect = anchor && rectOf(anchor, extent);
    if (!rect || rect.right < 0) return notify(t('selectColumns'), true);
    const left = Math.max(0, rect.left);
    const count = rect.right - left + 1;
    const next = removeColumns(state, left, count);
    if (!next) return notify(t('minColumns'), true);
    reshape(next, { r: Math.max(0, anchor.r), c: Math.min(left, next.widths.length - 1) });
    announce(t('columnsRemoved', { count }));
  }

  // --- bulk adjust

  function bulkApply() {
    const fail = (key, params) => {
      const message = t(key, params);
      bulkField?.setAttribute('error', message);
      announce(message);
    };
    if (!painted) return fail('bulkEmpty');
    const adjustment = parseAdjustment(valueOf(bulkField), decimals);
    if (adjustment.error) return fail(adjustment.error, { currency, decimals });
    const result = adjustCells(state.cells, painted, adjustment, decimals);
    if (result.error) return fail(result.error, { count: result.count });
    bulkField?.removeAttribute('error');
    state = { ...state, cells: result.cells };
    sync();
    changed();
    announce(t('bulkApplied', { count: result.count }));
  }

  // --- preview

  let previewTimer = 0;
  let previewSeq = 0;
  let previewAbort = null;

  function setHit(r, c) {
    hit?.classList.remove('me-hit');
    hit = Number.isInteger(r) && Number.isInteger(c) ? cellAt(r, c) || null : null;
    hit?.classList.add('me-hit');
  }

  function schedulePreview() {
    win.clearTimeout(previewTimer);
    previewTimer = win.setTimeout(runPreview, 250);
  }

  async function runPreview() {
    if (!preview.out) return;
    const width = valueOf(preview.width).trim();
    const height = valueOf(preview.height).trim();
    const seq = ++previewSeq;
    previewAbort?.abort();
    previewAbort = null;
    if (!width || !height) {
      setHit(null);
      preview.out.textContent = t('previewHint');
      return;
    }
    const abort = (previewAbort = new win.AbortController());
    let text;
    try {
      const response = await win.fetch('/app/api/matrices/quote', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(quoteBody(state, width, height, valueOf(preview.unit) || state.unit)),
        signal: abort.signal,
      });
      const data = await response.json().catch(() => null);
      if (seq !== previewSeq) return;
      if (response.ok && data && data.price != null) {
        setHit(data.row, data.column);
        text = t('previewResult', {
          price: formatPrice(data.price, currency, locale, decimals), width: data.width, height: data.height, unit: state.unit,
        });
      } else {
        setHit(null);
        const errors = data?.errors || {};
        const own = ['width', 'height', 'sizeUnit'].map((f) => errors[f]).find(Boolean);
        text = own ? [].concat(own)[0] : Object.keys(errors).length ? t('previewInvalid') : data?.detail || t('previewFailed');
      }
    } catch (error) {
      if (error?.name === 'AbortError' || seq !== previewSeq) return;
      setHit(null);
      text = t('previewFailed');
    }
    preview.out.textContent = text;
  }

  // --- grid events

  function onFocus(e) {
    const el = e.target;
    if (!isGridInput(el)) return;
    focused = el;
    const pos = posOf(el);
    if (!anchor || !focusMode) anchor = extent = pos;
    else if (focusMode === 'extend') extent = pos;
    editStart = el.value;
    editing = pointerFocus;
    pointerFocus = false;
    if (!editing) el.select();
    paint();
  }

  function onInput(e) {
    const el = e.target;
    if (!isGridInput(el)) return;
    const { r, c } = posOf(el);
    editing = true;
    if (r < 0) state.widths[c] = el.value;
    else if (c < 0) state.heights[r] = el.value;
    else state.cells[r][c] = el.value;
    if (r < 0 || c < 0) relabel({ r, c });
    clearErrorAt(el);
    changed();
  }

  function onKey(e) {
    const el = e.target;
    if (!isGridInput(el) || e.altKey || e.isComposing) return;
    const pos = posOf(el);
    const ctrl = e.ctrlKey || e.metaKey;
    const H = state.heights.length;
    const W = state.widths.length;
    const caret = el.selectionStart === el.selectionEnd ? el.selectionStart : -1;
    let to = null;
    switch (e.key) {
      case 'ArrowUp': to = { r: pos.r - 1, c: pos.c }; break;
      case 'ArrowDown': to = { r: pos.r + 1, c: pos.c }; break;
      case 'ArrowLeft': if (!editing || caret === 0) to = { r: pos.r, c: pos.c - 1 }; break;
      case 'ArrowRight': if (!editing || caret === el.value.length) to = { r: pos.r, c: pos.c + 1 }; break;
      case 'Enter': to = { r: pos.r + (e.shiftKey ? -1 : 1), c: pos.c }; break;
      case 'Home': if (ctrl) to = { r: 0, c: 0 }; else if (!editing) to = { r: pos.r, c: 0 }; break;
      case 'End': if (ctrl) to = { r: H - 1, c: W - 1 }; else if (!editing) to = { r: pos.r, c: W - 1 }; break;
      case 'F2':
        e.preventDefault();
        editing = true;
        el.setSelectionRange(el.value.length, el.value.length);
        return;
      case 'Escape':
        if (el.value !== editStart) {
          el.value = editStart;
          onInput({ target: el });
        }
        editing = false;
        el.select();
        e.preventDefault();
        return;
      case 'Delete':
      case 'Backspace':
        if (multi()) {
          e.preventDefault();
          state = fillRect(state, painted, '');
          sync();
          changed();
        }
        return;
      default:
        return;
    }
    if (!to) return;
    e.preventDefault();
    to.r = Math.max(-1, Math.min(H - 1, to.r));
    to.c = Math.max(-1, Math.min(W - 1, to.c));
    if (to.r < 0 && to.c < 0) return;
    focusAt(to, e.shiftKey && e.key.startsWith('Arrow') ? 'extend' : '');
  }

  function onMouseDown(e) {
    const el = e.target;
    if (!isGridInput(el) || e.button !== 0) return;
    if (e.shiftKey && anchor) {
      e.preventDefault();
      focusAt(posOf(el), 'extend');
      return;
    }
    dragging = true;
    if (doc.activeElement === el) editing = true;
    else pointerFocus = true;
  }

  function onMouseOver(e) {
    if (!dragging || !(e.buttons & 1) || !isGridInput(e.target) || !anchor) return;
    extent = posOf(e.target);
    paint();
  }

  function onPaste(e) {
    const el = e.target;
    if (!isGridInput(el)) return;
    const text = e.clipboardData?.getData('text/plain') ?? '';
    const block = text.length > 4e6 ? null : parseTsv(text);
    if (block && block.length === 1 && block[0].length === 1) {
      if (multi()) {
        e.preventDefault();
        state = fillRect(state, painted, block[0][0]);
        sync();
        changed();
      }
      return; // one value into one cell: the browser pastes it into the input
    }
    e.preventDefault();
    if (!block || !block.length) return;
    const rect = rectOf(anchor || posOf(el), extent || posOf(el));
    const at = { r: rect.top, c: rect.left };
    const result = applyBlock(state, at, block);
    if (!result) {
      const plan = pastePlan(state.heights.length, state.widths.length, at, block);
      return notify(t('pasteTooLarge', { rows: plan.height, columns: plan.width }), true);
    }
    const grew = result.addedRows || result.addedColumns;
    state = result.state;
    anchor = at;
    extent = { r: result.rect.bottom, c: result.rect.right };
    if (grew) {
      clearErrors();
      build();
    } else {
      sync();
      paint();
    }
    focusAt(at, 'keep');
    changed();
    const params = { rows: block.length, columns: result.rect.right - result.rect.left + 1, newRows: result.addedRows, newColumns: result.addedColumns };
    announce(t(grew ? 'pastedGrew' : 'pasted', params));
    if (grew) app()?.toast?.show?.(t('pastedGrew', params));
  }

  function onCopy(e) {
    if (!isGridInput(e.target) || !multi()) return;
    const rows = [];
    for (let r = painted.top; r <= painted.bottom; r++) rows.push(state.cells[r].slice(painted.left, painted.right + 1));
    e.clipboardData.setData('text/plain', toTsv(rows));
    e.preventDefault();
  }

  grid.addEventListener('focusin', onFocus);
  grid.addEventListener('input', onInput);
  grid.addEventListener('keydown', onKey);
  grid.addEventListener('mousedown', onMouseDown);
  grid.addEventListener('mouseover', onMouseOver);
  grid.addEventListener('paste', onPaste);
  grid.addEventListener('copy', onCopy);
  doc.addEventListener('mouseup', () => { dragging = false; });

  // --- controls

  const on = (elementId, type, handler) => $(elementId)?.addEventListener(type, handler);
  on('matrix-save', 'click', save);
  on('matrix-discard', 'click', discard);
  on('add-row', 'click', addRow);
  on('add-column', 'click', addColumn);
  on('remove-row', 'click', removeRow);
  on('remove-column', 'click', removeColumn);
  on('bulk-apply', 'click', bulkApply);
  on('bulk-amount', 'keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); bulkApply(); } });
  on('bulk-amount', 'input', () => bulkField.removeAttribute('error'));
  const onSelect = (field) => (e) => {
    const v = valueOf(e.currentTarget);
    if (!v || v === state[field]) return;
    state = { ...state, [field]: v };
    e.currentTarget.removeAttribute('error');
    if (field === 'unit') relabel();
    changed();
  };
  on('matrix-unit', 'change', onSelect('unit'));
  on('matrix-policy', 'change', onSelect('outOfRange'));
  for (const el of [preview.width, preview.height, preview.unit]) {
    el?.addEventListener('input', schedulePreview);
    el?.addEventListener('change', schedulePreview);
  }

  // --- CSV export: a fetch (App Bridge adds the session token; a plain link would carry none)
  // of the saved matrix, handed to the browser as a download.
  on('export-csv', 'click', async (e) => {
    const href = e.currentTarget.dataset.href || `/app/api/matrices/${encodeURIComponent(id)}/export.csv`;
    try {
      const response = await win.fetch(href, { headers: { Accept: 'text/csv' } });
      if (!response.ok) {
        const problem = await response.json().catch(() => null);
        throw new Error(problem?.detail || response.statusText || response.status);
      }
      const name = /filename="?([^";]+)"?/.exec(response.headers.get('Content-Disposition') || '')?.[1] || `matrix-${id}.csv`;
      const url = win.URL.createObjectURL(await response.blob());
      const link = doc.createElement('a');
      link.href = url;
      link.download = name;
      link.click();
      win.setTimeout(() => win.URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      notify(t('exportFailed', { detail: error.message }), true);
    }
  });

  // The selects show the matrix's own unit and policy (the page may render them unselected).
  const setSelect = (el, v) => {
    if (!el || !v) return;
    el.setAttribute('value', v);
    win.customElements?.whenDefined(el.localName).then(() => { el.value = v; }, () => {});
  };
  setSelect(unitSelect, state.unit);
  setSelect(policySelect, state.outOfRange);
  if (preview.unit && !preview.unit.querySelector('[selected]')) setSelect(preview.unit, state.unit);

  build();
  if (preview.out && !preview.out.textContent.trim()) preview.out.textContent = t('previewHint');
  return {
    getState: () => cloneState(state),
    isDirty: () => dirty,
    get version() { return version; },
  };
}

if (typeof document !== 'undefined') {
  const root = document.getElementById('matrix-editor');
  if (root) start(root);
}
