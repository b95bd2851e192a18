// End-to-end test of Clara's MCP server with the official TypeScript SDK
// client (@modelcontextprotocol/sdk, pinned in package-lock.json) over the
// three transports: `clara mcp` (stdio), and `clara serve` at /mcp
// (Streamable HTTP) and /sse (legacy HTTP+SSE); and an account's life
// (register, activate, 2FA, profile, API key) over stdio and Streamable
// HTTP, reading one-time codes from the development mailer's outbox
// (<CLARA_DATA_DIR>/outbox); and buying credits over both, against a fake
// Stripe API served by this test, with a signed webhook crediting the
// purchase through `clara serve`; and an analysis over both, the agent
// talking to a fake OpenAI-compatible model served by this test, with
// progress notifications while analyze waits; and, with `clara serve`'s
// default settings, the 401 challenge of a request without credentials and
// the protected resource metadata the SDK's OAuth client discovers from it.
//
//   go build -o bin/clara ./cmd/clara && cd e2e && npm ci && npm test
//
// CLARA_BIN names the binary (default ../bin/clara, relative to this folder).
// The helpers shared with oauth.test.mjs are in harness.mjs.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

import {
  BIN, CHECKOUT_URL, MODEL, PASSWORD, SCOPES, checkBinary, deliver, exited, grantCredits, latestCode, signedEvent, startFakes,
  startServe, tempDir, withStderrOf,
} from './harness.mjs';

// The protocol revision the SDK negotiates with mcp-go.
const PROTOCOL = '2025-11-25';

// The tools Clara registers, with their hints (readOnly, destructive,
// idempotent, openWorld) from the table of spec/mcp-tools.md.
const TOOLS = {
  register: [false, false, false, false],
  google_sign_in: [false, false, true, true],
  login: [false, false, false, false],
  logout: [false, true, true, false],
  change_password: [false, true, false, false],
  send_otp: [false, false, false, true],
  activate_account: [false, false, true, false],
  enable_2fa: [false, false, true, false],
  disable_2fa: [false, true, true, false],
  view_user: [true, false, true, false],
  update_user: [false, false, true, false],
  view_api_key: [true, false, true, false],
  reset_api_key: [false, true, false, false],
  list_oauth_grants: [true, false, true, false],
  revoke_oauth_grant: [false, true, true, false],
  start_totp: [false, false, false, false],
  confirm_totp: [false, false, true, false],
  list_transactions: [true, false, true, false],
  view_transaction: [true, false, true, false],
  credit_rate: [true, false, true, false],
  buy_credits: [false, false, false, true],
  billing_portal: [false, false, false, true],
  list_tasks: [true, false, true, false],
  view_task: [true, false, true, false],
  supported_attachments: [true, false, true, false],
  analyze: [false, false, false, true],
  cancel_task: [false, true, true, false],
  health: [true, false, true, false],
  version: [true, false, true, false],
};
const HINTS = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'];

// tools/list shows each caller the tools its credentials can use: without
// credentials the sign-up and sign-in tools and the public ones; with an
// API key also what "general auth" allows; an active user's token sees
// every tool of TOOLS.
const PUBLIC_TOOLS = ['register', 'google_sign_in', 'login', 'change_password', 'send_otp', 'activate_account', 'health', 'version'];
const API_KEY_TOOLS = [
  ...PUBLIC_TOOLS,
  'view_user', 'list_transactions', 'view_transaction', 'credit_rate', 'buy_credits', 'billing_portal',
  'list_tasks', 'view_task', 'cancel_task', 'supported_attachments', 'analyze',
];

/** Checks that tools, as listed, are exactly names, each with the surface and hints of TOOLS. */
function checkTools(tools, names, what) {
  assert.deepEqual(tools.map((t) => t.name).sort(), [...names].sort(), `${what}: tool names`);
  for (const tool of tools) {
    assert.ok(tool.title, `${tool.name}: title`);
    assert.ok(tool.description, `${tool.name}: description`);
    assert.equal(tool.inputSchema?.type, 'object', `${tool.name}: inputSchema`);
    assert.equal(tool.outputSchema?.type, 'object', `${tool.name}: outputSchema`);
    assert.deepEqual(HINTS.map((h) => tool.annotations?.[h]), TOOLS[tool.name], `${tool.name}: annotations`);
  }
}

