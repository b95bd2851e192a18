// End-to-end test of Clara's API reference page, GET /docs: `clara serve`
// on its embedded store, a real headless Chromium driven by
// playwright-core opens the page, Redoc (the bundle embedded in the binary,
// the npm package redoc pinned here) renders ../api/openapi.json as served
// at /api/v1/openapi.json, and every operation of that document must show,
// under the page's Content-Security-Policy, with no console error, no page
// error and no failed request. Redoc's search, which runs in a web worker
// started from a blob: URL, must find an operation. A screenshot of the
// page's top is taken; with CLARA_SCREENSHOTS=1 it is saved to
// ../docs/api-docs.png, which the README shows.
//
//   go build -o bin/clara ./cmd/clara && cd e2e && npm ci && node --test docs.test.mjs
//
// CLARA_BIN names the binary (default ../bin/clara, relative to this
// folder); CHROMIUM the browser (default /usr/bin/chromium, else chromium on
// PATH; on Debian: apt-get install chromium). Nothing but the 127.0.0.1
// server this test starts is contacted: the browser cannot resolve any
// other host, and a request to one would fail the test.

import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';


import { baseEnv, checkBinary, launchChromium, startServe, withStderrOf } from './harness.mjs';

const OPENAPI = fileURLToPath(new URL('../api/openapi.json', import.meta.url));
const SCREENSHOT = fileURLToPath(new URL('../docs/api-docs.png', import.meta.url));

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// Time bounds of one browser step and of the whole test.
const STEP_MS = 30_000;
const TEST_MS = 120_000;

/** The operations of the OpenAPI document: [{ method, path, operationId, summary }]. */
async function operations() {
  const doc = JSON.parse(await readFile(OPENAPI, 'utf8'));
  const ops = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) ops.push({ method, path, operationId: op.operationId, summary: op.summary });
    }
  }
  return ops;
}

describe('API reference page (/docs, Redoc)', () => {
  const serve = {};
  let browser;

  before(async () => {
    checkBinary();
    Object.assign(serve, await startServe(({ dataDir }) => baseEnv(dataDir), { prefix: 'clara-e2e-docs-' }));
    browser = await launchChromium('the docs browser test');
  });

  after(async () => {
    await browser?.close();
    await serve.stop?.();
  });

  const withStderr = withStderrOf(serve);

  test('docs: the embedded Redoc bundle is the one the lockfile pins', async () => {
    // The Go test of the same check runs before npm ci in make test; here the
    // package is installed.
    for (const [embedded, pinned] of [
      ['../api/docs/redoc.standalone.js', 'node_modules/redoc/bundles/redoc.standalone.js'],
      ['../api/docs/redoc.standalone.js.LICENSE.txt', 'node_modules/redoc/bundles/redoc.standalone.js.LICENSE.txt'],
      ['../api/docs/LICENSE', 'node_modules/redoc/LICENSE'],
    ]) {
      const [a, b] = await Promise.all([readFile(new URL(embedded, import.meta.url)), readFile(new URL(pinned, import.meta.url))]);
      assert.ok(a.equals(b), `${embedded} differs from ${pinned}`);
    }
  });

  test(
    'docs: Redoc renders every operation of the OpenAPI document, under the CSP, without errors',
    { timeout: TEST_MS },
    withStderr(async () => {
      const ops = await operations();
      assert.ok(ops.length >= 30, `${ops.length} operations in openapi.json`);
      for (const op of ops) assert.ok(op.operationId && op.summary, `${op.method} ${op.path} has an operationId and a summary`);

      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
      const problems = [];
      const requests = [];
      try {
        const page = await context.newPage();
        page.setDefaultTimeout(STEP_MS);
        page.on('console', (msg) => {
          if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
        });
        page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
        page.on('requestfailed', (req) => problems.push(`request failed: ${req.method()} ${req.url()} (${req.failure()?.errorText})`));
        page.on('request', (req) => requests.push(req.url()));
        page.on('response', (res) => {
          if (res.status() >= 400) problems.push(`${res.status()} for ${res.request().method()} ${res.url()}`);
        });

        const res = await page.goto(`${serve.base}/docs`, { waitUntil: 'load' });
        assert.equal(res.status(), 200);
        const csp = res.headers()['content-security-policy'];
        assert.match(csp ?? '', /default-src 'none'/, 'the page has a CSP');
        assert.match(csp, /script-src 'self'(;|$)/, 'the CSP allows scripts from this origin only');

        // Redoc has rendered: the API's title, and a section per operation.
        await page.locator('.api-info h1').first().waitFor();
        await page.waitForFunction(
          (n) => document.querySelectorAll('[data-section-id*="operation/"]').length >= n,
          ops.length,
          { timeout: STEP_MS },
        );
        // Redoc nests two elements with an operation's section id; the outer one holds its h2.
        const sections = await page.locator('[data-section-id*="operation/"]').evaluateAll((els) =>
          els
            .filter((el) => !el.parentElement.closest('[data-section-id*="operation/"]'))
            .map((el) => ({ id: el.getAttribute('data-section-id'), heading: el.querySelector('h2')?.textContent?.trim() })),
        );
        for (const op of ops) {
          const section = sections.find((s) => s.id.endsWith(`operation/${op.operationId}`));
          assert.ok(section, `no section for ${op.method.toUpperCase()} ${op.path} (${op.operationId}); sections: ${sections.map((s) => s.id).join(', ')}`);
          assert.equal(section.heading, op.summary, `heading of ${op.operationId}`);
        }
        assert.equal(sections.length, ops.length, 'one section per operation');
        // Every path shows with its method, and the side menu lists each operation.
        const text = await page.locator('.api-content').innerText();
        for (const op of ops) assert.ok(text.includes(op.path), `the page shows ${op.path}`);
        const menu = await page.locator('[data-item-id*="operation/"]').count();
        assert.equal(menu, ops.length, 'the side menu lists every operation');

        // Search runs in Redoc's web worker (from a blob: URL, which the CSP allows).
        const search = page.locator('input[placeholder="Search..."]');
        await search.fill('Buy credits');
        await page.locator('[data-role="search:results"] li').first().waitFor();
        const results = await page.locator('[data-role="search:results"]').innerText();
        assert.match(results, /Buy credits/, 'search finds an operation');
        await search.fill('');
        await page.locator('[data-role="search:results"]').waitFor({ state: 'detached' });

        await page.evaluate(() => window.scrollTo(0, 0));
        const shot = await page.screenshot({ animations: 'disabled', caret: 'hide' });
        assert.ok(shot.length > 0, 'a screenshot of the page');
        if (process.env.CLARA_SCREENSHOTS === '1') {
          await writeFile(SCREENSHOT, shot);
          console.log(`docs: screenshot written to ${SCREENSHOT}`);
        }

        const elsewhere = requests.filter((u) => !u.startsWith(`${serve.base}/`) && !u.startsWith('blob:') && !u.startsWith('data:'));
        assert.deepEqual(elsewhere, [], 'the page loads nothing from elsewhere');
        assert.ok(requests.some((u) => u.startsWith(`${serve.base}/docs/redoc.standalone.js`)), 'the embedded bundle is loaded');
        assert.ok(requests.includes(`${serve.base}/api/v1/openapi.json`), 'the document is fetched');
        assert.deepEqual(problems, [], 'no console error or warning, page error or failed request');
      } finally {
        await context.close();
      }
    }),
  );
});
