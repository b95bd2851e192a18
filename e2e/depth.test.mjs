// End-to-end tests of the deeper MCP features of Clara with the official
// TypeScript SDK client (@modelcontextprotocol/sdk, pinned in
// package-lock.json), against the built binary, a fake OpenAI-compatible
// model and a fake Stripe API served by this test on 127.0.0.1:
//
//   - MCP tasks: a task-augmented analyze, tasks/get, tasks/result,
//     tasks/list and tasks/cancel (which releases the held credits), over
//     stdio (`clara mcp`) and Streamable HTTP (`clara serve`);
//   - progress of analyze with two attachments, 20 times over Streamable
//     HTTP, none lost;
//   - logging/setLevel and the clara.analysis log messages (stdio);
//   - resources/subscribe to clara://tasks/{id} (stdio);
//   - completion/complete of clara://tasks/{task_id} (stdio and HTTP);
//   - elicitation: buy_credits confirmed or declined by the client (stdio);
//   - --toolsets and --read-only (stdio);
//   - a task started through one `clara serve` read through another that
//     shares its PostgreSQL database (skipped without PostgreSQL).
//
//   go build -o bin/clara ./cmd/clara && cd e2e && npm ci && npm test
//
// CLARA_BIN names the binary (default ../bin/clara, relative to this folder).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

import {
  BIN, CHECKOUT_URL, PASSWORD, checkBinary, deliver, exited, grantCredits, latestCode, signedEvent, sleep, startCluster,
  startFakes, startServe, stripeID, tempDir, until, within, withStderrOf,
} from './harness.mjs';

/** The fakes of this run (see startFakes). */
let fakes;

before(checkBinary);
before(async () => {
  fakes = await startFakes();
});
after(async () => {
  await fakes?.close();
});

/** The environment of a spawned clara talking to the fakes. */
const claraEnv = (dataDir, extra = {}) => fakes.env(dataDir, extra);

/** Posts Stripe's signed report that checkout session was paid to clara serve at base. */
async function paid(base, session) {
  const [status] = await deliver(base, signedEvent('checkout.session.completed', session));
  assert.equal(status, 200, 'webhook delivery');
}

// ---- Helpers ----------------------------------------------------------------

/** The structuredContent of a successful tool result. */
function ok(res, what) {
  assert.equal(res.isError ?? false, false, `${what} failed: ${res.content?.[0]?.text}`);
  return res.structuredContent;
}

const call = (client, name, args = {}, options) => client.callTool({ name, arguments: args }, undefined, options);

const NOTES = 'Notes: the Eiffel Tower stands on the Champ de Mars in Paris.';
const MORE = 'More notes: it was finished in 1889 for the World Fair.';
const attachment = (name, text) => ({ name, content_base64: Buffer.from(text).toString('base64') });

let claims = 0;
/** A claim of its own, so that the fake model can hold exactly its requests. */
const claim = () => `The Eiffel Tower is in Paris (claim ${++claims}-${stripeID(8)}).`;

/** Sends a task-augmented analyze; returns the CreateTaskResult. */
function startTask(client, args) {
  return client.request({ method: 'tools/call', params: { name: 'analyze', arguments: args, task: {} } }, CreateTaskResultSchema, { timeout: 15_000 });
}

/** Polls tasks/get until the task's status is one of statuses. */
function taskUntil(client, id, statuses, ms = 20_000) {
  return until(async () => {
    const t = await client.experimental.tasks.getTask(id, { timeout: 5_000 });
    return statuses.includes(t.status) && t;
  }, ms, `task ${id} to be ${statuses.join(' or ')}`);
}

// ---- Transport drivers --------------------------------------------------------
//
// A driver d: d.user(email, credits) makes an active user with that many
// credits (or more) and returns its credentials; d.open(creds, { capabilities, args })
// opens a connected Client for it; d.close(client).