// Semantic Versioning 2.0.0, https://semver.org.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** The fakes of this run (see startFakes), started before every test. */
let fakes;

/**
 * The environment of a spawned clara: that of baseEnv (nothing from this
 * process but PATH and HOME, the per-caller rate limit raised for the
 * test's bursts), billing talking to the fake Stripe API and analyses to
 * the fake model.
 */
function claraEnv(dataDir, extra = {}) {
  assert.ok(fakes, 'the fake Stripe API and model are running');
  return fakes.env(dataDir, extra);
}

/**
 * Connects a client over transport and checks what every transport must
 * serve: the handshake, the tool list, health, version, and a protocol
 * error for an unknown tool. Closes the client and logs one line.
 */
async function probe(label, transport, { beforeClose } = {}) {
  let negotiated;
  const setProtocolVersion = transport.setProtocolVersion?.bind(transport);
  transport.setProtocolVersion = (v) => {
    negotiated = v;
    setProtocolVersion?.(v);
  };
  const client = new Client({ name: 'clara-e2e', version: '1.0.0' });
  await client.connect(transport);
  try {
    assert.equal(negotiated, PROTOCOL, 'negotiated protocol');
    assert.equal(client.getServerVersion()?.name, 'clara');
    assert.equal(client.getServerCapabilities()?.tools?.listChanged, true, 'tools capability with listChanged');
    assert.match(client.getInstructions() ?? '', /Clara/);

    const { tools } = await client.listTools();
    checkTools(tools, PUBLIC_TOOLS, 'without credentials');

    const health = await client.callTool({ name: 'health', arguments: {} });
    assert.equal(health.isError ?? false, false, 'health isError');
    assert.deepEqual(health.structuredContent, { service: 'clara', status: 'healthy' });
    assert.equal(health.content?.[0]?.type, 'text');
    assert.deepEqual(JSON.parse(health.content[0].text), health.structuredContent, 'health text rendering');

    const version = await client.callTool({ name: 'version', arguments: {} });
    assert.equal(version.isError ?? false, false, 'version isError');
    assert.match(version.structuredContent?.version ?? '', SEMVER, 'version is semver');

    await assert.rejects(
      client.callTool({ name: 'no_such_tool', arguments: {} }),
      (err) => err.code === -32602,
      'unknown tool gives protocol error -32602',
    );
    console.log(
      `${label}: ok (protocol ${negotiated}, tools ${tools.map((t) => t.name).join(',')}, ` +
        `health ${health.structuredContent.status}, version ${version.structuredContent.version})`,
    );
    await beforeClose?.();
  } finally {
    await client.close();
  }
}

// ---- Account flow -------------------------------------------------------

// The REST messages that tool errors carry on their first line.
const MSG = {
  unauthenticated: 'Authorization header or OTP is either missing, invalid or expired.',
  invalid: 'One or more required parameters are either not given or have invalid schema.',
  inactive: 'Please activate your account to access the requested resource.',
  forbidden: 'You do not have access to the requested resource.',
};

/** The structuredContent of a successful result, checked against its text. */
function ok(res, what) {
  assert.equal(res.isError ?? false, false, `${what} failed: ${res.content?.[0]?.text}`);
  assert.deepEqual(JSON.parse(res.content[0].text), res.structuredContent, `${what}: text rendering`);
  return res.structuredContent;
}

/** Checks an isError result: the REST message, then lines matching more. */
function failed(res, message, more, what) {
  assert.equal(res.isError, true, `${what}: isError (got ${JSON.stringify(res.structuredContent)})`);
  const [first, ...rest] = res.content[0].text.split('\n');
  assert.equal(first, message, `${what}: message`);
  if (more) assert.match(rest.join('\n'), more, `${what}: guidance`);
}

/**
 * A client session: call(name, args, options) (options as the SDK's
 * request options, e.g. onprogress) and close().
 */
