// End-to-end test of Clara's OAuth 2.1 authorization server with the
// official TypeScript SDK's OAuth client (@modelcontextprotocol/sdk) and a
// real headless Chromium driven by playwright-core: an MCP host connects to
// `clara serve` at /mcp, gets the 401 challenge, and the SDK discovers the
// metadata, names its client (a Client ID Metadata Document served by this
// test, or Dynamic Client Registration), and sends the browser to
// /oauth/authorize. The browser signs in, passes the emailed second factor
// (read from the development mailer's outbox, <CLARA_DATA_DIR>/outbox) and
// allows access; the code it brings back to the redirect URI is exchanged
// for tokens, with which the host lists its tools and calls view_user; the
// refresh token is then rotated.
//
//   go build -o bin/clara ./cmd/clara && cd e2e && npm ci && npm test
//
// CLARA_BIN names the binary (default ../bin/clara, relative to this
// folder); CHROMIUM the browser (default /usr/bin/chromium, else chromium on
// PATH; on Debian: apt-get install chromium). With CLARA_SCREENSHOTS=1 the
// screenshots of the sign-in, second-factor and consent pages are copied to
// ../docs/oauth-*.png. Nothing but the 127.0.0.1 servers this test starts is
// contacted: the browser cannot resolve any other host. The helpers shared
// with mcp.test.mjs are in harness.mjs.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { auth, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import {
  PASSWORD, SCOPES, baseEnv, checkBinary, launchChromium, listenLocal, nextCode, outboxNames, replyJSON, rest, startServe, tempDir, withStderrOf,
} from './harness.mjs';

const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));

// The tools an OAuth token granted every scope sees: those of an API key
// ("general auth" in Clara's access table: the sign-up and sign-in tools,
// the public ones, and every tool of the three scopes that a user token is
// not required for). Logout, update_user, the API key, the second factor
// and the OAuth grants stay with Clara's own user tokens.
const OAUTH_TOOLS = [
  'register', 'google_sign_in', 'login', 'change_password', 'send_otp', 'activate_account', 'health', 'version',
  'view_user',
  'list_transactions', 'view_transaction', 'credit_rate', 'buy_credits', 'billing_portal',
  'list_tasks', 'view_task', 'cancel_task', 'supported_attachments', 'analyze',
];

const PUBLIC_API_KEY = 'e2e-public-api-key-0123456789';

// Time bounds of the browser's steps and of the whole authorization.
const STEP_MS = 15_000;
const TEST_MS = 120_000;

/**
 * Starts `clara serve` (see startServe) with its public URL its own
 * address and loopback client metadata documents allowed.
 */
function startOAuthServe() {
  return startServe(
    ({ base, dataDir }) => baseEnv(dataDir, {
      CLARA_PUBLIC_URL: base,
      CLARA_PUBLIC_API_KEY: PUBLIC_API_KEY,
      CLARA_OAUTH_LOOPBACK_CLIENTS: 'true',
    }),
    { prefix: 'clara-e2e-oauth-' },
  );
}

// ---- Users, over REST -----------------------------------------------------

/**
 * Registers and activates a user with email on the Clara at base, and turns
 * on its emailed second factor. Returns the user ({ id, email, ... }).
 */
async function activeUserWith2FA(base, outbox, email, firstName, lastName) {
  const [regStatus, reg] = await rest(base, 'POST', '/auth/register', PUBLIC_API_KEY, {
    first_name: firstName, last_name: lastName, email, password: PASSWORD,
  });
  assert.equal(regStatus, 201, `register: ${JSON.stringify(reg)}`);
  const { id, token } = reg.data;

  const [actStatus, act] = await rest(base, 'POST', `/users/${encodeURIComponent(email)}/activate`, PUBLIC_API_KEY, {
    code: await nextCode(outbox, email),
  });
  assert.equal(actStatus, 200, `activate: ${JSON.stringify(act)}`);
  assert.equal(act.data.is_active, true);

  const seen = await outboxNames(outbox);
  const [otpStatus, otp] = await rest(base, 'POST', `/users/${encodeURIComponent(email)}/otp/TWO_FACTOR_AUTH`, PUBLIC_API_KEY);
  assert.equal(otpStatus, 201, `send TWO_FACTOR_AUTH OTP: ${JSON.stringify(otp)}`);
  const [faStatus, fa] = await rest(base, 'POST', `/users/${id}/2fa`, `Bearer ${token}`, { code: await nextCode(outbox, email, seen) });
  assert.equal(faStatus, 200, `enable 2FA: ${JSON.stringify(fa)}`);

  const [viewStatus, view] = await rest(base, 'GET', `/users/${id}`, `Bearer ${token}`);
  if (viewStatus === 200) assert.equal(view.data.is_2fa_enabled, true, '2FA enabled');
  return { ...reg.data, token: undefined, is_2fa_enabled: true };
}

