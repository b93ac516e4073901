// Unit tests of the calculator's pure helpers: `node --test tests/storefront/`.
// They live outside extensions/gridprice-calculator/ because Shopify CLI refuses a theme app
// extension with files in any folder other than assets, blocks, locales and snippets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const FILE = new URL('../../extensions/gridprice-calculator/assets/gridprice-calculator.js', import.meta.url);
const gp = require(FILE.pathname);

test('loads under Node without registering an element', () => {
  assert.equal(typeof gp.minorToDecimal, 'function');
  assert.equal(globalThis.GridpriceCalculator, gp);
});

test('minor units to a decimal string by string arithmetic', () => {
  assert.equal(gp.minorToDecimal(4500, 2), '45.00');
  assert.equal(gp.minorToDecimal(5, 2), '0.05');
  assert.equal(gp.minorToDecimal(0, 2), '0.00');
  assert.equal(gp.minorToDecimal(-5, 2), '-0.05');
  assert.equal(gp.minorToDecimal(-0, 2), '0.00');
  assert.equal(gp.minorToDecimal(1234, 0), '1234');
  assert.equal(gp.minorToDecimal(1234, 3), '1.234');
  assert.equal(gp.minorToDecimal(7, 3), '0.007');
  assert.equal(gp.minorToDecimal('900719925474099312', 2), '9007199254740993.12'); // beyond 2^53: exact
  assert.equal(gp.minorToDecimal(12345678901234567890n, 2), '123456789012345678.90');
  assert.equal(gp.minorToDecimal('007', 2), '0.07');
  for (const bad of [1.5, NaN, '1e3', '', '12a', Infinity]) {
    assert.throws(() => gp.minorToDecimal(bad, 2), TypeError, String(bad));
  }
});

// Intl separates some currency symbols with a no-break space.
const money = (...args) => gp.formatMoney(...args).replace(/\s/g, ' ');

test('money is formatted from minor units with the currency exponent', () => {
  assert.equal(gp.currencyDigits('USD'), 2);
  assert.equal(gp.currencyDigits('JPY'), 0);
  assert.equal(gp.currencyDigits('KWD'), 3);
  assert.equal(money(4500, 'USD', 'en-US', 2), '$45.00');
  assert.equal(money(4500, 'USD', 'en-US'), '$45.00');
  assert.equal(money(1234, 'JPY', 'en-US'), '¥1,234');
  assert.equal(money(1234, 'KWD', 'en-US'), 'KWD 1.234');
  assert.equal(money(123456, 'EUR', 'de-DE'), '1.234,56 €');
  assert.equal(money(1500, 'USD', 'en-US', 2, true), '+$15.00');
  assert.equal(money(-500, 'USD', 'en-US', 2, true), '-$5.00');
  assert.equal(money(0, 'USD', 'en-US', 2, true), '$0.00');
  // 2^53 + 1 cents would lose its last digit through a float; the string keeps it.
  assert.equal(money('900719925474099301', 'USD', 'en-US'), '$9,007,199,254,740,993.01');
  // An unknown locale falls back instead of throwing.
  assert.equal(money(100, 'USD', 'zz-invalid-locale-tag-xx'), '$1.00');
});

test('sizes: plain decimals only, comma accepted as the decimal mark', () => {
  assert.equal(gp.parseSize('600'), '600');
  assert.equal(gp.parseSize(' 450.5 '), '450.5');
  assert.equal(gp.parseSize('450,5'), '450.5');
  assert.equal(gp.parseSize('0.0001'), '0.0001');
  assert.equal(gp.parseSize('007'), '7');
  assert.equal(gp.parseSize('1000000'), '1000000');
  for (const bad of ['', '0', '0.0', '-5', '1e3', '1.23456', '1,000.5', '1.000,5', 'abc', '1000000.0001', '12 3', '+5']) {
    assert.equal(gp.parseSize(bad), null, bad);
  }
});

test('unit conversion is exact (1 in = 25.4 mm, 1 ft = 304.8 mm)', () => {
  assert.deepEqual(gp.convert('600', 'mm', 'cm'), { text: '60', exact: true });
  assert.deepEqual(gp.convert('600', 'mm', 'm'), { text: '0.6', exact: true });
  assert.deepEqual(gp.convert('254', 'mm', 'in'), { text: '10', exact: true });
  assert.deepEqual(gp.convert('304.8', 'mm', 'ft'), { text: '1', exact: true });
  assert.deepEqual(gp.convert('1', 'ft', 'in'), { text: '12', exact: true });
  assert.deepEqual(gp.convert('11.811', 'in', 'mm'), { text: '299.9994', exact: true });
  assert.deepEqual(gp.convert('0.1', 'm', 'mm'), { text: '100', exact: true });
  // 600 mm = 23.62204724… in: rounded to 4 places and flagged as inexact.
  assert.deepEqual(gp.convert('600', 'mm', 'in'), { text: '23.622', exact: false });
  assert.deepEqual(gp.convert('600', 'mm', 'in', 2, 'floor'), { text: '23.62', exact: false });
  assert.deepEqual(gp.convert('600', 'mm', 'in', 2, 'ceil'), { text: '23.63', exact: false });
  assert.equal(gp.convert('600', 'mm', 'yd'), null);
  assert.equal(gp.convert('abc', 'mm', 'cm'), null);
});