function session(client, close) {
  let changes = 0;
  let waiting = [];
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    changes++;
    for (const resolveChange of waiting.splice(0)) resolveChange();
  });
  return {
    call: (name, args = {}, options = undefined) => client.callTool({ name, arguments: args }, undefined, options),
    tools: async () => (await client.listTools()).tools,
    /** Resolves once a notifications/tools/list_changed has arrived after this call. */
    listChanged: () => {
      const seen = changes;
      return new Promise((resolveChange) => {
        if (changes > seen) resolveChange();
        else waiting.push(resolveChange);
      });
    },
    close,
  };
}

/**
 * Runs an account's life over a transport driver d:
 *   d.open(token?)  opens a client presenting token (stdio: CLARA_API_KEY);
 *   d.binds         login/register sign the session in (stdio);
 *   d.how           matches the line that says how to authenticate;
 *   d.refused(key)  checks that a dead API key is refused.
 */
async function accountFlow(label, d, outbox) {
  const email = `ada.${label}@example.com`;
  const anon = await d.open();
  const open = [anon];
  try {
    checkTools(await anon.tools(), PUBLIC_TOOLS, 'anonymous');
    failed(await anon.call('view_user'), MSG.unauthenticated, d.how, 'anonymous view_user');
    failed(
      await anon.call('register', { first_name: 'Ada', last_name: 'Lovelace', email: 'ada-at-example', password: PASSWORD }),
      MSG.invalid,
      /^email: /,
      'register with a bad email',
    );

    // A stdio session that signs in or out is told to list its tools again.
    const changing = async (s, call) => {
      const changed = d.binds ? s.listChanged() : null;
      const res = await call();
      await changed;
      return res;
    };
    const reg = ok(
      await changing(anon, () => anon.call('register', { first_name: 'Ada', last_name: 'Lovelace', email, password: PASSWORD })),
      'register',
    );
    assert.match(reg.token, /^clara_user_/);
    assert.equal(reg.is_active, false);
    let me = anon;
    const signIn = async (token) => {
      if (d.binds) return;
      me = await d.open(token);
      open.push(me);
    };
    await signIn(reg.token);
    checkTools(await me.tools(), [...PUBLIC_TOOLS, 'view_user', 'logout'], 'inactive user');

    assert.equal(ok(await me.call('view_user'), 'view_user').id, reg.id);
    failed(await me.call('update_user', { first_name: 'Augusta' }), MSG.inactive, /activate_account/, 'update_user before activation');
    const code = await latestCode(outbox, email);
    const activated = ok(await changing(me, () => me.call('activate_account', { email, code })), 'activate_account');
    assert.equal(activated.is_active, true);

    await signIn(ok(await me.call('login', { email, password: PASSWORD }), 'login').token);
    checkTools(await me.tools(), Object.keys(TOOLS), 'active user');
    ok(await me.call('send_otp', { email, otp_type: 'TWO_FACTOR_AUTH' }), 'send_otp');
    assert.deepEqual(ok(await me.call('enable_2fa', { code: await latestCode(outbox, email) }), 'enable_2fa'), {
      message: 'User 2FA enabled successfully.',
    });
    failed(await me.call('login', { email, password: PASSWORD }), MSG.unauthenticated, /send_otp.*TWO_FACTOR_AUTH/, 'login without code');
    ok(await me.call('send_otp', { email, otp_type: 'TWO_FACTOR_AUTH' }), 'send_otp again');
    const in2 = ok(await me.call('login', { email, password: PASSWORD, code: await latestCode(outbox, email) }), 'login with code');
    assert.equal(in2.is_2fa_enabled, true);
    await signIn(in2.token);

    const updated = ok(await me.call('update_user', { first_name: 'Augusta', is_dark_mode: false }), 'update_user');
    assert.equal(updated.first_name, 'Augusta');
    assert.equal(updated.is_dark_mode, false);
    failed(await me.call('view_user', { user_id: `user_${'0'.repeat(32)}` }), MSG.forbidden, /user_id/, "another user's id");

    const oldKey = ok(await me.call('view_api_key'), 'view_api_key');
    const newKey = ok(await me.call('reset_api_key'), 'reset_api_key');
    assert.match(newKey.token, /^clara_api_/);
    assert.notEqual(newKey.token, oldKey.token);

    assert.deepEqual(ok(await changing(me, () => me.call('logout')), 'logout'), { message: 'User logged out successfully.' });
    if (d.binds) {
      checkTools(await me.tools(), PUBLIC_TOOLS, 'after logout');
      failed(await me.call('view_user'), MSG.unauthenticated, d.how, 'view_user after logout');
    }
    for (const s of open.splice(0)) await s.close();

    const withKey = await d.open(newKey.token);
    try {
      checkTools(await withKey.tools(), API_KEY_TOOLS, 'API key');
      assert.equal(ok(await withKey.call('view_user'), 'view_user with the new key').id, reg.id);
    } finally {
      await withKey.close();
    }
    await d.refused(oldKey.token);
    console.log(`${label}: account flow ok (register, activate, 2FA login, update, API key reset, old key refused)`);
  } finally {
    for (const s of open) await s.close().catch(() => {});
  }
}