/** `clara mcp` processes over one data directory; logs collects their stderr. */
function stdioDriver(dataDir, logs) {
  const children = new Map();
  const open = async (apiKey, { capabilities, args = [] } = {}) => {
    const transport = new StdioClientTransport({
      command: BIN,
      args: ['mcp', ...args],
      env: claraEnv(dataDir, apiKey ? { CLARA_API_KEY: apiKey } : {}),
      cwd: dataDir,
      stderr: 'pipe',
    });
    transport.stderr.on('data', (b) => logs.push(String(b)));
    const client = new Client({ name: 'clara-e2e-depth', version: '1.0.0' }, capabilities ? { capabilities } : undefined);
    await client.connect(transport);
    children.set(client, transport);
    return client;
  };
  const close = async (client) => {
    const child = children.get(client)?._process; // a private field of StdioClientTransport 1.32.2
    children.delete(client);
    child?.stdin.end(); // clara mcp exits by itself when stdin closes
    if (child && !(await exited(child, 3000))) child.kill('SIGKILL');
    await client.close().catch(() => {});
  };
  const user = async (email, credits) => {
    const anon = await open();
    let key;
    try {
      ok(await call(anon, 'register', { first_name: 'Ada', last_name: 'Lovelace', email, password: PASSWORD }), 'register');
      ok(await call(anon, 'activate_account', { email, code: await latestCode(join(dataDir, 'outbox'), email) }), 'activate_account');
      key = ok(await call(anon, 'view_api_key'), 'view_api_key').token;
    } finally {
      await close(anon);
    }
    if (credits) await grantCredits(claraEnv(dataDir), email, credits);
    return key;
  };
  return { label: 'stdio', open, close, user, closeAll: () => Promise.all([...children.keys()].map(close)) };
}

/** Streamable HTTP to `clara serve` at serve.base (anonymous access on, for register). */
function httpDriver(serve) {
  const clients = new Set();
  const open = async (token) => {
    const transport = new StreamableHTTPClientTransport(
      new URL(`${serve.base}/mcp`),
      token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : undefined,
    );
    const client = new Client({ name: 'clara-e2e-depth', version: '1.0.0' });
    await client.connect(transport);
    clients.add(client);
    return client;
  };
  const close = async (client) => {
    clients.delete(client);
    await client.close().catch(() => {});
  };
  // Credits are bought in whole dollars, $5 at least (100 credits each), and
  // paid by Stripe's signed webhook: the user gets credits or more.
  const user = async (email, credits) => {
    const anon = await open();
    let token;
    try {
      token = ok(await call(anon, 'register', { first_name: 'Ada', last_name: 'Lovelace', email, password: PASSWORD }), 'register').token;
      ok(await call(anon, 'activate_account', { email, code: await latestCode(serve.outbox, email) }), 'activate_account');
    } finally {
      await close(anon);
    }
    if (credits) {
      const dollars = Math.max(5, Math.ceil(credits / 100));
      const me = await open(token);
      try {
        const session = CHECKOUT_URL.exec(ok(await call(me, 'buy_credits', { amount: dollars }), 'buy_credits').url)?.[1];
        assert.ok(session, 'checkout session');
        await paid(serve.base, session);
        assert.equal(ok(await call(me, 'view_user'), 'view_user').credits, dollars * 100);
      } finally {
        await close(me);
      }
    }
    return token;
  };
  return { label: 'http', open, close, user, closeAll: () => Promise.all([...clients].map(close)) };
}

// ---- Flows --------------------------------------------------------------------

/**
 * A task-augmented analyze: CreateTaskResult at once (its id the Clara task
 * id), tasks/get working while the model holds its answer, then completed,
 * tasks/result the analysis; tasks/list, view_task and completion/complete
 * know the task.
 */
