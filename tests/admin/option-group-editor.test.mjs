// Unit tests of the option group editor's pure parts: `node --test tests/admin/`.
// The module must load under Node (no `document`) and start nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const FILES = ['option-group-editor.js', 'option-groups.js']
  .map((name) => new URL(`../../crates/app/src/options/assets/${name}`, import.meta.url));
const CATALOGUES = ['en', 'de'].map((lang) => new URL(`../../crates/app/locales/${lang}.json`, import.meta.url));
const PREFIX = 'optionGroups.script.';
const og = await import(FILES[0].href);

const glass = () => og.fromGroup({
  id: 3, name: 'Edge finish', requirement: 'OPTIONAL', version: 1,
  choices: [
    { id: 1, label: 'Standard', modifier: '0.00', isDefault: true },
    { id: 2, label: 'Polished', modifier: '+15.00', isDefault: false },
    { id: 3, label: 'Laminated', modifier: '+20%', isDefault: false },
  ],
}, ['gid://shopify/Product/2', 'gid://shopify/Product/1']);

test('loads under Node without touching a document', () => {
  assert.equal(typeof globalThis.document, 'undefined');
  assert.equal(typeof og.start, 'function');
});

test('every text key the modules use is in both catalogues, and every catalogue key is used', () => {
  const code = FILES.map((url) => readFileSync(url, 'utf8').replace(/^\s*\/\/.*$/gm, '')).join('\n');
  const [en, de] = CATALOGUES.map((url) => JSON.parse(readFileSync(url, 'utf8')));
  const keys = Object.keys(en).filter((k) => k.startsWith(PREFIX)).map((k) => k.slice(PREFIX.length));
  for (const key of keys) assert.ok(de[PREFIX + key], `${key} has a German text`);
  // Keys in code: t('key' …) and say('key' …) calls, and the error keys the parser returns.
  const used = new Set([...code.matchAll(/\b(?:t|say)\('(\w+)'/g), ...code.matchAll(/\b(?:error|key): '(\w+)'/g)]
    .map((m) => m[1]));
  for (const key of used) assert.ok(keys.includes(key), `used key ${key} is in the catalogue`);
  for (const key of keys) assert.ok(used.has(key), `catalogue key ${key} is used`);
});

test('price changes are read as the server reads them: money or percent, exactly', () => {
  const fixed = (minor) => ({ type: 'FIXED', minor });
  const percent = (basisPoints) => ({ type: 'PERCENTAGE', basisPoints });
  assert.deepEqual(og.parseModifier('15.00', 2), fixed(1500n));
  assert.deepEqual(og.parseModifier('+15.00', 2), fixed(1500n));
  assert.deepEqual(og.parseModifier('-2.50', 2), fixed(-250n));
  assert.deepEqual(og.parseModifier(' 15 ', 2), fixed(1500n));
  assert.deepEqual(og.parseModifier('1500', 0), fixed(1500n), 'JPY');
  assert.deepEqual(og.parseModifier('1.500', 3), fixed(1500n), 'KWD');
  assert.deepEqual(og.parseModifier('12.3000', 2), fixed(1230n), 'trailing zeros change nothing');
  assert.deepEqual(og.parseModifier('92233720368547758.07', 2), fixed(9223372036854775807n), 'beyond 2^53');
  assert.deepEqual(og.parseModifier('20%', 2), percent(2000n));
  assert.deepEqual(og.parseModifier('-5%', 2), percent(-500n));
  assert.deepEqual(og.parseModifier('+12.5%', 2), percent(1250n));
  for (const bad of ['', 'abc', '20%%', '+-5', '--5', '%', '1 5', '1e3', '1,50', '15.', '.5', null, undefined]) {
    assert.deepEqual(og.parseModifier(bad, 2), { error: 'modifierInvalid' }, String(bad));
  }
  assert.deepEqual(og.parseModifier('15.001', 2), { error: 'amountDecimals' });
  assert.deepEqual(og.parseModifier('1.5', 0), { error: 'amountDecimals' });
  assert.deepEqual(og.parseModifier('92233720368547758.08', 2), { error: 'amountLarge' });
  assert.deepEqual(og.parseModifier('12.345%', 2), { error: 'percentDecimals' });
  assert.deepEqual(og.parseModifier('-101%', 2), { error: 'percentRange' });
  assert.deepEqual(og.parseModifier('10001%', 2), { error: 'percentRange' });
});

test('choices move, are added and removed, and one at most is the default', () => {
  const state = glass();
  assert.deepEqual(state.products, ['gid://shopify/Product/1', 'gid://shopify/Product/2'], 'sorted');
  const labels = (s) => s.choices.map((c) => c.label);
  assert.deepEqual(labels(og.moveChoice(state, 2, -1)), ['Standard', 'Laminated', 'Polished']);
  assert.deepEqual(labels(og.moveChoice(state, 0, 1)), ['Polished', 'Standard', 'Laminated']);
  assert.equal(og.moveChoice(state, 0, -1), null);
  assert.equal(og.moveChoice(state, 2, 1), null);
  assert.deepEqual(labels(state), ['Standard', 'Polished', 'Laminated'], 'the input is not changed');
  assert.equal(og.addChoice(state).choices.length, 4);
  let full = state;
  while (full.choices.length < og.MAX_CHOICES) full = og.addChoice(full);
  assert.equal(og.addChoice(full), null);
  assert.deepEqual(labels(og.removeChoice(state, 1)), ['Standard', 'Laminated']);
  const one = og.removeChoice(og.removeChoice(state, 0), 0);
  assert.equal(og.removeChoice(one, 0), null, 'a group keeps one choice');
  const defaults = (s) => s.choices.map((c) => c.isDefault);
  assert.deepEqual(defaults(og.setDefault(state, 2, true)), [false, false, true]);
  assert.deepEqual(defaults(og.setDefault(state, 0, false)), [false, false, false]);
});

test('dirty detection tells the group from its products', () => {
  const state = glass();
  assert.ok(og.sameState(state, glass()));
  const moved = og.moveChoice(state, 1, 1);
  assert.ok(!og.sameState(state, moved) && !og.sameGroup(state, moved));
  const products = { ...state, products: [] };
  assert.ok(!og.sameState(state, products) && og.sameGroup(state, products));
});

test('problems are found before sending, at the fields the server names', () => {
  const state = glass();
  assert.deepEqual(og.validate(state, 2), []);
  const bad = {
    ...state,
    name: '  ',
    choices: [
      { label: 'Clear', modifier: 'abc', isDefault: false },
      { label: 'clear', modifier: '1.001', isDefault: false },
      { label: '', modifier: '20%', isDefault: false },
    ],
  };
  assert.deepEqual(og.validate(bad, 2).map((p) => [p.field, p.key]), [
    ['name', 'nameRequired'],
    ['choices[0].modifier', 'modifierInvalid'],
    ['choices[1].label', 'labelTwice'],
    ['choices[1].modifier', 'amountDecimals'],
    ['choices[2].label', 'labelRequired'],
  ]);
  assert.deepEqual(og.validate({ ...state, name: 'x'.repeat(101) }, 2)[0].key, 'tooLong');
});

test('the body is what the merchant typed, trimmed; problem fields are read back', () => {
  const state = { ...glass(), name: ' Edge ', choices: [{ label: ' Polished ', modifier: ' +15.00 ', isDefault: true }] };
  assert.deepEqual(og.groupBody(state), {
    name: 'Edge', requirement: 'OPTIONAL', choices: [{ label: 'Polished', modifier: '+15.00', isDefault: true }],
  });
  assert.deepEqual(og.parseField('choices[3].modifier'), { index: 3, part: 'modifier' });
  assert.deepEqual(og.parseField('choices[0].label'), { index: 0, part: 'label' });
  assert.deepEqual(og.parseField('productIds[2]'), { product: 2 });
  assert.equal(og.parseField('choices'), null);
});