/** A stdio driver: each client is a new `clara mcp` over dataDir. */
function stdioDriver(dataDir, logs) {
  const open = async (apiKey) => {
    const transport = new StdioClientTransport({
      command: BIN,
      args: ['mcp'],
      env: claraEnv(dataDir, apiKey ? { CLARA_API_KEY: apiKey } : {}),
      cwd: dataDir,
      stderr: 'pipe',
    });
    transport.stderr.on('data', (b) => logs.push(String(b)));
    const client = new Client({ name: 'clara-e2e', version: '1.0.0' });
    await client.connect(transport);
    return session(client, async () => {
      const child = transport._process;
      child?.stdin.end(); // clara mcp exits by itself when stdin closes
      if (child) await exited(child, 3000);
      await client.close();
    });
  };
  return {
    binds: true,
    how: /login|CLARA_API_KEY/,
    open,
    refused: async (apiKey) => {
      const s = await open(apiKey);
      try {
        failed(await s.call('view_user'), MSG.unauthenticated, /CLARA_API_KEY/, 'view_user with the old key');
      } finally {
        await s.close();
      }
    },
  };
}

/**
 * The WWW-Authenticate challenge of a 401 from the MCP endpoint at url:
 * its protected resource metadata and the scopes, and error="invalid_token"
 * when credentials were presented but refused.
 */
function challenge(url, { invalid = false } = {}) {
  const metadata = `${url.origin}/.well-known/oauth-protected-resource${url.pathname}`;
  return `Bearer ${invalid ? 'error="invalid_token", ' : ''}resource_metadata="${metadata}", scope="${SCOPES.join(' ')}"`;
}

/** Posts a JSON-RPC ping to url as an MCP client would, with the extra headers. */
function postPing(url, headers = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
  });
}

/** A Streamable HTTP driver: each client sends its token as Authorization. */
function httpDriver(base) {
  const url = new URL(`${base}/mcp`);
  const open = async (token) => {
    const transport = new StreamableHTTPClientTransport(
      url,
      token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : undefined,
    );
    const client = new Client({ name: 'clara-e2e', version: '1.0.0' });
    try {
      await client.connect(transport);
    } catch (err) {
      await transport.close().catch(() => {});
      throw err;
    }
    return session(client, () => client.close());
  };
  return {
    binds: false,
    how: /Authorization: Bearer/,
    open,
    refused: async (apiKey) => {
      await assert.rejects(open(apiKey), (err) => err.code === 401, 'connect with the old key: HTTP 401');
      const res = await postPing(url, { Authorization: `Bearer ${apiKey}` });
      const body = await res.json();
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), challenge(url, { invalid: true }));
      assert.equal(body.error?.message, MSG.unauthenticated);
    },
  };
}

// ---- Billing -----------------------------------------------------------

/**
 * Buys credits over a transport driver d (see accountFlow): a new active
 * user prices credits, has no transactions, and opens a checkout at the
 * fake; then, when webhook is given, it posts Stripe's signed report of
 * the payment and sees the CREDIT.
 */