async function taskFlow(d, email) {
  const token = await d.user(email, 100);
  const me = await d.open(token);
  const start = ok(await call(me, 'view_user'), 'view_user').credits;
  const query = claim();
  const hold = fakes.model.hold(query);
  try {
    const created = await startTask(me, { query, attachments: [attachment('notes.txt', NOTES)] });
    const { task } = created;
    assert.match(task.taskId, /^task_[0-9a-z]+$/i, `task id ${task.taskId}`);
    assert.equal(task.status, 'working');
    assert.equal(task.pollInterval, 2000);
    assert.ok(task.createdAt && task.lastUpdatedAt, 'timestamps');

    await hold.arrived();
    const working = await me.experimental.tasks.getTask(task.taskId);
    assert.deepEqual([working.taskId, working.status], [task.taskId, 'working']);
    assert.ok(working.statusMessage, 'statusMessage while working');
    const viewed = ok(await call(me, 'view_task', { task_id: task.taskId }), 'view_task');
    assert.equal(viewed.status, 'RUNNING', 'Clara task RUNNING while the model holds its answer');

    // tasks/result waits for the end: ask before the model answers.
    const result = me.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema, { timeout: 30_000 });
    hold.release();
    const done = await taskUntil(me, task.taskId, ['completed', 'failed', 'cancelled']);
    assert.equal(done.status, 'completed', `task ${JSON.stringify(done)}`);
    assert.match(done.statusMessage ?? '', /MOSTLY_TRUE/);

    const res = await within(result, 30_000, 'tasks/result');
    const analysis = ok(res, 'tasks/result');
    assert.equal(analysis.id, task.taskId);
    assert.equal(analysis.status, 'COMPLETED');
    assert.equal(analysis.result?.verdict, 'MOSTLY_TRUE');
    assert.deepEqual(analysis.result?.sources, [{ url: 'attachment:notes.txt', title: 'Notes' }]);
    assert.equal(analysis.cost_in_credits, 20);
    assert.ok(res.content.some((c) => c.type === 'resource_link' && c.uri === `clara://tasks/${task.taskId}`), 'resource_link to the task');
    // tasks/result again, once finished, answers at once and the same.
    assert.deepEqual(ok(await me.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema), 'tasks/result again'), analysis);

    const { tasks } = await me.experimental.tasks.listTasks();
    assert.deepEqual(tasks.map((t) => [t.taskId, t.status]), [[task.taskId, 'completed']]);
    assert.equal(ok(await call(me, 'view_user'), 'view_user').credits, start - 20);

    // completion/complete offers the caller's task ids.
    const ref = { type: 'ref/resource', uri: 'clara://tasks/{task_id}' };
    const all = await me.complete({ ref, argument: { name: 'task_id', value: '' } });
    assert.deepEqual(all.completion.values, [task.taskId]);
    const prefixed = await me.complete({ ref, argument: { name: 'task_id', value: task.taskId.slice(0, 8) } });
    assert.deepEqual(prefixed.completion.values, [task.taskId]);
    const none = await me.complete({ ref, argument: { name: 'task_id', value: 'task_zzzz_none' } });
    assert.deepEqual(none.completion.values, []);
    console.log(`${d.label}: task ${task.taskId} working → completed, tasks/result COMPLETED ${analysis.result.verdict}; completion offers it`);
    return { token, taskId: task.taskId };
  } finally {
    hold.release();
    await d.closeAll();
  }
}

/** tasks/cancel of a running task releases its held credits; tasks/get then says cancelled. */
async function cancelFlow(d, email) {
  const token = await d.user(email, 100);
  const me = await d.open(token);
  const query = claim();
  const hold = fakes.model.hold(query);
  try {
    const start = ok(await call(me, 'view_user'), 'view_user').credits;
    const { task } = await startTask(me, { query });
    await hold.arrived();
    assert.equal(ok(await call(me, 'view_task', { task_id: task.taskId }), 'view_task').status, 'RUNNING');
    assert.equal(ok(await call(me, 'view_user'), 'view_user while running').credits, start - 20, 'credits held while running');

    const cancelled = await me.experimental.tasks.cancelTask(task.taskId, { timeout: 10_000 });
    assert.deepEqual([cancelled.taskId, cancelled.status], [task.taskId, 'cancelled']);
    assert.equal(ok(await call(me, 'view_user'), 'view_user after cancel').credits, start, 'credits released');
    await hold.hungUp(); // the agent stopped: it gave up its model request
    const got = await me.experimental.tasks.getTask(task.taskId);
    assert.equal(got.status, 'cancelled');
    assert.ok(got.statusMessage, 'statusMessage of a cancelled task');
    // Clara's own status of a cancelled task is FAILED, with the cancellation as its error.
    const viewed = ok(await call(me, 'view_task', { task_id: task.taskId }), 'view_task after cancel');
    assert.deepEqual([viewed.status, viewed.error], ['FAILED', "Cancelled at the user's request."]);
    // A second tasks/cancel is refused: the task has finished.
    await assert.rejects(me.experimental.tasks.cancelTask(task.taskId), (err) => err.code === -32602, 'cancel again: -32602');
    // Releasing the model now must not revive it, nor charge.
    hold.release();
    await sleep(500);
    assert.equal((await me.experimental.tasks.getTask(task.taskId)).status, 'cancelled', 'still cancelled after the model answers');
    assert.equal(ok(await call(me, 'view_user'), 'view_user at the end').credits, start);
    console.log(`${d.label}: task ${task.taskId} cancelled while RUNNING (${viewed.status}), credits back to ${start}`);
  } finally {
    hold.release();
    await d.closeAll();
  }
}