// ---- The client app: its metadata document and redirect URI ----------------

/**
 * Starts the MCP host's own little web server on 127.0.0.1: its Client ID
 * Metadata Document at /client.json (application/json) and its redirect URI
 * /callback, which records each visit's query. Returns { origin, clientId,
 * redirectUrl, document, fetches, callbacks, close }.
 */
async function startClientApp(clientName) {
  const fetches = [];
  const callbacks = [];
  let document;
  const srv = await listenLocal((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/client.json') {
      fetches.push({ userAgent: req.headers['user-agent'] });
      return replyJSON(res, 200, document);
    }
    if (req.method === 'GET' && url.pathname === '/callback') {
      callbacks.push(Object.fromEntries(url.searchParams));
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end('<!doctype html><title>Connected</title><p>You can close this window.</p>');
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  });
  const origin = srv.url;
  const clientId = `${origin}/client.json`;
  const redirectUrl = `${origin}/callback`;
  document = {
    client_id: clientId,
    client_name: clientName,
    client_uri: origin,
    redirect_uris: [redirectUrl],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  };
  return { origin, clientId, redirectUrl, document, fetches, callbacks, close: srv.close };
}

// ---- The browser ------------------------------------------------------------

/**
 * What the browser shows, for failure messages: its URL, title and text.
 */
async function describePage(page) {
  const text = await page.locator('body').innerText({ timeout: 2000 }).catch(() => '(no body)');
  return `at ${page.url()} (title ${JSON.stringify(await page.title().catch(() => ''))}):\n${text.trim().slice(0, 1500)}`;
}

/** Waits for selector on page, failing with what the page shows instead. */
async function expectOn(page, selector, what) {
  try {
    await page.locator(selector).first().waitFor({ state: 'visible', timeout: STEP_MS });
  } catch (err) {
    assert.fail(`${what}: no ${selector} within ${STEP_MS} ms, the browser is ${await describePage(page)}\n(${err.message.split('\n')[0]})`);
  }
}

/**
 * A user at a browser: authorize(url, state) opens Clara's authorization
 * page in a fresh browser context, signs in as user with PASSWORD, enters
 * the emailed code when asked, checks the consent page and allows; it
 * returns the query the redirect to app.redirectUrl carries (code, state,
 * …). With shots (a directory), it saves screenshots of the three pages.
 */