async function billingFlow(label, d, outbox, webhook) {
  const email = `grace.${label}@example.com`;
  const anon = await d.open();
  const open = [anon];
  try {
    const reg = ok(await anon.call('register', { first_name: 'Grace', last_name: 'Hopper', email, password: PASSWORD }), 'register');
    ok(await anon.call('activate_account', { email, code: await latestCode(outbox, email) }), 'activate_account');
    let me = anon;
    if (!d.binds) {
      me = await d.open(reg.token);
      open.push(me);
    }

    assert.deepEqual(ok(await me.call('credit_rate'), 'credit_rate'), {
      items: [{ currency: 'usd', lower_limit: 5, rate: 100, upper_limit: 10000 }],
    });
    assert.deepEqual(ok(await me.call('list_transactions'), 'list_transactions'), { items: [] });
    failed(await me.call('buy_credits', { amount: 4 }), 'No credits rate found for the given amount.', /credit_rate/, 'buy below the tiers');

    const bought = ok(await me.call('buy_credits', { amount: 5, return_path: '/billing' }), 'buy_credits');
    const session = CHECKOUT_URL.exec(bought.url)?.[1];
    assert.ok(session, `checkout url ${bought.url}`);
    assert.deepEqual({ ...bought, url: undefined }, { return_path: '/billing', url: undefined, value_in_credits: 500, value_in_fiat: 5 });
    const sent = fakes.stripe.requests.findLast((r) => r.path === '/v1/checkout/sessions');
    assert.equal(sent.form['line_items[0][price_data][unit_amount]'], '500');
    assert.equal(sent.form['metadata[user_id]'], reg.id);
    assert.equal(sent.form.client_reference_id, reg.id);
    assert.match(sent.form.success_url, /\/billing\?checkout=success&session_id=\{CHECKOUT_SESSION_ID\}$/);

    assert.match(ok(await me.call('billing_portal'), 'billing_portal').url, /^https:\/\/billing\.stripe\.com\/p\/session\/test_/);
    assert.deepEqual(ok(await me.call('list_transactions'), 'list_transactions after checkout').items, [], 'credited before payment');

    if (webhook) {
      const [badStatus] = await deliver(webhook, signedEvent('checkout.session.completed', session, 'whsec_forged'));
      assert.equal(badStatus, 400, 'a forged signature is refused');
      const paid = signedEvent('checkout.session.completed', session);
      for (let i = 0; i < 2; i++) {
        // Stripe may deliver an event twice: it credits once.
        assert.deepEqual(await deliver(webhook, paid), [200, { data: null, message: 'Webhook processed successfully.', status: 'success' }]);
      }
      const { items } = ok(await me.call('list_transactions', { limit: 5 }), 'list_transactions after payment');
      assert.equal(items.length, 1, `one transaction: ${JSON.stringify(items)}`);
      const [tx] = items;
      assert.deepEqual(
        { type: tx.type, value_in_credits: tx.value_in_credits, value_in_fiat: tx.value_in_fiat, description: tx.description, user_id: tx.user_id },
        { type: 'CREDIT', value_in_credits: 500, value_in_fiat: 5, description: 'Purchased 500 credits for $5.00.', user_id: reg.id },
      );
      assert.deepEqual(ok(await me.call('view_transaction', { transaction_id: tx.id }), 'view_transaction'), tx);
      assert.equal(ok(await me.call('view_user'), 'view_user').credits, 500);
    }
    console.log(`${label}: billing ok (credit_rate, buy_credits → ${bought.url.slice(0, 40)}…, billing_portal${webhook ? ', signed webhook credited 500' : ''})`);
  } finally {
    for (const s of open) await s.close().catch(() => {});
  }
}

// ---- Analysis -------------------------------------------------------------

const CLAIM = 'The Eiffel Tower is in Paris.';
const NOTES = 'Notes: the Eiffel Tower stands on the Champ de Mars in Paris.';

/**
 * Analyses a claim over a transport driver d (see accountFlow): a new
 * active user lists the supported attachments, is refused for want of
 * credits, gets credits from fund(me, email) (which returns the balance;
 * over stdio the session is closed first and a new one opened with the
 * user's API key), then calls analyze with a file and wait_seconds,
 * receiving progress notifications, and finds the COMPLETED task in
 * view_task and list_tasks, charged 20 credits.
 */