// ---- stdio --------------------------------------------------------------------

/** A test against clara mcp processes sharing a fresh data directory, showing their stderr when it fails. */
function stdioTest(name, flow, timeout = 60_000) {
  test(name, { timeout }, async () => {
    const { dir, cleanup } = await tempDir('clara-e2e-depth-');
    const logs = [];
    const d = stdioDriver(dir, logs);
    try {
      await flow(d, dir);
    } catch (err) {
      err.message += `\n--- clara mcp stderr ---\n${logs.join('')}`;
      throw err;
    } finally {
      await d.closeAll();
      await cleanup();
    }
  });
}

describe('stdio: clara mcp', () => {
  stdioTest('stdio: task-augmented analyze, tasks/get, tasks/result, completion', (d) => taskFlow(d, 'task.stdio@example.com'));

  stdioTest('stdio: tasks/cancel of a running task releases its credits', (d) => cancelFlow(d, 'cancel.stdio@example.com'));

  stdioTest('stdio: logging/setLevel info, then clara.analysis log messages', async (d) => {
    const me = await d.open(await d.user('log.stdio@example.com', 100));
    const logs = [];
    me.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
    await me.setLoggingLevel('info');
    const task = ok(
      await call(me, 'analyze', { query: claim(), attachments: [attachment('notes.txt', NOTES)], wait_seconds: 30 }, { timeout: 45_000 }),
      'analyze',
    );
    assert.equal(task.status, 'COMPLETED');
    // A log message is no part of the call's response, and over stdio the
    // last may be written just after it: wait briefly for the checked answer's.
    await until(() => logs.some((l) => l.logger === 'clara.analysis' && l.data?.kind === 'answer'), 5_000,
      `the clara.analysis message of the checked answer among ${JSON.stringify(logs)}`);
    const mine = logs.filter((l) => l.logger === 'clara.analysis');
    for (const l of mine) {
      assert.equal(l.level, 'info');
      assert.equal(l.data?.task_id, task.id);
      assert.equal(typeof l.data?.step, 'number');
      assert.ok(l.data?.kind, 'kind');
    }
    assert.deepEqual(mine.map((l) => l.data.step), mine.map((_, i) => i + 1), 'steps numbered 1, 2, …');
    assert.ok(mine.some((l) => l.data.kind === 'attachment' && l.data.target === 'notes.txt'), `an attachment step: ${JSON.stringify(mine)}`);
    assert.ok(!JSON.stringify(mine).includes('Champ de Mars'), 'no attachment content in the logs');
    console.log(`stdio: ${mine.length} clara.analysis log messages (${mine.map((l) => l.data.kind).join(', ')})`);
  });

  stdioTest('stdio: resources/subscribe to clara://tasks/{id} gets updated on completion', async (d) => {
    const me = await d.open(await d.user('sub.stdio@example.com', 100));
    const query = claim();
    const hold = fakes.model.hold(query);
    try {
      const { task } = await startTask(me, { query });
      const uri = `clara://tasks/${task.taskId}`;
      const updates = [];
      let wake = () => {};
      me.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
        updates.push(n.params.uri);
        wake();
      });
      await me.subscribeResource({ uri });
      await hold.arrived();
      const before = updates.length;
      hold.release();
      // Wait for an update after which the resource reads COMPLETED.
      const status = async () => JSON.parse((await me.readResource({ uri })).contents[0].text).status;
      const deadline = Date.now() + 15_000;
      let seen = before;
      let last;
      for (;;) {
        if (updates.length > seen) {
          seen = updates.length;
          last = await status();
          if (last === 'COMPLETED') break;
        }
        assert.ok(Date.now() < deadline, `no update reading COMPLETED within 15 s (updates ${JSON.stringify(updates)}, last read ${last})`);
        await new Promise((r) => {
          wake = r;
          setTimeout(r, 200);
        });
      }
      assert.ok(updates.every((u) => u === uri), `updates name the task: ${JSON.stringify(updates)}`);
      console.log(`stdio: ${updates.length} notifications/resources/updated for ${uri}, the last after COMPLETED`);
    } finally {
      hold.release();
    }
  });

  stdioTest('stdio: elicitation confirms or declines buy_credits', async (d) => {
    const key = await d.user('elicit.stdio@example.com', 0);
    const open = async (action) => {
      const asked = [];
      const me = await d.open(key, { capabilities: { elicitation: { form: {} } } });
      me.setRequestHandler(ElicitRequestSchema, (req) => {
        asked.push(req.params);
        return action === 'accept' ? { action, content: { confirm: true } } : { action };
      });
      return { me, asked };
    };

    const yes = await open('accept');
    let before = fakes.stripe.checkouts();
    const bought = ok(await call(yes.me, 'buy_credits', { amount: 5 }), 'buy_credits accepted');
    assert.match(bought.url, CHECKOUT_URL);
    assert.equal(bought.value_in_credits, 500);
    assert.equal(fakes.stripe.checkouts(), before + 1, 'one checkout request');
    assert.equal(yes.asked.length, 1, 'asked once');
    assert.match(yes.asked[0].message, /Buy 500 Clara credits for \$5\.00\?/);
    assert.equal(yes.asked[0].requestedSchema?.properties?.confirm?.type, 'boolean');
    await d.close(yes.me);

    const no = await open('decline');
    before = fakes.stripe.checkouts();
    const res = await call(no.me, 'buy_credits', { amount: 5 });
    assert.equal(res.isError, true, `declined: isError (got ${JSON.stringify(res)})`);
    assert.match(res.content[0].text, /^The user declined: no checkout was opened and nothing was charged\./);
    assert.equal(no.asked.length, 1, 'asked once');
    assert.equal(fakes.stripe.checkouts(), before, 'no checkout request after a decline');
    assert.deepEqual(ok(await call(no.me, 'list_transactions'), 'list_transactions').items, []);
    console.log(`stdio: elicitation accepted → ${bought.url.slice(0, 40)}…; declined → "${res.content[0].text.split('\n')[0]}"`);
  });

  stdioTest('stdio: --toolsets analysis,system --read-only', async (d) => {
    const key = await d.user('tools.stdio@example.com', 0);
    const me = await d.open(key, { args: ['--toolsets', 'analysis,system', '--read-only'] });
    const { tools } = await me.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['health', 'list_tasks', 'supported_attachments', 'version', 'view_task']);
    assert.ok(tools.every((t) => t.annotations?.readOnlyHint === true), 'all read-only');
    assert.deepEqual(ok(await call(me, 'list_tasks'), 'list_tasks').items, []);
    for (const name of ['analyze', 'view_user', 'buy_credits']) {
      await assert.rejects(call(me, name, {}), (err) => err.code === -32602, `${name} is unknown: -32602`);
    }
    console.log(`stdio: toolsets analysis,system read-only list ${tools.map((t) => t.name).join(', ')}`);
  });
});

