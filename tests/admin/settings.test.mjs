// Unit tests of the Settings page's pure parts: `node --test tests/admin/`.
// The module must load under Node (no `document`) and start nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const FILE = new URL('../../crates/app/src/stores/assets/settings.js', import.meta.url);
const CATALOGUES = ['en', 'de'].map((lang) => new URL(`../../crates/app/locales/${lang}.json`, import.meta.url));
const PREFIX = 'settings.script.';
const me = await import(FILE.href);
const [en, de] = CATALOGUES.map((url) => JSON.parse(readFileSync(url, 'utf8')));
const say = (key, params) => me.fill(en[PREFIX + key] ?? key, params);

test('loads under Node without touching a document', () => {
  assert.equal(typeof globalThis.document, 'undefined');
  assert.equal(typeof me.start, 'function');
});

test('origins are scheme, host and port only, as the server has them', () => {
  // The same cases as the server's own test (crates/app/src/api_keys/mod.rs).
  for (const good of ['https://Shop.Example.com', 'http://localhost:3000', 'https://a.example:443']) {
    assert.equal(me.originProblem(good), '', good);
  }
  for (const bad of ['shop.example.com', 'example.com/path', 'https://shop.example.com/',
    'https://shop.example.com/path', 'https://shop.example.com?q=1', 'https://shop.example.com#top',
    'https://user@shop.example.com', 'ftp://shop.example.com', 'ftp://x', '*', '']) {
    assert.equal(me.originProblem(bad), 'invalid', bad);
  }
  assert.equal(me.originProblem(`https://${'a'.repeat(250)}.example`), 'long');
});

test('a list of origins is read one a line, and each bad line is named', () => {
  assert.deepEqual(me.originLines(' https://a.example \r\n\n http://b.example:8080\n'),
    ['https://a.example', 'http://b.example:8080']);
  assert.equal(me.originsMessage(['https://a.example'], say), '');
  const message = me.originsMessage(['https://a.example', 'example.com/path'], say);
  assert.match(message, /^Line 2: “example.com\/path” is not an origin/);
  const many = Array.from({ length: 21 }, (_, i) => `https://s${i}.example`);
  assert.equal(me.originsMessage(many, say), 'List at most 20 origins.');
});

test("the server's field errors are said in the merchant's words, at the list", () => {
  const lines = ['https://a.example', 'https://b.example/x'];
  assert.equal(me.originErrors({ 'allowedOrigins[1]': ['…'] }, 'allowedOrigins', lines, say),
    'Line 2: “https://b.example/x” is not an origin. Write the scheme and host only, such as https://shop.example.com.');
  assert.equal(me.originErrors({ allowedOrigins: ['…'] }, 'allowedOrigins', lines, say), 'List at most 20 origins.');
  assert.equal(me.originErrors({ kind: ['…'] }, 'allowedOrigins', lines, say), '');
  assert.equal(me.originErrors(undefined, 'allowedOrigins', lines, say), '');
});

test('times read as the page writes them', () => {
  assert.equal(me.timeText('2026-12-05T15:48:31.123Z'), '2026-12-05 15:48 UTC');
  assert.equal(me.timeText('soon'), '');
});

test('every text key the module uses is in both catalogues, and every catalogue key is used', () => {
  const code = readFileSync(FILE, 'utf8').replace(/^\s*\/\/.*$/gm, '');
  const keys = Object.keys(en).filter((k) => k.startsWith(PREFIX)).map((k) => k.slice(PREFIX.length));
  for (const key of keys) assert.ok(de[PREFIX + key], `${key} has a German text`);
  // say('key' …) calls, the refusal keys of a status, and the origin problems ('invalid', 'long').
  const used = new Set([...code.matchAll(/\bsay\('([\w.]+)'/g), ...code.matchAll(/\d{3}: '([\w.]+)'/g)]
    .map((m) => m[1]).concat(['origins.invalid', 'origins.long']));
  for (const key of used) assert.ok(keys.includes(key), `used key ${key} is in the catalogue`);
  for (const key of keys) assert.ok(used.has(key), `catalogue key ${key} is used`);
});
