// Unit tests of the matrix editor's pure parts: `node --test tests/admin/`.
// The module must load under Node (no `document`) and start nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const FILE = new URL('../../crates/app/src/matrices/assets/matrix-editor.js', import.meta.url);
const CATALOGUES = ['en', 'de'].map((lang) => new URL(`../../crates/app/locales/${lang}.json`, import.meta.url));
const PREFIX = 'editor.script.';
const me = await import(FILE.href);

const glass = () => ({
  id: 12, name: 'Glass', version: 3, unit: 'mm', outOfRange: 'reject', currency: 'USD',
  widths: ['300', '600', '900'], heights: ['200', '400'],
  cells: [['10.00', '12.00', '14.00'], ['11.00', '13.00', '15.00']],
});

test('loads under Node without touching a document', () => {
  assert.equal(typeof globalThis.document, 'undefined');
  assert.equal(typeof me.start, 'function');
  assert.equal(me.MAX, 100);
});

test('the module stays small: the admin JavaScript budget is 30 KB gzipped in all', () => {
  const served = gzipSync(readFileSync(FILE)).length;
  assert.ok(served < 16 * 1024, `${served} bytes gzipped as served, comments included`);
});

// --- text -----------------------------------------------------------------------------------

test('placeholders are filled, unknown ones left as written', () => {
  assert.equal(me.fill('Price for {width} × {height} {unit}', { width: '600', height: '400', unit: 'mm' }),
    'Price for 600 × 400 mm');
  assert.equal(me.fill('{count} and {other}', { count: 0 }), '0 and {other}');
  assert.equal(me.fill('{toString}', {}), '{toString}');
});