// ---- Streamable HTTP ------------------------------------------------------------

describe('clara serve: Streamable HTTP', () => {
  const serve = {};
  before(async () => Object.assign(serve, await startServe(({ dataDir }) => claraEnv(dataDir, { CLARA_MCP_ANONYMOUS: 'true' }), { prefix: 'clara-e2e-depth-' })));
  after(() => serve.stop?.());
  const withStderr = withStderrOf(serve);

  test('http: task-augmented analyze, tasks/get, tasks/result, completion', { timeout: 60_000 }, withStderr(() => taskFlow(httpDriver(serve), 'task.http@example.com')));

  test('http: tasks/cancel of a running task releases its credits', { timeout: 60_000 }, withStderr(() => cancelFlow(httpDriver(serve), 'cancel.http@example.com')));

  test('http: progress of analyze with two attachments, 20 times, none lost', { timeout: 120_000 }, withStderr(async () => {
    const d = httpDriver(serve);
    const runs = 20;
    try {
      const me = await d.open(await d.user('progress.http@example.com', runs * 20));
      const start = ok(await call(me, 'view_user'), 'view_user').credits;
      const attachments = [attachment('notes.txt', NOTES), attachment('more.txt', MORE)];
      const counts = [];
      for (let i = 0; i < runs; i++) {
        const ticks = [];
        const task = ok(
          await call(me, 'analyze', { query: claim(), attachments, wait_seconds: 30 }, { onprogress: (p) => ticks.push(p), timeout: 45_000 }),
          `analyze ${i + 1}`,
        );
        const where = `run ${i + 1} (${task.id}): ${JSON.stringify(ticks)}`;
        assert.equal(task.status, 'COMPLETED', where);
        assert.ok(ticks.length > 3, `more than three notifications in ${where}`);
        for (let j = 1; j < ticks.length; j++) assert.ok(ticks[j].progress > ticks[j - 1].progress, `increasing in ${where}`);
        assert.ok(ticks.every((t) => t.total === 3), `total 3 in ${where}`);
        const last = ticks.at(-1);
        assert.equal(last.progress, 3, `the last is done in ${where}`);
        assert.match(last.message ?? '', /completed/, where);
        assert.deepEqual(ticks.slice(0, 2).map((t) => t.progress), [1, 2], `queued, running first in ${where}`);
        for (const name of ['notes.txt', 'more.txt']) {
          assert.ok(ticks.some((t) => t.message?.includes(`read the attachment "${name}"`)), `${name} read in ${where}`);
        }
        counts.push(ticks.length);
      }
      assert.equal(ok(await call(me, 'view_user'), 'view_user').credits, start - runs * 20);
      console.log(`http: ${runs} analyses with two attachments, progress notifications per run: ${counts.join(' ')}`);
    } finally {
      await d.closeAll();
    }
  }));
});