function browserUser(browser, { user, outbox, app, clientName, shots, log }) {
  return async (authorizationUrl, state) => {
    assert.equal(authorizationUrl.hostname, '127.0.0.1', `the browser stays on 127.0.0.1: ${authorizationUrl}`);
    const context = await browser.newContext({ viewport: { width: 480, height: 800 }, deviceScaleFactor: 1 });
    context.setDefaultTimeout(STEP_MS);
    context.setDefaultNavigationTimeout(STEP_MS);
    // Belt and braces to --host-resolver-rules: any request to another host fails.
    await context.route((u) => u.hostname !== '127.0.0.1', (route) => route.abort('blockedbyclient'));
    const page = await context.newPage();
    const shoot = async (name) => {
      if (shots) await page.screenshot({ path: join(shots, name), fullPage: true, animations: 'disabled', caret: 'hide' });
    };
    try {
      const res = await page.goto(authorizationUrl.href);
      assert.equal(res?.status(), 200, `GET /oauth/authorize: ${await describePage(page)}`);

      // Sign in.
      await expectOn(page, '#email', 'the sign-in page');
      assert.equal(await page.title(), 'Sign in to Clara · Clara');
      assert.equal(await page.locator('h1').innerText(), 'Sign in to Clara');
      await page.fill('#email', user.email);
      await page.fill('#password', PASSWORD);
      await shoot('oauth-signin.png');
      const seen = await outboxNames(outbox);
      await page.getByRole('button', { name: 'Sign in' }).click();

      // The second factor: the code Clara has just emailed.
      await expectOn(page, '#code, button[name=decision][value=allow]', 'after Sign in');
      assert.equal(await page.locator('h1').innerText(), 'Confirm it is you', `after Sign in, the browser is ${await describePage(page)}`);
      assert.match(await page.locator('main').innerText(), /We emailed you a 6-digit code/);
      const code = await nextCode(outbox, user.email, seen);
      await page.fill('#code', code);
      await shoot('oauth-second-factor.png');
      await page.getByRole('button', { name: 'Continue' }).click();

      // Consent: the client, the user and the scopes, then Allow.
      await expectOn(page, 'button[name=decision][value=allow]', 'after the second factor');
      assert.equal(await page.title(), 'Allow access to Clara? · Clara');
      const main = await page.locator('main').innerText();
      assert.equal(await page.locator('.client-name').innerText(), clientName, 'the consent page names the client');
      assert.ok(main.includes(user.email), `the consent page names the user: ${main}`);
      assert.deepEqual(await page.locator('.scopes .scope').allInnerTexts(), SCOPES, 'the consent page lists the scopes');
      assert.ok(await page.getByRole('button', { name: 'Deny' }).isVisible(), 'a Deny button');
      await shoot('oauth-consent.png');
      await page.locator('button[name=decision][value=allow]').click();

      // The redirect back to the client with the code.
      try {
        await page.waitForURL((u) => u.href.startsWith(`${app.redirectUrl}?`), { timeout: STEP_MS });
      } catch {
        assert.fail(`after Allow, no redirect to ${app.redirectUrl}: the browser is ${await describePage(page)}`);
      }
      const query = Object.fromEntries(new URL(page.url()).searchParams);
      assert.equal(query.error, undefined, `Allow redirected with an error: ${JSON.stringify(query)}`);
      assert.ok(query.code, `a code in ${page.url()}`);
      assert.equal(query.state, state, 'the state comes back');
      assert.deepEqual(app.callbacks.at(-1), query, 'the client app saw the same redirect');
      log?.(`browser: signed in as ${user.email}, passed the emailed code, allowed ${clientName}`);
      return query;
    } finally {
      await context.close();
    }
  };
}

// ---- The SDK's OAuth client -------------------------------------------------

/**
 * An in-memory OAuthClientProvider of the MCP host. clientInformation is
 * what it knows of its client before the flow (undefined: register);
 * authorize(url, state) plays the user at the browser and returns the
 * redirect's query, whose code is kept for finishAuth.
 */
class BrowserOAuthProvider {
  constructor({ redirectUrl, clientName, clientInformation, authorize }) {
    this._redirectUrl = redirectUrl;
    this._clientName = clientName;
    this._client = clientInformation;
    this._authorize = authorize;
    this._tokens = undefined;
    this._verifier = undefined;
    this._state = undefined;
    this.savedClients = [];
    this.savedTokens = [];
    this.authorizationUrls = [];
    this.code = undefined;
  }

  get redirectUrl() {
    return this._redirectUrl;
  }