test('every text key the module uses is in both catalogues, and every catalogue key is used', () => {
  const source = readFileSync(FILE, 'utf8');
  const [en, de] = CATALOGUES.map((url) => JSON.parse(readFileSync(url, 'utf8')));
  const listed = Object.entries(en).filter(([k]) => k.startsWith(PREFIX)).map(([k, v]) => [k.slice(PREFIX.length), v]);
  for (const [key] of listed) assert.ok(de[PREFIX + key], `${key} has a German text`);
  const keys = listed.map(([k]) => k);
  const code = source.replace(/^\/\/.*$/gm, '');
  const base = new Set(keys.map((k) => k.replace(/_(zero|one|two|few|many|other)$/, '')));
  // Keys used in code: t('key' …) calls and the error keys passed around as strings.
  const used = new Set([...code.matchAll(/\bt\('(\w+)'/g), ...code.matchAll(/\b(?:error|fail)\W+'(\w+)'/g),
    ...code.matchAll(/\bt\(\w+ \? '(\w+)' : '(\w+)'/g)].flatMap((m) => m.slice(1)));
  for (const key of used) assert.ok(base.has(key), `used key ${key} is in the catalogue`);
  for (const key of base) assert.ok(code.includes(`'${key}'`), `catalogue key ${key} is used`);
  for (const [key, english] of listed) {
    if (key.endsWith('_one')) assert.match(english, /\{count\}/, `${key} keeps {count}`);
  }
});

// --- money ----------------------------------------------------------------------------------

test('money is parsed into exact minor units per currency decimals', () => {
  assert.equal(me.parseMoney('15.00', 2), 1500n);
  assert.equal(me.parseMoney('15', 2), 1500n);
  assert.equal(me.parseMoney('15.5', 2), 1550n);
  assert.equal(me.parseMoney(' 0.05 ', 2), 5n);
  assert.equal(me.parseMoney('-0.50', 2), -50n);
  assert.equal(me.parseMoney('12.3000', 2), 1230n, 'trailing zeros beyond the currency change nothing');
  assert.equal(me.parseMoney('1.500', 3), 1500n, 'KWD');
  assert.equal(me.parseMoney('0.005', 3), 5n);
  assert.equal(me.parseMoney('1500', 0), 1500n, 'JPY');
  assert.equal(me.parseMoney('1500.0', 0), 1500n);
  assert.equal(me.parseMoney('92233720368547758.07', 2), 9223372036854775807n, 'beyond 2^53: exact');
  for (const bad of ['', ' ', '1.', '.5', '1,5', '1,000', '1e3', '+1', '- 1', 'NaN', '12a', '1.234', null, undefined]) {
    assert.equal(me.parseMoney(bad, 2), null, String(bad));
  }
  assert.equal(me.parseMoney('1.5', 0), null, 'JPY has no decimals');
  assert.equal(me.parseMoney('1.0005', 3), null);
});

test('minor units are formatted with exactly the currency decimals', () => {
  assert.equal(me.formatMoney(1500n, 2), '15.00');
  assert.equal(me.formatMoney(5n, 2), '0.05');
  assert.equal(me.formatMoney(0n, 2), '0.00');
  assert.equal(me.formatMoney(-5n, 2), '-0.05');
  assert.equal(me.formatMoney(1500n, 3), '1.500');
  assert.equal(me.formatMoney(7n, 3), '0.007');
  assert.equal(me.formatMoney(1500n, 0), '1500');
  assert.equal(me.formatMoney(0n, 0), '0');
  assert.equal(me.formatMoney(42, 2), '0.42', 'a Number integer is accepted');
  assert.equal(me.formatMoney(12345678901234567890n, 2), '123456789012345678.90');
  for (const [text, decimals] of [['15.00', 2], ['1.500', 3], ['1500', 0], ['0.01', 2], ['-3.20', 2]]) {
    assert.equal(me.formatMoney(me.parseMoney(text, decimals), decimals), text);
  }
});

test('division rounds half away from zero', () => {
  assert.equal(me.divRound(5n, 2n), 3n);
  assert.equal(me.divRound(-5n, 2n), -3n);
  assert.equal(me.divRound(4n, 3n), 1n);
  assert.equal(me.divRound(5n, 3n), 2n);
  assert.equal(me.divRound(-4n, 3n), -1n);
  assert.equal(me.divRound(-5n, 3n), -2n);
  assert.equal(me.divRound(6n, 3n), 2n);
  assert.equal(me.divRound(0n, 7n), 0n);
  assert.equal(me.divRound(149n, 100n), 1n);
  assert.equal(me.divRound(150n, 100n), 2n);
});

// --- bulk adjust ----------------------------------------------------------------------------

test('adjustments are read as an amount in the currency or a percentage', () => {
  assert.deepEqual(me.parseAdjustment('2.50', 2), { amount: 250n });
  assert.deepEqual(me.parseAdjustment('-1', 2), { amount: -100n });
  assert.deepEqual(me.parseAdjustment('+3', 2), { amount: 300n });
  assert.deepEqual(me.parseAdjustment(' 0.005 ', 3), { amount: 5n });
  assert.deepEqual(me.parseAdjustment('100', 0), { amount: 100n });
  assert.deepEqual(me.parseAdjustment('10%', 2), { num: 10n, den: 100n });
  assert.deepEqual(me.parseAdjustment('-5%', 2), { num: -5n, den: 100n });
  assert.deepEqual(me.parseAdjustment('2.5 %', 2), { num: 25n, den: 1000n });
  assert.deepEqual(me.parseAdjustment('0.125%', 0), { num: 125n, den: 100000n });
  assert.deepEqual(me.parseAdjustment('2.505', 2), { error: 'bulkDecimals' });
  assert.deepEqual(me.parseAdjustment('0.5', 0), { error: 'bulkDecimals' });
  for (const bad of ['', '%', 'abc', '1,5', '1e2', '10%%', '% 10', '--1', '1.', '.5%', null]) {
    assert.deepEqual(me.parseAdjustment(bad, 2), { error: 'bulkInvalid' }, String(bad));
  }
});

const adjust = (text, decimals, by) =>
  me.formatMoney(me.adjustMinor(me.parseMoney(text, decimals), me.parseAdjustment(by, decimals)), decimals);

test('adjustments are exact: amounts add, percentages round the result half away from zero', () => {
  assert.equal(adjust('10.00', 2, '10%'), '11.00');
  assert.equal(adjust('10.00', 2, '2.50'), '12.50');
  assert.equal(adjust('10.00', 2, '-1'), '9.00');
  assert.equal(adjust('0.10', 2, '+0.20'), '0.30', 'no 0.30000000000000004');
  assert.equal(adjust('0.05', 2, '10%'), '0.06', '0.055 rounds up');
  assert.equal(adjust('0.05', 2, '-10%'), '0.05', '0.045 rounds to 0.05');
  assert.equal(adjust('0.050', 3, '5%'), '0.053', 'KWD: 52.5 fils → 53');
  assert.equal(adjust('1.500', 3, '-0.25'), '1.250');
  assert.equal(adjust('0.005', 3, '10%'), '0.006', '5.5 fils → 6');
  assert.equal(adjust('1500', 0, '3.3%'), '1550', 'JPY: 1549.5 → 1550');
  assert.equal(adjust('1500', 0, '-10%'), '1350');
  assert.equal(adjust('999', 0, '0.05%'), '999', 'JPY: 999.4995 → 999');
  assert.equal(adjust('1000', 0, '0.05%'), '1001', 'JPY: 1000.5 → 1001');
  assert.equal(adjust('92233720368547758.07', 2, '100%'), '184467440737095516.14', 'no float anywhere');
});

const rect = (top, left, bottom, right) => ({ top, left, bottom, right });

test('a selection is adjusted all or nothing, empty cells left empty', () => {
  const cells = [['10.00', '', '14'], ['11.00', '13.00', '15.00']];
  const ten = me.parseAdjustment('10%', 2);
  const result = me.adjustCells(cells, rect(0, 0, 1, 1), ten, 2);
  assert.deepEqual(result, { cells: [['11.00', '', '14'], ['12.10', '14.30', '15.00']], count: 3 });
  assert.deepEqual(cells, [['10.00', '', '14'], ['11.00', '13.00', '15.00']], 'the input is not changed');
  const whole = me.adjustCells(cells, rect(0, 0, 1, 2), me.parseAdjustment('1', 2), 2);
  assert.deepEqual(whole.cells[0], ['11.00', '', '15.00'], '"14" is read as 14.00 and shown with the decimals');

  assert.deepEqual(me.adjustCells(cells, rect(0, 0, 1, 2), me.parseAdjustment('-11.50', 2), 2),
    { error: 'bulkNegative', count: 2 });
  assert.deepEqual(me.adjustCells(cells, rect(0, 0, 1, 2), me.parseAdjustment('-200%', 2), 2),
    { error: 'bulkNegative', count: 5 });
  assert.deepEqual(me.adjustCells(cells, rect(0, 1, 0, 1), ten, 2), { error: 'bulkEmpty', count: 0 });
  const bad = [['10.00', 'ten', '1,5']];
  assert.deepEqual(me.adjustCells(bad, rect(0, 0, 0, 2), ten, 2), { error: 'bulkBadCells', count: 2 });
  assert.deepEqual(me.adjustCells([['0.00']], rect(0, 0, 0, 0), me.parseAdjustment('-100%', 2), 2),
    { cells: [['0.00']], count: 1 }, 'zero is not negative');
  assert.deepEqual(me.adjustCells([['1.500']], rect(0, 0, 0, 0), me.parseAdjustment('-100%', 3), 3).cells, [['0.000']]);
});

// --- tab-separated text --------------------------------------------------------------------

test('spreadsheet text is split into rows and cells', () => {
  assert.deepEqual(me.parseTsv('1\t2\t3\n4\t5\t6'), [['1', '2', '3'], ['4', '5', '6']]);
  assert.deepEqual(me.parseTsv('1\t2\r\n3\t4\r\n'), [['1', '2'], ['3', '4']], 'CRLF and one trailing line break');
  assert.deepEqual(me.parseTsv('1\t2\n3\t4\n'), [['1', '2'], ['3', '4']]);
  assert.deepEqual(me.parseTsv('1\r2\r'), [['1'], ['2']], 'old Mac line breaks');
  assert.deepEqual(me.parseTsv('1\t\t3\n\t5\t'), [['1', '', '3'], ['', '5', '']], 'empty cells kept');
  assert.deepEqual(me.parseTsv('1\n\n2'), [['1'], [''], ['2']], 'an empty line in the middle is an empty row');
  assert.deepEqual(me.parseTsv('1\t2\n3'), [['1', '2'], ['3']], 'ragged rows stay ragged');
  assert.deepEqual(me.parseTsv('15.00'), [['15.00']]);
  assert.deepEqual(me.parseTsv('15.00\n'), [['15.00']]);
  assert.deepEqual(me.parseTsv(''), []);
  assert.deepEqual(me.parseTsv('\uFEFF1\t2'), [['1', '2']], 'a byte order mark is dropped');
});

test("Excel's quoted cells are unquoted", () => {
  assert.deepEqual(me.parseTsv('"a\tb"\t2\r\n"line\nbreak"\t"say ""hi"""\r\n'),
    [['a\tb', '2'], ['line\nbreak', 'say "hi"']]);
  assert.deepEqual(me.parseTsv('"10.00"\t"12.00"'), [['10.00', '12.00']]);
  assert.deepEqual(me.parseTsv('""\t1'), [['', '1']]);
  assert.deepEqual(me.parseTsv('"5" wide\t1'), [['5 wide', '1']], 'text after the closing quote is kept');
  assert.deepEqual(me.parseTsv('"open\t1\n2'), [['"open', '1'], ['2']], 'an unclosed quote is plain text');
  assert.deepEqual(me.parseTsv('a"b\t1'), [['a"b', '1']], 'a quote inside a plain cell is text');
});

test('a block is written back as tab-separated text that parses to itself', () => {
  const rows = [['10.00', '', 'a\tb'], ['x"y', 'line\nbreak', '3']];
  const text = me.toTsv(rows);
  assert.equal(text, '10.00\t\t"a\tb"\n"x""y"\t"line\nbreak"\t3');
  assert.deepEqual(me.parseTsv(text), rows);
});

test('a 100 × 100 block parses quickly', () => {
  const line = Array.from({ length: 100 }, (_, i) => `${i}.50`).join('\t');
  const text = Array.from({ length: 100 }, () => line).join('\r\n') + '\r\n';
  const started = performance.now();
  const rows = me.parseTsv(text);
  assert.equal(rows.length, 100);
  assert.ok(rows.every((r) => r.length === 100));
  assert.ok(performance.now() - started < 100);
});

// --- the state model ------------------------------------------------------------------------

test('a matrix from the API becomes the editor state, null cells empty', () => {
  const s = me.fromMatrix({ ...glass(), cells: [['10.00', null, '14.00'], ['11.00', '13.00']] });
  assert.deepEqual(s, {
    unit: 'mm', outOfRange: 'reject', widths: ['300', '600', '900'], heights: ['200', '400'],
    cells: [['10.00', '', '14.00'], ['11.00', '13.00', '']],
  });
});

test('dirty detection compares every part of the matrix', () => {
  const saved = me.fromMatrix(glass());
  const s = me.cloneState(saved);
  assert.ok(me.sameState(s, saved));
  s.cells[1][2] = '15.01';
  assert.ok(!me.sameState(s, saved));
  assert.equal(saved.cells[1][2], '15.00', 'a clone shares no rows');
  s.cells[1][2] = '15.00';
  assert.ok(me.sameState(s, saved), 'typing the old value back is clean again');
  for (const change of [
    (x) => { x.unit = 'cm'; }, (x) => { x.outOfRange = 'clamp'; }, (x) => { x.widths[0] = '301'; },
    (x) => { x.heights[1] = '401'; }, (x) => { x.cells[0][0] = '10'; },
  ]) {
    const c = me.cloneState(saved);
    change(c);
    assert.ok(!me.sameState(c, saved), String(change));
  }
  assert.ok(!me.sameState(me.insertRows(saved, 2), saved));
  assert.ok(!me.sameState(me.removeColumns(saved, 2), saved));
});

test('rows and columns are added and removed at a position, within 1 … 100', () => {
  const s = me.fromMatrix(glass());
  const row = me.insertRows(s, 1);
  assert.deepEqual(row.heights, ['200', '', '400']);
  assert.deepEqual(row.cells, [['10.00', '12.00', '14.00'], ['', '', ''], ['11.00', '13.00', '15.00']]);
  assert.deepEqual(s.heights, ['200', '400'], 'the state is not changed');
  assert.deepEqual(me.insertRows(s, 2, 2).heights, ['200', '400', '', '']);
  const col = me.insertColumns(s, 0);
  assert.deepEqual(col.widths, ['', '300', '600', '900']);
  assert.deepEqual(col.cells[1], ['', '11.00', '13.00', '15.00']);
  assert.deepEqual(me.removeRows(s, 0).cells, [['11.00', '13.00', '15.00']]);
  assert.deepEqual(me.removeRows(s, 0).heights, ['400']);
  const cols = me.removeColumns(s, 0, 2);
  assert.deepEqual(cols.widths, ['900']);
  assert.deepEqual(cols.cells, [['14.00'], ['15.00']]);
  assert.equal(me.removeRows(s, 0, 2), null, 'the last height stays');
  assert.equal(me.removeColumns(s, 0, 3), null, 'the last width stays');
  assert.equal(me.insertRows(s, 0, 98).heights.length, 100);
  assert.equal(me.insertRows(s, 0, 99), null, 'at most 100 heights');
  assert.equal(me.insertColumns(s, 3, 97).widths.length, 100);
  assert.equal(me.insertColumns(s, 3, 98), null, 'at most 100 widths');
});

test('selection rectangles, and their price cells', () => {
  assert.deepEqual(me.rectOf({ r: 3, c: 1 }, { r: 0, c: 4 }), rect(0, 1, 3, 4));
  assert.deepEqual(me.priceRect(rect(-1, -1, 2, 2)), rect(0, 0, 2, 2), 'breakpoints are cut off');
  assert.equal(me.priceRect(rect(-1, 0, -1, 3)), null, 'only width breakpoints');
  assert.equal(me.priceRect(rect(0, -1, 4, -1)), null, 'only height breakpoints');
});

// --- paste ----------------------------------------------------------------------------------

test('paste placement: the size a block needs from where it lands', () => {
  const block = me.parseTsv('1\t2\t3\n4\t5\t6\n7\t8\t9');
  assert.deepEqual(me.pastePlan(2, 3, { r: 0, c: 0 }, block), { rows: 3, cols: 3, height: 3, width: 3, fits: true });
  assert.deepEqual(me.pastePlan(10, 10, { r: 2, c: 2 }, block), { rows: 3, cols: 3, height: 10, width: 10, fits: true });
  assert.deepEqual(me.pastePlan(2, 3, { r: 1, c: 2 }, block), { rows: 3, cols: 3, height: 4, width: 5, fits: true });
  assert.deepEqual(me.pastePlan(2, 3, { r: -1, c: 0 }, block), { rows: 3, cols: 3, height: 2, width: 3, fits: true },
    'from the width breakpoints: the first row is breakpoints');
  assert.deepEqual(me.pastePlan(2, 3, { r: 1, c: 1 }, me.parseTsv('1\t2\n3\t4\t5\t6')).width, 5, 'the longest row counts');
  assert.equal(me.pastePlan(98, 3, { r: 97, c: 0 }, block).fits, true);
  assert.equal(me.pastePlan(98, 3, { r: 98, c: 0 }, block).fits, false, '101 rows');
  assert.equal(me.pastePlan(3, 98, { r: 0, c: 98 }, block).fits, false, '101 columns');
});

test('a pasted block fills cells, trimmed, and leaves ragged gaps as they were', () => {
  const s = me.fromMatrix(glass());
  const result = me.applyBlock(s, { r: 0, c: 1 }, me.parseTsv(' 20.00 \t21\n22'));
  assert.deepEqual(result.state.cells, [['10.00', '20.00', '21'], ['11.00', '22', '15.00']]);
  assert.deepEqual(result.rect, rect(0, 1, 1, 2));
  assert.equal(result.addedRows, 0);
  assert.equal(result.addedColumns, 0);
  assert.deepEqual(s.cells[0], ['10.00', '12.00', '14.00'], 'the state is not changed');
  const cleared = me.applyBlock(s, { r: 0, c: 0 }, [['', '5']]);
  assert.deepEqual(cleared.state.cells[0], ['', '5', '14.00'], 'an empty pasted cell empties the cell');
});

test('a block reaching past the grid grows it with empty breakpoints', () => {
  const s = me.fromMatrix(glass());
  const block = me.parseTsv('1\t2\t3\r\n4\t5\t6\r\n7\t8\t9\r\n');
  const result = me.applyBlock(s, { r: 1, c: 2 }, block);
  assert.equal(result.addedRows, 2);
  assert.equal(result.addedColumns, 2);
  assert.deepEqual(result.state.widths, ['300', '600', '900', '', '']);
  assert.deepEqual(result.state.heights, ['200', '400', '', '']);
  assert.deepEqual(result.state.cells, [
    ['10.00', '12.00', '14.00', '', ''],
    ['11.00', '13.00', '1', '2', '3'],
    ['', '', '4', '5', '6'],
    ['', '', '7', '8', '9'],
  ]);
  assert.deepEqual(result.rect, rect(1, 2, 3, 4));
  assert.equal(me.applyBlock(s, { r: 98, c: 0 }, block), null, 'beyond 100 × 100: refused');
  assert.equal(me.applyBlock(s, { r: 0, c: 0 }, [new Array(101).fill('1')]), null);
});

test('a block landing on breakpoints fills them', () => {
  const s = me.fromMatrix(glass());
  const fromWidths = me.applyBlock(s, { r: -1, c: 0 }, me.parseTsv('100\t200\t300\t400\n1\t2\t3\t4'));
  assert.deepEqual(fromWidths.state.widths, ['100', '200', '300', '400']);
  assert.deepEqual(fromWidths.state.cells[0], ['1', '2', '3', '4']);
  assert.deepEqual(fromWidths.state.cells[1], ['11.00', '13.00', '15.00', '']);
  assert.equal(fromWidths.addedColumns, 1);
  const fromHeights = me.applyBlock(s, { r: 0, c: -1 }, me.parseTsv('250\t1\n450\t2\n650\t3'));
  assert.deepEqual(fromHeights.state.heights, ['250', '450', '650']);
  assert.deepEqual(fromHeights.state.cells.map((row) => row[0]), ['1', '2', '3']);
  assert.equal(fromHeights.addedRows, 1);
});

test('a 100 × 100 block is applied to a 1 × 1 grid well under a second', () => {
  const s = { unit: 'mm', outOfRange: 'reject', widths: [''], heights: [''], cells: [['']] };
  const line = Array.from({ length: 100 }, (_, i) => `${i}.00`).join('\t');
  const block = me.parseTsv(Array.from({ length: 100 }, () => line).join('\n'));
  const started = performance.now();
  const result = me.applyBlock(s, { r: 0, c: 0 }, block);
  assert.ok(performance.now() - started < 200);
  assert.equal(result.state.cells.length, 100);
  assert.equal(result.state.cells[99][99], '99.00');
  assert.equal(result.addedRows, 99);
});

test('one value fills a selection', () => {
  const s = me.fromMatrix(glass());
  const filled = me.fillRect(s, rect(-1, 1, 1, 2), ' 9.99 ');
  assert.deepEqual(filled.cells, [['10.00', '9.99', '9.99'], ['11.00', '9.99', '9.99']]);
  assert.deepEqual(filled.widths, s.widths, 'breakpoints are not filled');
});

// --- requests -------------------------------------------------------------------------------

test('the save body: the version, trimmed texts, an empty cell null', () => {
  const s = me.fromMatrix(glass());
  s.cells[0][1] = '';
  s.cells[1][0] = '  ';
  s.cells[1][2] = ' 15.5 ';
  s.widths[2] = ' 900 ';
  s.unit = 'cm';
  assert.deepEqual(me.putBody(s, 3), {
    version: 3, unit: 'cm', outOfRange: 'reject', widths: ['300', '600', '900'], heights: ['200', '400'],
    cells: [['10.00', null, '14.00'], [null, '13.00', '15.5']],
  });
  assert.deepEqual(Object.keys(me.putBody(s, 3)), ['version', 'unit', 'outOfRange', 'widths', 'heights', 'cells'],
    'only the fields the API accepts (it denies unknown ones)');
});

test('the quote body: the unsaved grid and the size asked', () => {
  const s = me.fromMatrix(glass());
  s.cells[0][0] = '';
  assert.deepEqual(me.quoteBody(s, ' 450 ', '250', 'cm'), {
    unit: 'mm', outOfRange: 'reject', widths: ['300', '600', '900'], heights: ['200', '400'],
    cells: [[null, '12.00', '14.00'], ['11.00', '13.00', '15.00']], width: '450', height: '250', sizeUnit: 'cm',
  });
  assert.equal(me.quoteBody(s, '1', '1', '').sizeUnit, 'mm', "the matrix's unit when none is chosen");
});

test('problem fields name cells and breakpoints', () => {
  assert.deepEqual(me.parseField('cells[1][2]'), { r: 1, c: 2 });
  assert.deepEqual(me.parseField('widths[0]'), { r: -1, c: 0 });
  assert.deepEqual(me.parseField('heights[3]'), { r: 3, c: -1 });
  for (const other of ['cells', 'widths', 'name', 'unit', 'cells[1]', 'cells[a][1]', 'widths[-1]']) {
    assert.equal(me.parseField(other), null, other);
  }
});

test('a quoted price is shown for the locale without floating point', () => {
  const plain = (s) => s.replace(/\s/g, ' ');
  assert.equal(plain(me.formatPrice('13.00', 'USD', 'en', 2)), '$13.00');
  assert.equal(plain(me.formatPrice('1500.00', 'EUR', 'de', 2)), '1.500,00 €');
  assert.equal(plain(me.formatPrice('1500', 'JPY', 'en', 0)), '¥1,500');
  assert.equal(plain(me.formatPrice('1.500', 'KWD', 'en', 3)), 'KWD 1.500');
  assert.equal(plain(me.formatPrice('90071992547409.93', 'USD', 'en', 2)), '$90,071,992,547,409.93');
  assert.equal(me.formatPrice('13.00', 'NOT A CODE', 'en', 2), '13.00 NOT A CODE');
});