// ---- Two clara serve sharing PostgreSQL -------------------------------------------

describe('two clara serve sharing a PostgreSQL database', () => {
  let cluster;
  let skip;
  const serves = [{}, {}];
  before(async () => {
    try {
      cluster = await startCluster();
    } catch (err) {
      skip = `no PostgreSQL: ${err.message}`;
      return;
    }
    // The replicas share their secrets, as replicas behind a load balancer do.
    const secret = randomBytes(32).toString('hex');
    const publicKey = `clara_public_${randomBytes(12).toString('hex')}`;
    for (const s of serves) {
      Object.assign(s, await startServe(({ dataDir }) => claraEnv(dataDir, {
        CLARA_MCP_ANONYMOUS: 'true', CLARA_DEV_MAIL: 'true', CLARA_DATABASE_URL: cluster.url, CLARA_TOKEN_SECRET: secret, CLARA_PUBLIC_API_KEY: publicKey,
      }), { prefix: 'clara-e2e-depth-pg-' }));
    }
  });
  after(async () => {
    for (const s of serves) await s.stop?.();
    await cluster?.stop();
  });

  test('pg: a task started through one clara serve is read through the other', { timeout: 90_000 }, async (t) => {
    if (skip) return t.skip(skip);
    const [a, b] = serves;
    try {
      // The user registers at a; the activation code is in a's outbox.
      const token = await httpDriver(a).user('replica.http@example.com', 100);
      const da = httpDriver(a);
      const db = httpDriver(b);
      try {
        const ca = await da.open(token);
        const cb = await db.open(token);
        const query = claim();
        const hold = fakes.model.hold(query);
        try {
          const { task } = await startTask(ca, { query });
          await hold.arrived();
          const seen = await cb.experimental.tasks.getTask(task.taskId);
          assert.deepEqual([seen.taskId, seen.status], [task.taskId, 'working'], 'b sees the working task');
          hold.release();
          const done = await taskUntil(cb, task.taskId, ['completed', 'failed', 'cancelled']);
          assert.equal(done.status, 'completed');
          const analysis = ok(await cb.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema, { timeout: 10_000 }), 'tasks/result at b');
          assert.deepEqual([analysis.id, analysis.status], [task.taskId, 'COMPLETED']);
          assert.deepEqual((await cb.experimental.tasks.listTasks()).tasks.map((x) => x.taskId), [task.taskId]);
          console.log(`pg: task ${task.taskId} started at ${a.base}, completed and read at ${b.base}`);
        } finally {
          hold.release();
        }
      } finally {
        await da.closeAll();
        await db.closeAll();
      }
    } catch (err) {
      err.message += `\n--- serve a stderr ---\n${a.stderr()}\n--- serve b stderr ---\n${b.stderr()}`;
      throw err;
    }
  });
});