async function analysisFlow(label, d, outbox, fund) {
  const email = `hedy.${label}@example.com`;
  const anon = await d.open();
  const open = [anon];
  try {
    const reg = ok(await anon.call('register', { first_name: 'Hedy', last_name: 'Lamarr', email, password: PASSWORD }), 'register');
    ok(await anon.call('activate_account', { email, code: await latestCode(outbox, email) }), 'activate_account');
    let me = anon;
    if (!d.binds) {
      me = await d.open(reg.token);
      open.push(me);
    }
    const supported = ok(await me.call('supported_attachments'), 'supported_attachments');
    assert.ok(supported.document?.includes('.txt') && supported.image?.includes('.png'), JSON.stringify(supported));
    failed(await me.call('analyze', { query: CLAIM }), 'You do not have enough credits to perform this action.', /buy_credits/, 'analyze without credits');

    let credits;
    if (d.binds) {
      const key = ok(await me.call('view_api_key'), 'view_api_key').token;
      for (const s of open.splice(0)) await s.close();
      credits = await fund(null, email);
      me = await d.open(key);
      open.push(me);
    } else {
      credits = await fund(me, email);
    }
    assert.equal(ok(await me.call('view_user'), 'view_user').credits, credits);

    const ticks = [];
    const seen = fakes.model.requests.length;
    const task = ok(
      await me.call(
        'analyze',
        { query: CLAIM, attachments: [{ name: 'notes.txt', content_base64: Buffer.from(NOTES).toString('base64') }], wait_seconds: 30 },
        { onprogress: (p) => ticks.push(p), timeout: 60_000 },
      ),
      'analyze',
    );
    assert.equal(task.status, 'COMPLETED', `task ${JSON.stringify(task)}`);
    assert.deepEqual(
      { verdict: task.result.verdict, sources: task.result.sources, model: task.result.model, error: task.error, cost: task.cost_in_credits },
      { verdict: 'MOSTLY_TRUE', sources: [{ url: 'attachment:notes.txt', title: 'Notes' }], model: `openai/${MODEL}`, error: null, cost: 20 },
    );
    assert.deepEqual(task.attachments.map((a) => [a.name, a.size]), [['notes.txt', NOTES.length]]);
    const done = ticks.find((t) => t.progress === 3);
    assert.ok(done, `the done tick among ${JSON.stringify(ticks)}`);
    assert.equal(done.total, 3);
    assert.match(done.message ?? '', /completed/);
    assert.deepEqual(ticks.map((t) => t.progress), [...ticks.map((t) => t.progress)].sort((a, b) => a - b), 'progress grows');
    const sent = fakes.model.requests.slice(seen);
    assert.ok(sent.some((r) => JSON.stringify(r.messages).includes(NOTES) && JSON.stringify(r.messages).includes(CLAIM)), 'the model read the claim and the notes');

    assert.deepEqual(ok(await me.call('view_task', { task_id: task.id }), 'view_task'), task);
    assert.deepEqual(ok(await me.call('list_tasks'), 'list_tasks').items.map((t) => t.id), [task.id]);
    assert.equal(ok(await me.call('view_user'), 'view_user').credits, credits - 20);
    const [debit] = ok(await me.call('list_transactions', { limit: 1 }), 'list_transactions').items;
    assert.deepEqual(
      { type: debit.type, value_in_credits: debit.value_in_credits, description: debit.description },
      { type: 'DEBIT', value_in_credits: 20, description: `Analysis ${task.id}: 20 credits.` },
    );
    console.log(`${label}: analysis ok (${task.id} COMPLETED ${task.result.verdict}, progress ${ticks.map((t) => `${t.progress}/${t.total}`).join(' ')}, 20 credits charged)`);
  } finally {
    for (const s of open) await s.close().catch(() => {});
  }
}

before(async () => {
  fakes = await startFakes();
});

after(async () => {
  await fakes?.close();
});

before(checkBinary);

