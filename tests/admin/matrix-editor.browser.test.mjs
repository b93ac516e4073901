// The matrix editor in headless Chromium: `node --test tests/admin/`. Serves the repository on
// 127.0.0.1, opens matrix-editor.fixture.html (the page's markup, the simulator's Polaris
// stand-in, stub App Bridge and fetch) in Chromium driven over the DevTools protocol on a pipe,
// and reads the scenario's results from the page. Skipped with a message where Chromium is
// missing, unless CI=true. EDITOR_SCREENSHOT=/tmp/editor saves a screenshot of each scenario.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { existsSync, readFile, writeFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']
  .find((path) => existsSync(path));
const skip = !CHROMIUM && process.env.CI !== 'true'
  ? 'Chromium is not installed (apt-get install chromium); the browser checks are skipped'
  : false;

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript' };

function serve() {
  const server = createServer((req, res) => {
    const path = normalize(join(ROOT, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!path.startsWith(ROOT)) { res.writeHead(403).end(); return; }
    readFile(path, (error, body) => {
      if (error) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'Content-Type': TYPES[extname(path)] || 'application/octet-stream' }).end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A minimal Chrome DevTools Protocol client over --remote-debugging-pipe (no dependencies). */
function launch() {
  const child = spawn(CHROMIUM, ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-extensions', '--remote-debugging-pipe', '--window-size=1280,900', 'about:blank'],
  { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
  const [toChrome, fromChrome] = [child.stdio[3], child.stdio[4]];
  const pending = new Map();
  let seq = 0;
  let buffer = '';
  fromChrome.setEncoding('utf8');
  fromChrome.on('data', (chunk) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
      const waiter = pending.get(message.id);
      if (!waiter) continue;
      pending.delete(message.id);
      if (message.error) waiter.reject(new Error(JSON.stringify(message.error)));
      else waiter.resolve(message.result);
    }
  });
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const id = ++seq;
    pending.set(id, { resolve, reject });
    toChrome.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
  });
  return { send, close: () => child.kill() };
}

/** Runs a fixture scenario; `then(page)` may drive the page further once its results are in. */
async function run(scenario, then) {
  const server = await serve();
  const browser = launch();
  try {
    const { targetInfos } = await browser.send('Target.getTargets');
    const page = targetInfos.find((target) => target.type === 'page');
    const { sessionId } = await browser.send('Target.attachToTarget', { targetId: page.targetId, flatten: true });
    const url = `http://127.0.0.1:${server.address().port}/tests/admin/matrix-editor.fixture.html?case=${scenario}`;
    // As a merchant's focused window: focus events fire on focus().
    await browser.send('Emulation.setFocusEmulationEnabled', { enabled: true }, sessionId);
    await browser.send('Page.navigate', { url }, sessionId);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { result } = await browser.send('Runtime.evaluate', {
        expression: "location.search.includes('case=') && document.getElementById('results')?.textContent",
        returnByValue: true,
      }, sessionId);
      if (result.value) {
        if (process.env.EDITOR_SCREENSHOT) {
          const { data } = await browser.send('Page.captureScreenshot', { format: 'png' }, sessionId);
          writeFileSync(`${process.env.EDITOR_SCREENSHOT}-${scenario}.png`, Buffer.from(data, 'base64'));
        }
        const results = JSON.parse(result.value);
        if (then) {
          const page = {
            send: (method, params) => browser.send(method, params, sessionId),
            eval: async (expression) => {
              const reply = await browser.send('Runtime.evaluate', { expression, returnByValue: true }, sessionId);
              return reply.result.value;
            },
          };
          await then(page);
        }
        return results;
      }
      assert.ok(Date.now() < deadline, `the scenario ${scenario} finished within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    browser.close();
    server.close();
  }
}

function report(results) {
  const failed = results.checks.filter(([, ok]) => !ok);
  assert.ok(results.checks.length > 0, 'some checks ran');
  assert.deepEqual(failed, [], failed.map(([name, , detail]) => `${name}: ${detail}`).join('\n'));
}

test('editing, keyboard, selection, paste, bulk adjust, save outcomes and preview in Chromium', { skip }, async () => {
  const results = await run('flow');
  report(results);
});

// Timings are printed, never asserted (speed is measured, not tested: docs/PERFORMANCE.md).
test('a 100 × 100 grid is built, and a 100 × 100 paste applied', { skip }, async () => {
  const results = await run('perf');
  report(results);
  const { build, pasteOver, grown } = results;
  const ms = (runs) => `${Math.min(...runs).toFixed(0)} ms (runs: ${runs.map((n) => n.toFixed(0)).join(', ')})`;
  console.log(`# 100 × 100 in Chromium, style and layout included, best of 3: build ${ms(build)}, ` +
    `paste over it ${ms(pasteOver)}, paste growing 1 × 1 → 100 × 100 ${ms(grown)}`);
  for (const [name, runs] of Object.entries({ build, pasteOver, grown })) {
    assert.equal(runs.length, 3, `${name}: three runs`);
  }
});

// Real key presses and typing, as Chromium delivers them (default actions included).
const KEYS = { Tab: 9, Enter: 13, Escape: 27, ArrowLeft: 37, ArrowUp: 38, ArrowRight: 39, ArrowDown: 40 };
async function press(page, key, modifiers = 0) {
  const common = { key, code: key, windowsVirtualKeyCode: KEYS[key], nativeVirtualKeyCode: KEYS[key], modifiers };
  await page.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', ...common });
  await page.send('Input.dispatchKeyEvent', { type: 'keyUp', ...common });
}

test('real typing: focus selects, typing replaces, Tab and arrows move, Escape restores', { skip }, async () => {
  await run('idle', async (page) => {
    const value = (r, c) => page.eval(`document.querySelector('#matrix-grid table').rows[${r + 1}].cells[${c + 1}].firstChild.value`);
    const focusedAt = () => page.eval(`(() => { const el = document.activeElement; return [el.parentNode.parentNode.rowIndex - 1, el.parentNode.cellIndex - 1].join(); })()`);
    await page.eval(`document.querySelector('#matrix-grid tbody td input').focus()`);
    await page.send('Input.insertText', { text: '42' });
    assert.equal(await value(0, 0), '42', 'typing replaces the selected text');
    assert.equal(await page.eval(`window.calls.filter((c) => c[0] === 'saveBar.show').length`), 1, 'the save bar is shown');
    await press(page, 'Tab');
    assert.equal(await focusedAt(), '0,1', 'Tab moves right');
    await page.send('Input.insertText', { text: '5' });
    assert.equal(await value(0, 1), '5');
    await press(page, 'ArrowLeft');
    assert.equal(await focusedAt(), '0,1', 'while editing, ArrowLeft moves the caret first');
    await press(page, 'ArrowLeft');
    assert.equal(await focusedAt(), '0,0', 'then, at the text start, to the cell on the left');
    await press(page, 'ArrowDown');
    await press(page, 'Enter');
    assert.equal(await focusedAt(), '1,0', 'Enter on the last row stays');
    await press(page, 'Enter', 8);
    assert.equal(await focusedAt(), '0,0', 'Shift+Enter moves up');
    await press(page, 'ArrowDown');
    await press(page, 'ArrowRight');
    await page.send('Input.insertText', { text: '7' });
    assert.equal(await value(1, 1), '7');
    await press(page, 'Escape');
    assert.equal(await value(1, 1), '13.00', 'Escape restores the text the cell had');
    await press(page, 'ArrowUp');
    await press(page, 'ArrowRight');
    await press(page, 'Tab');
    assert.equal(await focusedAt(), '1,-1', 'Tab from a row end goes to the next row');
    await press(page, 'ArrowRight', 8);
    await press(page, 'ArrowRight', 8);
    await press(page, 'ArrowUp', 8);
    assert.equal(await page.eval(`document.querySelectorAll('#matrix-grid td.me-sel').length`), 4, 'Shift+arrows select 2 × 2 prices');
  });
});