  get clientMetadata() {
    return {
      client_name: this._clientName,
      redirect_uris: [this._redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state() {
    this._state = randomBytes(16).toString('base64url');
    return this._state;
  }

  clientInformation() {
    return this._client;
  }

  saveClientInformation(info) {
    this._client = info;
    this.savedClients.push(info);
  }

  tokens() {
    return this._tokens;
  }

  saveTokens(tokens) {
    this._tokens = tokens;
    this.savedTokens.push(tokens);
  }

  saveCodeVerifier(verifier) {
    this._verifier = verifier;
  }

  codeVerifier() {
    assert.ok(this._verifier, 'a code verifier was saved');
    return this._verifier;
  }

  async redirectToAuthorization(url) {
    this.authorizationUrls.push(url);
    const query = await this._authorize(url, this._state);
    this.code = query.code;
  }
}

/**
 * Connects an MCP client to url as the SDK documents it for a host that
 * must send its user to a browser: the first connect throws
 * UnauthorizedError once provider.redirectToAuthorization has run, the
 * transport's finishAuth exchanges the code, and a new transport connects
 * with the tokens. Returns the connected client.
 */
async function connectWithBrowser(url, provider) {
  const first = new Client({ name: 'clara-e2e-oauth', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
  await assert.rejects(first.connect(transport), (err) => err instanceof UnauthorizedError, 'the first connect asks for authorization');
  assert.equal(provider.authorizationUrls.length, 1, 'the browser was sent to authorize once');
  assert.ok(provider.code, 'the browser brought back a code');
  await transport.finishAuth(provider.code);
  await transport.close().catch(() => {});
  assert.ok(provider.tokens()?.access_token, 'finishAuth saved an access token');

  const client = new Client({ name: 'clara-e2e-oauth', version: '1.0.0' });
  const again = new StreamableHTTPClientTransport(url, { authProvider: provider });
  try {
    await client.connect(again);
  } catch (err) {
    await again.close().catch(() => {});
    throw err;
  }
  return client;
}

/**
 * Checks what the authorization request asked for: Clara's authorization
 * endpoint, the client, PKCE S256, the resource /mcp and every scope.
 */
function checkAuthorizationUrl(authorizationUrl, base, clientId, redirectUrl) {
  const q = authorizationUrl.searchParams;
  assert.equal(`${authorizationUrl.origin}${authorizationUrl.pathname}`, `${base}/oauth/authorize`);
  assert.equal(q.get('response_type'), 'code');
  assert.equal(q.get('client_id'), clientId);
  assert.equal(q.get('redirect_uri'), redirectUrl);
  assert.equal(q.get('code_challenge_method'), 'S256');
  assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
  assert.equal(q.get('resource'), `${base}/mcp`);
  assert.deepEqual((q.get('scope') ?? '').split(' ').sort(), SCOPES);
}

/**
 * Checks what a client with the tokens sees: the tools of every scope, and
 * view_user answering with user's profile.
 */
async function checkSignedIn(client, user) {
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), [...OAUTH_TOOLS].sort(), 'tools/list with every scope');

  const viewUser = tools.find((t) => t.name === 'view_user');
  const args = viewUser.inputSchema?.properties?.user_id ? { user_id: user.id } : {};
  const res = await client.callTool({ name: 'view_user', arguments: args });
  assert.equal(res.isError ?? false, false, `view_user failed: ${res.content?.[0]?.text}`);
  assert.deepEqual(JSON.parse(res.content[0].text), res.structuredContent, 'view_user: text rendering');
  assert.equal(res.structuredContent.id, user.id);
  assert.equal(res.structuredContent.email, user.email);
  assert.equal(res.structuredContent.is_2fa_enabled, true);
  return tools;
}

// ---- The tests ----------------------------------------------------------------

describe('clara serve as its own OAuth authorization server, with a browser', () => {
  const serve = {};
  let browser;
  let shots;

  before(async () => {
    checkBinary();
    shots = await tempDir('clara-e2e-shots-');
    Object.assign(serve, await startOAuthServe());
    browser = await launchChromium('the OAuth browser test');
  });

  after(async () => {
    await browser?.close();
    await serve.stop?.();
    await shots?.cleanup();
  });

  /** Wraps a test to show clara's stderr when it fails. */
  const withStderr = withStderrOf(serve);

  test(
    'oauth: a client named by its metadata document signs a 2FA user in through the browser',
    { timeout: TEST_MS },
    withStderr(async () => {
      const outbox = serve.outbox;
      const clientName = 'E2E Metadata Document Host';
      const app = await startClientApp(clientName);
      let client;
      try {
        const user = await activeUserWith2FA(serve.base, outbox, 'ada.cimd@example.com', 'Ada', 'Lovelace');
        // The SDK's own clientMetadataUrl takes https URLs only, so the
        // provider names its client by the document's http://127.0.0.1 URL
        // as information it already has (Clara fetches it: loopback allowed).
        const provider = new BrowserOAuthProvider({
          redirectUrl: app.redirectUrl,
          clientName,
          clientInformation: { client_id: app.clientId },
          authorize: browserUser(browser, { user, outbox, app, clientName, shots: shots.dir, log: console.log }),
        });
        const url = new URL(`${serve.base}/mcp`);
        client = await connectWithBrowser(url, provider);
        checkAuthorizationUrl(provider.authorizationUrls[0], serve.base, app.clientId, app.redirectUrl);
        assert.ok(app.fetches.length >= 1, 'Clara fetched the client metadata document');
        assert.ok(provider.savedClients.every((c) => c.client_id === app.clientId), 'no registration: the client id stays the document URL');

        const tokens = provider.tokens();
        assert.equal(tokens.token_type.toLowerCase(), 'bearer');
        assert.ok(tokens.refresh_token, 'a refresh token');
        await checkSignedIn(client, user);
        console.log(`oauth: metadata document ${app.clientId} fetched ${app.fetches.length}×; signed in with 2FA; tools/list and view_user ok`);

        if (process.env.CLARA_SCREENSHOTS === '1') {
          await mkdir(DOCS, { recursive: true });
          for (const name of ['oauth-signin.png', 'oauth-second-factor.png', 'oauth-consent.png']) {
            await copyFile(join(shots.dir, name), join(DOCS, name));
          }
          console.log(`oauth: screenshots written to ${DOCS}`);
        }
      } finally {
        await client?.close().catch(() => {});
        await app.close();
      }
    }),
  );

  test(
    'oauth: a dynamically registered client signs a 2FA user in through the browser, then refreshes',
    { timeout: TEST_MS },
    withStderr(async () => {
      const outbox = serve.outbox;
      const clientName = 'E2E Registered Host';
      const app = await startClientApp(clientName);
      const open = [];
      try {
        const user = await activeUserWith2FA(serve.base, outbox, 'grace.dcr@example.com', 'Grace', 'Hopper');
        const provider = new BrowserOAuthProvider({
          redirectUrl: app.redirectUrl,
          clientName,
          clientInformation: undefined,
          authorize: browserUser(browser, { user, outbox, app, clientName, log: console.log }),
        });
        const url = new URL(`${serve.base}/mcp`);
        open.push(await connectWithBrowser(url, provider));

        // The SDK registered at /oauth/register, once.
        assert.equal(provider.savedClients.length >= 1, true, 'the SDK saved a registration');
        const registered = provider.savedClients[0];
        assert.ok(registered.client_id && !/^https?:/.test(registered.client_id), `a registered client id: ${registered.client_id}`);
        assert.deepEqual(registered.redirect_uris, [app.redirectUrl]);
        assert.equal(registered.client_secret, undefined, 'a public client gets no secret');
        assert.equal(app.fetches.length, 0, 'no metadata document was fetched');
        checkAuthorizationUrl(provider.authorizationUrls[0], serve.base, registered.client_id, app.redirectUrl);
        await checkSignedIn(open[0], user);

        // Refresh: new tokens, with which a new connection works.
        const old = provider.tokens();
        assert.ok(old.refresh_token, 'a refresh token');
        assert.equal(await auth(provider, { serverUrl: url }), 'AUTHORIZED', 'the SDK refreshed the tokens');
        const fresh = provider.tokens();
        // (The access token is a JWT of the grant with iat in seconds: one
        // refreshed within the same second may equal the old one.)
        assert.ok(fresh.access_token, 'an access token');
        assert.ok(fresh.refresh_token, 'a new refresh token');
        assert.notEqual(fresh.refresh_token, old.refresh_token, 'the refresh token rotates');
        assert.equal(provider.authorizationUrls.length, 1, 'no new browser trip');
        const refreshed = new Client({ name: 'clara-e2e-oauth', version: '1.0.0' });
        await refreshed.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
        open.push(refreshed);
        await checkSignedIn(refreshed, user);

        // A rotated refresh token is refused (last: a replay may revoke the
        // grant's newer tokens too).
        const replay = await fetch(`${serve.base}/oauth/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: old.refresh_token, client_id: registered.client_id }),
        });
        const replayBody = await replay.json();
        assert.equal(replay.status, 400, `the old refresh token again: ${JSON.stringify(replayBody)}`);
        assert.equal(replayBody.error, 'invalid_grant');

        console.log(`oauth: registered ${registered.client_id}; signed in with 2FA; tools/list and view_user ok; refresh rotated`);
      } finally {
        for (const c of open) await c.close().catch(() => {});
        await app.close();
      }
    }),
  );
});