test('stdio: clara mcp', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const transport = new StdioClientTransport({
      command: BIN,
      args: ['mcp'],
      env: claraEnv(dir),
      cwd: dir,
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr.on('data', (b) => (stderr += b));
    try {
      await probe('stdio', transport, {
        // clara mcp must exit 0 by itself when its stdin closes. The SDK's
        // close() would SIGTERM it after 2 s, so close stdin first; the child
        // process is a private field of StdioClientTransport 1.32.2.
        beforeClose: async () => {
          const child = transport._process;
          assert.ok(child, 'clara mcp process');
          child.stdin.end();
          assert.deepEqual(await exited(child, 1500), [0, null], 'clara mcp exit status [code, signal] after stdin closed');
          console.log('stdio: exited 0 when stdin closed');
        },
      });
    } catch (err) {
      err.message += `\n--- clara mcp stderr ---\n${stderr}`;
      throw err;
    }
  } finally {
    await cleanup();
  }
});

// stdioTest runs flow against clara mcp processes sharing a fresh data
// directory, and shows their stderr when it fails.
function stdioTest(name, flow) {
  test(name, async () => {
    const { dir, cleanup } = await tempDir();
    const logs = [];
    try {
      await flow(dir, stdioDriver(dir, logs), join(dir, 'outbox'));
    } catch (err) {
      err.message += `\n--- clara mcp stderr ---\n${logs.join('')}`;
      throw err;
    } finally {
      await cleanup();
    }
  });
}

stdioTest('stdio: buying credits over clara mcp', (_dir, driver, outbox) => billingFlow('stdio', driver, outbox));

stdioTest('stdio: an analysis over clara mcp, with progress', (dir, driver, outbox) =>
  analysisFlow('stdio', driver, outbox, async (_me, email) => {
    // Grant between sessions, through the command line on the same data directory.
    await grantCredits(claraEnv(dir), email, 100);
    return 100;
  }));

stdioTest('stdio: account flow over clara mcp', (_dir, driver, outbox) => accountFlow('stdio', driver, outbox));

/**
 * Declares a suite of tests against one `clara serve` started with the
 * extra environment. body(serve, withStderr) declares the tests: serve is
 * filled in by startServe ({ base, server, dataDir, outbox, stderr, stop })
 * before they run, and withStderr(fn) wraps a test to show clara's stderr
 * when it fails.
 */
function describeServe(name, extra, body) {
  describe(name, () => {
    const serve = {};
    before(async () => Object.assign(serve, await startServe(({ dataDir }) => claraEnv(dataDir, extra))));
    after(() => serve.stop?.());
    body(serve, withStderrOf(serve));
  });
}

// Anonymous access on: the account flows register and sign in through tools.
describeServe('clara serve', { CLARA_MCP_ANONYMOUS: 'true' }, (serve, withStderr) => {
  test('http: Streamable HTTP at /mcp', withStderr(() => probe('http', new StreamableHTTPClientTransport(new URL(`${serve.base}/mcp`)))));

  test(
    'http: account flow over Streamable HTTP',
    withStderr(() => accountFlow('http', httpDriver(serve.base), serve.outbox)),
  );

  test(
    'http: buying credits over Streamable HTTP, credited by a signed webhook',
    withStderr(() => billingFlow('http', httpDriver(serve.base), serve.outbox, serve.base)),
  );

  test(
    'http: an analysis over Streamable HTTP, with progress',
    withStderr(() =>
      analysisFlow('http', httpDriver(serve.base), serve.outbox, async (me) => {
        // Credits come as a purchase, which Stripe's signed webhook reports.
        const session = CHECKOUT_URL.exec(ok(await me.call('buy_credits', { amount: 5 }), 'buy_credits').url)?.[1];
        assert.equal((await deliver(serve.base, signedEvent('checkout.session.completed', session)))[0], 200);
        return 500;
      }),
    ),
  );

  test('sse: HTTP+SSE at /sse', withStderr(() => probe('sse', new SSEClientTransport(new URL(`${serve.base}/sse`)))));

  test(
    'SIGTERM stops clara serve, an SSE stream open',
    withStderr(async () => {
      const client = new Client({ name: 'clara-e2e-idle', version: '1.0.0' });
      await client.connect(new SSEClientTransport(new URL(`${serve.base}/sse`)));
      try {
        const t0 = Date.now();
        serve.server.kill('SIGTERM');
        // Go's http.Server.Shutdown waits up to 5 s for connections that
        // have sent nothing yet, and undici may hold such a spare one.
        const status = await exited(serve.server, 8000);
        assert.ok(status, 'clara serve still running 8 s after SIGTERM');
        assert.deepEqual(status, [0, null], 'clara serve exit status [code, signal]');
        console.log(`serve: exited 0 on SIGTERM with an SSE stream open (${Date.now() - t0} ms)`);
      } finally {
        await client.close().catch(() => {});
      }
    }),
  );
});