test('the range in another unit is rounded inwards when not exact', () => {
  assert.deepEqual(gp.rangeIn('300', '900', 'mm', 'cm'), { min: '30', max: '90', exact: true });
  assert.deepEqual(gp.rangeIn('300', '900', 'mm', 'mm'), { min: '300', max: '900', exact: true });
  // 300 mm = 11.811… in → 11.82 (every value shown is ≥ the minimum); 900 mm = 35.433… in → 35.43.
  assert.deepEqual(gp.rangeIn('300', '900', 'mm', 'in'), { min: '11.82', max: '35.43', exact: false });
  assert.deepEqual(gp.rangeIn('12', '36', 'in', 'mm'), { min: '304.8', max: '914.4', exact: true });
  // Every displayed bound converts back inside the matrix range.
  const back = gp.convert('35.43', 'in', 'mm', 4);
  assert.ok(Number(back.text) <= 900);
});

test('Retry-After: seconds or an HTTP date', () => {
  assert.equal(gp.retryAfter('3'), 3);
  assert.equal(gp.retryAfter('0'), 0);
  assert.equal(gp.retryAfter(null), null);
  assert.equal(gp.retryAfter(''), null);
  assert.equal(gp.retryAfter('soon'), null);
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(gp.retryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5);
  assert.equal(gp.retryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now), 0);
});

test('one Idempotency-Key per purchase intent', () => {
  let n = 0;
  const intent = gp.createIntent(() => `key-${++n}`);
  const a = JSON.stringify({ width: '600', height: '400' });
  const b = JSON.stringify({ width: '600', height: '500' });
  assert.equal(intent.keyFor(a), 'key-1');
  assert.equal(intent.keyFor(a), 'key-1', 'a double click reuses the key');
  for (const status of [0, 409, 429, 503, 502, 200, 201]) {
    intent.settle(status);
    assert.equal(intent.keyFor(a), 'key-1', `retry after ${status} reuses the key`);
  }
  assert.equal(intent.keyFor(b), 'key-2', 'a changed choice is a new intent');
  assert.equal(intent.keyFor(a), 'key-3', 'changing back is a new intent too');
  intent.settle(422);
  assert.equal(intent.keyFor(a), 'key-4', 'a key the server settled with 422 is not reused');
  intent.settle(400);
  assert.equal(intent.keyFor(a), 'key-5');
});

const t = (key, vars) => gp.template(gp.TEXTS[key], vars);
const ranges = {
  width: { min: '11.82', max: '35.43', unit: 'in' },
  height: { min: '7.88', max: '23.62', unit: 'in' },
};

test('errors are mapped to fields in the shopper\'s words, the range in the selected unit', () => {
  const outOfRange = {
    status: 400, detail: 'The size is outside this product\'s price matrix: …',
    errors: { width: ['width 1000 mm is larger than the maximum width 900 mm (allowed range: 300 mm to 900 mm)'] },
  };
  assert.deepEqual(gp.mapProblem(400, outOfRange, t, ranges), {
    fields: { width: 'Enter a width from 11.82 to 35.43 in.' }, form: '',
  });
  const both = { errors: { width: ['x'], height: ['y'], quantity: ['z'] } };
  assert.deepEqual(gp.mapProblem(400, both, t, ranges).fields, {
    width: 'Enter a width from 11.82 to 35.43 in.',
    height: 'Enter a height from 7.88 to 23.62 in.',
    quantity: 'Enter a whole number from 1 to 10000.',
  });
  const options = { detail: 'Invalid request', errors: { 'options.selections[0]': ['choice 9 is not in group 1'] } };
  assert.deepEqual(gp.mapProblem(400, options, t, ranges), { fields: {}, form: 'choice 9 is not in group 1' });
  assert.equal(gp.mapProblem(400, { detail: 'Bad things' }, t, ranges).form, 'Bad things');
  assert.equal(gp.mapProblem(400, null, t, ranges).form, gp.TEXTS.errorGeneric);
  assert.equal(gp.mapProblem(0, null, t).form, gp.TEXTS.errorNetwork);
  assert.equal(gp.mapProblem(404, {}, t).form, gp.TEXTS.errorProduct);
  for (const s of [409, 429, 503]) assert.equal(gp.mapProblem(s, {}, t).form, gp.TEXTS.errorBusy);
  assert.equal(gp.mapProblem(422, { detail: 'Variant is sold out.' }, t).form,
    'This order could not be created. Variant is sold out.');
  assert.equal(gp.mapProblem(500, {}, t).form, gp.TEXTS.errorGeneric);
  // Without a known range the server's message is shown as it is.
  assert.equal(gp.mapProblem(400, outOfRange, t, null).fields.width, outOfRange.errors.width[0]);
});

test('templates leave unknown placeholders alone', () => {
  assert.equal(gp.template('{min}–{max} {unit}', { min: 1, max: 2, unit: 'mm' }), '1–2 mm');
  assert.equal(gp.template('{a} {b}', { a: 'x' }), 'x {b}');
});

test('budget: at most 10 KB gzipped', () => {
  const size = gzipSync(readFileSync(FILE), { level: 9 }).length;
  assert.ok(size <= 10 * 1024, `gridprice-calculator.js is ${size} bytes gzipped`);
});