// By default `clara serve` serves MCP over HTTP only to identified callers:
// a host's first, credential-less request gets 401 with a challenge naming
// Clara's protected resource metadata, which the SDK's OAuth client reads.
describeServe('clara serve, default settings', {}, (serve, withStderr) => {

  /** The metadata document of the MCP endpoint at url. */
  const metadataOf = (url) => ({
    resource: url.href,
    authorization_servers: [serve.base],
    scopes_supported: SCOPES,
    bearer_methods_supported: ['header'],
    resource_name: 'Clara',
  });

  test(
    'oauth: requests without credentials get the challenge',
    withStderr(async () => {
      const mcp = new URL(`${serve.base}/mcp`);
      const res = await postPing(mcp);
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), challenge(mcp));
      assert.equal((await res.json()).error?.message, MSG.unauthenticated);

      const sse = new URL(`${serve.base}/sse`);
      const stream = await fetch(sse, { headers: { Accept: 'text/event-stream' } });
      await stream.arrayBuffer();
      assert.equal(stream.status, 401);
      assert.equal(stream.headers.get('www-authenticate'), challenge(sse));

      const client = new Client({ name: 'clara-e2e-anonymous', version: '1.0.0' });
      await assert.rejects(client.connect(new StreamableHTTPClientTransport(mcp)), (err) => err.code === 401,
        'connect without credentials: HTTP 401');
    }),
  );

  test(
    'oauth: the SDK discovers the protected resource metadata from the 401',
    withStderr(async () => {
      for (const path of ['/mcp', '/sse']) {
        const url = new URL(`${serve.base}${path}`);
        const res = path === '/mcp' ? await postPing(url) : await fetch(url, { headers: { Accept: 'text/event-stream' } });
        await res.arrayBuffer();
        const { resourceMetadataUrl, scope, error } = extractWWWAuthenticateParams(res);
        assert.equal(resourceMetadataUrl?.href, `${serve.base}/.well-known/oauth-protected-resource${path}`, `${path}: resource_metadata`);
        assert.equal(scope, SCOPES.join(' '), `${path}: scope`);
        assert.equal(error, undefined, `${path}: no error without credentials`);

        // From the challenge's URL, and by the SDK's own path-aware discovery.
        assert.deepEqual(await discoverOAuthProtectedResourceMetadata(url, { resourceMetadataUrl }), metadataOf(url));
        assert.deepEqual(await discoverOAuthProtectedResourceMetadata(url), metadataOf(url));
      }
      // The bare well-known path describes /mcp, for any origin, cacheable.
      const doc = await fetch(`${serve.base}/.well-known/oauth-protected-resource`, { headers: { Origin: 'https://host.example' } });
      assert.equal(doc.status, 200);
      assert.deepEqual(await doc.json(), metadataOf(new URL(`${serve.base}/mcp`)));
      assert.equal(doc.headers.get('access-control-allow-origin'), '*');
      assert.match(doc.headers.get('cache-control') ?? '', /max-age=\d+/);
      console.log(`oauth: the SDK read the protected resource metadata of /mcp and /sse from their 401 challenges`);
    }),
  );

  test(
    'oauth: a refused token gets error="invalid_token"',
    withStderr(async () => {
      const mcp = new URL(`${serve.base}/mcp`);
      const res = await postPing(mcp, { Authorization: 'Bearer clara_user_forged' });
      await res.arrayBuffer();
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), challenge(mcp, { invalid: true }));
      assert.equal(extractWWWAuthenticateParams(res).error, 'invalid_token');
    }),
  );
});
