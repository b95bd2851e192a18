// Helpers shared by the end-to-end tests (mcp.test.mjs, oauth.test.mjs,
// depth.test.mjs, media.test.mjs):
// the clara binary, temporary data directories, free ports, `clara serve`
// started and waited for, one-time codes read from the development mailer's
// outbox (<CLARA_DATA_DIR>/outbox), Clara's REST API, and little HTTP
// servers on 127.0.0.1 for the fakes a test plays (an OpenAI-compatible
// model, with its speech to text, and the Stripe API), `clara credits grant`, and a throwaway
// PostgreSQL cluster.
//
// CLARA_BIN names the binary (default ../bin/clara, relative to this folder).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { accessSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer as createHTTPServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

/** The clara binary under test: $CLARA_BIN, else ../bin/clara. */
export const BIN = process.env.CLARA_BIN
  ? resolve(process.env.CLARA_BIN)
  : fileURLToPath(new URL('../bin/clara', import.meta.url));

/** The password of the users the tests create. */
export const PASSWORD = 'Analytical-Engine-1843';

/** The OAuth scopes of Clara, as its challenges and metadata name them. */
export const SCOPES = ['clara:account', 'clara:analysis', 'clara:billing'];

/** Resolves after ms milliseconds. */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** promise, or a failure naming what after ms. */
export function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

/** Polls check() every 100 ms until it returns something truthy, for at most ms. */
export async function until(check, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Resolves with [code, signal] when child exits, or null after ms. */
export function exited(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve([child.exitCode, child.signalCode]);
  return new Promise((r) => {
    const timer = setTimeout(() => r(null), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      r([code, signal]);
    });
  });
}

/** Fails unless the clara binary BIN exists, saying how to build it. */
/**
 * The Chromium to drive: $CHROMIUM, /usr/bin/chromium, or chromium on
 * PATH; null when there is none.
 */
export function findChromium() {
  const candidates = process.env.CHROMIUM
    ? [process.env.CHROMIUM]
    : ['/usr/bin/chromium', ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'chromium'))];
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  return null;
}

/**
 * Launches a headless Chromium for the browser tests of what (e.g. "the
 * docs browser test"), failing with what to install when there is none.
 * Only 127.0.0.1 resolves in it, and it sends no background traffic.
 */
export async function launchChromium(what) {
  const path = findChromium();
  assert.ok(
    path,
    `no Chromium for ${what}: ${process.env.CHROMIUM ? `CHROMIUM=${process.env.CHROMIUM} is not executable` : 'neither /usr/bin/chromium nor chromium on PATH'}` +
      ' (on Debian: apt-get install chromium; or set CHROMIUM to a Chromium binary)',
  );
  return chromium.launch({
    executablePath: path,
    headless: true,
    timeout: 30_000,
    args: ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', '--disable-background-networking', '--no-first-run'],
  });
}

export function checkBinary() {
  assert.ok(existsSync(BIN), `no clara binary at ${BIN}: run go build -o bin/clara ./cmd/clara, or set CLARA_BIN`);
}

/** A fresh temporary directory named prefix…, removed by the returned cleanup. */
export async function tempDir(prefix = 'clara-e2e-') {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * The environment of a spawned clara over dataDir: nothing from this
 * process but PATH and HOME, the per-caller rate limit raised for the
 * tests' bursts, and the extra variables.
 */
export function baseEnv(dataDir, extra = {}) {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dataDir,
    CLARA_DATA_DIR: dataDir,
    CLARA_RATE_LIMIT: '1000',
    ...extra,
  };
}

/** A TCP port free right now on 127.0.0.1. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts `clara serve` on a free port of 127.0.0.1 over a fresh data
 * directory (named prefix…), with the environment env({ base, dataDir })
 * returns, and waits until it answers GET /api/v1/health. Returns { base,
 * server, dataDir, outbox, stderr, stop }: stderr() is what it logged so
 * far, stop() kills it if still running and removes its data directory.
 */
export async function startServe(env, { prefix = 'clara-e2e-' } = {}) {
  const { dir: dataDir, cleanup } = await tempDir(prefix);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(BIN, ['serve', '--addr', `127.0.0.1:${port}`], {
    env: env({ base, dataDir }),
    cwd: dataDir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  server.stderr.on('data', (b) => (stderr += b));
  const stop = async () => {
    try {
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    } finally {
      await cleanup();
    }
  };
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (server.exitCode !== null || server.signalCode !== null) {
        assert.fail(`clara serve exited (${server.exitCode ?? server.signalCode}) before answering:\n${stderr}`);
      }
      try {
        const res = await fetch(`${base}/api/v1/health`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) assert.fail(`clara serve did not answer GET /api/v1/health within 15 s:\n${stderr}`);
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { base, server, dataDir, outbox: join(dataDir, 'outbox'), stderr: () => stderr, stop };
}

/**
 * For a serve that startServe fills in: wraps a test function so that,
 * when it fails, its message ends with what clara serve logged.
 */
export function withStderrOf(serve) {
  return (fn) => async () => {
    try {
      await fn();
    } catch (err) {
      err.message += `\n--- clara serve stderr ---\n${serve.stderr?.() ?? ''}`;
      throw err;
    }
  };
}

// ---- The outbox -----------------------------------------------------------

/** Decodes a quoted-printable body. */
function decodeQuotedPrintable(s) {
  const bytes = Buffer.from(s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  return bytes.toString('utf8');
}

/** The text/plain body of a MIME message (multipart or not), decoded. */
function plainText(eml) {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(eml)?.[1];
  const parts = boundary ? eml.split(`--${boundary}`) : [eml];
  for (const part of parts) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const head = part.slice(0, split);
    if (boundary && !/content-type:\s*text\/plain/i.test(head)) continue;
    const body = part.slice(split).replace(/^\r?\n\r?\n/, '');
    return /content-transfer-encoding:\s*quoted-printable/i.test(head) ? decodeQuotedPrintable(body) : body;
  }
  return '';
}

/** The names of the messages in a dev outbox (none when it does not exist yet). */
export async function outboxNames(outbox) {
  const names = await readdir(outbox).catch((err) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
  return names.filter((n) => n.endsWith('.eml') && !n.startsWith('.'));
}

/**
 * The one-time code of the newest message to email in a dev outbox that is
 * not among seen (names), or undefined when there is none. Files are named
 * <UTC timestamp>-<recipient>-<random>.eml, so names sort by time.
 */
async function findCode(outbox, email, seen) {
  const old = new Set(seen);
  const names = (await outboxNames(outbox)).filter((n) => !old.has(n)).sort().reverse();
  for (const name of names) {
    const eml = await readFile(join(outbox, name), 'utf8');
    const headers = eml.slice(0, eml.search(/\r?\n\r?\n/));
    if (!/^To:.*$/im.exec(headers)?.[0].toLowerCase().includes(email)) continue;
    const code = /\b\d{6}\b/.exec(plainText(eml))?.[0];
    assert.ok(code, `no code in ${name}`);
    return code;
  }
  return undefined;
}

/** The one-time code of the newest message to email in a dev outbox, which must be there. */
export async function latestCode(outbox, email) {
  const code = await findCode(outbox, email, []);
  if (code === undefined) assert.fail(`no message to ${email} in ${outbox}`);
  return code;
}

/**
 * The one-time code of the newest message to email in a dev outbox that is
 * not among seen (names, see outboxNames), waiting up to 10 s for it.
 */
export async function nextCode(outbox, email, seen = []) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const code = await findCode(outbox, email, seen);
    if (code !== undefined) return code;
    if (Date.now() > deadline) assert.fail(`no new message to ${email} in ${outbox} within 10 s`);
    await sleep(100);
  }
}

// ---- HTTP -------------------------------------------------------------------

/** Calls Clara's REST API at base; returns [status, body]. */
export async function rest(base, method, path, authorization, body) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { Authorization: authorization, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return [res.status, text ? JSON.parse(text) : null];
}

/**
 * Starts an HTTP server with handler on a free port of 127.0.0.1. Returns
 * { url, close }: url its origin, close() drops its connections and stops it.
 */
export async function listenLocal(handler) {
  const srv = createHTTPServer(handler);
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${srv.address().port}`,
    close: () => new Promise((r) => {
      srv.closeAllConnections();
      srv.close(r);
    }),
  };
}

/** Sends body as JSON with status (and the extra headers). */
export function replyJSON(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

// ---- The fakes: an OpenAI-compatible model and the Stripe API ---------------

/** The model clara is configured with, and the key it must send. */
export const MODEL = 'gpt-e2e';
export const MODEL_KEY = 'sk-e2e';

/** The Stripe keys clara is started with. */
export const STRIPE_KEY = 'sk_test_e2e';
export const STRIPE_WEBHOOK_SECRET = 'whsec_e2e';

/** A checkout URL of the fake Stripe API; group 1 is the session id. */
export const CHECKOUT_URL = /^https:\/\/checkout\.stripe\.com\/c\/pay\/(cs_test_[A-Za-z0-9]+)#/;

/** A random id of n alphanumeric characters, as Stripe's ids look. */
export function stripeID(n) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(n), (b) => abc[b % abc.length]).join('');
}

/**
 * Starts a fake OpenAI-compatible chat completions server on 127.0.0.1. It
 * records each request's body and answers with a final analysis: verdict
 * MOSTLY_TRUE, citing the attachment notes.txt when the request carries it
 * (clara's fetcher refuses loopback pages, so no page can be cited), and,
 * for each video or audio clip the request offers ("cite it as
 * attachment:clip.mp4, or attachment:clip.mp4@mm:ss …"), the clip and its
 * moment 00:01. A wrong key gets OpenAI's 401. It also answers speech to
 * text (POST /v1/audio/transcriptions, multipart; see transcribe).
 * Returns { url, requests, transcriptions, hold, close }.
 *
 * hold(marker) makes the requests whose body contains marker wait until
 * released (or 30 s, or the caller hangs up); it returns { arrived, hungUp,
 * release }: arrived() a promise of the first such request, hungUp() of the
 * caller hanging up on a held one, release() lets them all answer.
 */
export async function startFakeModel() {
  const requests = [];
  const transcriptions = [];
  const holds = [];
  const srv = await listenLocal(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const bytes = Buffer.concat(chunks);
    const path = new URL(req.url, 'http://model').pathname;
    const routes = ['/v1/chat/completions', '/v1/audio/transcriptions'];
    if (req.method !== 'POST' || !routes.includes(path)) {
      return replyJSON(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' } });
    }
    if (req.headers.authorization !== `Bearer ${MODEL_KEY}`) {
      return replyJSON(res, 401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error' } });
    }
    if (path === '/v1/audio/transcriptions') return transcribe(req, res, bytes, transcriptions);
    const raw = bytes.toString('utf8');
    const body = JSON.parse(raw);
    requests.push(body);
    const hold = holds.find((h) => raw.includes(h.marker));
    if (hold) {
      hold.arrive();
      const gone = new Promise((r) => res.once('close', () => {
        if (!res.writableEnded) hold.hangUp();
        r();
      }));
      let timer;
      await Promise.race([hold.released, gone, new Promise((r) => (timer = setTimeout(r, 30_000)))]);
      clearTimeout(timer);
      if (res.destroyed || res.writableEnded) return;
    }
    const sent = JSON.stringify(body.messages);
    const sources = sent.includes('attachment:notes.txt') ? [{ url: 'attachment:notes.txt', title: 'Notes' }] : [];
    for (const [, clip] of sent.matchAll(/cite it as attachment:(\S+?), or attachment:\S+?@mm:ss/g)) {
      if (sources.some((s) => s.url === `attachment:${clip}`)) continue;
      sources.push({ url: `attachment:${clip}@00:01`, title: `${clip} at 00:01` }, { url: `attachment:${clip}`, title: clip });
    }
    const answer = {
      verdict: 'MOSTLY_TRUE',
      confidence: 0.8,
      summary: 'The notes support the claim.',
      claims: [{ claim: 'The tower is in Paris.', verdict: 'TRUE', explanation: 'The notes say so.', sources }],
      sources,
    };
    return replyJSON(res, 200, {
      id: `chatcmpl-e2e-${requests.length}`, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(answer), refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
    });
  });
  const hold = (marker) => {
    let arrive, release, hangUp;
    const arrived = new Promise((r) => (arrive = r));
    const released = new Promise((r) => (release = r));
    const hungUp = new Promise((r) => (hangUp = r));
    const h = { marker, arrive, released, hangUp };
    holds.push(h);
    return {
      arrived: () => within(arrived, 15_000, `the model request of ${marker}`),
      hungUp: () => within(hungUp, 10_000, `clara to hang up the held model request of ${marker}`),
      release: () => {
        release();
        holds.splice(holds.indexOf(h), 1);
      },
    };
  };
  return { ...srv, requests, transcriptions, hold };
}

/** The text the fake transcription endpoint hears in every clip. */
export const SPOKEN = 'The Eiffel Tower was finished in 1889.';

/**
 * Reads a WAV file (RIFF/WAVE, PCM): { format, channels, sampleRate, bits,
 * seconds, rms }. The data chunk is taken as far as the bytes go (a WAV
 * written to a pipe declares a size it could not know); rms is the root
 * mean square of 16-bit samples over full scale (0 silent, 1 loudest), or
 * null for other sample sizes. Throws on anything that is not a WAV.
 */
export function readWAV(buf) {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') {
    throw new Error(`not a RIFF/WAVE file (starts ${JSON.stringify(buf.toString('latin1', 0, 12))})`);
  }
  let fmt;
  for (let at = 12; at + 8 <= buf.length;) {
    const id = buf.toString('latin1', at, at + 4);
    const declared = buf.readUInt32LE(at + 4);
    const start = at + 8;
    if (id === 'fmt ') {
      fmt = {
        format: buf.readUInt16LE(start), channels: buf.readUInt16LE(start + 2), sampleRate: buf.readUInt32LE(start + 4),
        blockAlign: buf.readUInt16LE(start + 12), bits: buf.readUInt16LE(start + 14),
      };
    } else if (id === 'data') {
      if (!fmt) throw new Error('WAV data chunk before its fmt chunk');
      const size = Math.min(declared, buf.length - start);
      const frames = Math.floor(size / fmt.blockAlign);
      let rms = null;
      if (fmt.bits === 16) {
        let sum = 0;
        const n = frames * fmt.channels;
        for (let i = 0; i < n; i++) sum += buf.readInt16LE(start + 2 * i) ** 2;
        rms = n ? Math.sqrt(sum / n) / 32768 : 0;
      }
      const { format, channels, sampleRate, bits } = fmt;
      return { format, channels, sampleRate, bits, seconds: frames / sampleRate, rms };
    }
    at = start + declared + (declared % 2);
  }
  throw new Error(fmt ? 'no data chunk in the WAV file' : 'no fmt chunk in the WAV file');
}

/**
 * The fake's POST /v1/audio/transcriptions (OpenAI's speech to text): a
 * multipart form with the audio as `file`, `model` and `response_format`.
 * Records { model, response_format, filename, sampleRate, channels, bits,
 * seconds, rms } (or { error }) in transcriptions and answers verbose_json
 * (one segment of SPOKEN over the whole clip), json or text, as asked.
 */
async function transcribe(req, res, bytes, transcriptions) {
  let form;
  try {
    form = await new Request('http://model/v1/audio/transcriptions', {
      method: 'POST', headers: { 'Content-Type': req.headers['content-type'] ?? '' }, body: bytes,
    }).formData();
  } catch (err) {
    transcriptions.push({ error: `not a multipart form: ${err.message}` });
    return replyJSON(res, 400, { error: { message: `Could not parse multipart form: ${err.message}`, type: 'invalid_request_error' } });
  }
  const file = form.get('file');
  const model = form.get('model');
  const format = form.get('response_format') ?? 'json';
  const seen = { model, response_format: format, filename: typeof file === 'object' ? file?.name : undefined };
  let wav;
  try {
    if (!file || typeof file === 'string') throw new Error('no file part');
    wav = readWAV(Buffer.from(await file.arrayBuffer()));
  } catch (err) {
    transcriptions.push({ ...seen, error: err.message });
    return replyJSON(res, 400, { error: { message: `Invalid file format: ${err.message}`, type: 'invalid_request_error', param: 'file' } });
  }
  transcriptions.push({ ...seen, ...wav });
  if (!model) return replyJSON(res, 400, { error: { message: 'you must provide a model parameter', type: 'invalid_request_error' } });
  const duration = Math.round(wav.seconds * 100) / 100;
  const text = ` ${SPOKEN}`;
  switch (format) {
    case 'verbose_json':
      return replyJSON(res, 200, {
        task: 'transcribe', language: 'english', duration, text: SPOKEN,
        segments: [{
          id: 0, seek: 0, start: 0, end: duration, text, tokens: [], temperature: 0,
          avg_logprob: -0.2, compression_ratio: 1, no_speech_prob: 0.01,
        }],
      });
    case 'json':
      return replyJSON(res, 200, { text: SPOKEN });
    case 'text':
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end(`${SPOKEN}\n`);
    default:
      return replyJSON(res, 400, { error: { message: `response_format ${format} is not supported by the fake`, type: 'invalid_request_error' } });
  }
}

/**
 * Starts a fake of the three Stripe API calls clara makes, on 127.0.0.1:
 * checkout sessions, customers and billing portal sessions. It records
 * each request's path and form fields; a wrong secret key gets Stripe's 401.
 * Returns { url, requests, checkouts, close }: checkouts() counts the
 * checkout sessions asked for.
 */
export async function startFakeStripe() {
  const requests = [];
  const reply = (res, status, body) => replyJSON(res, status, body, { 'Request-Id': `req_${stripeID(14)}` });
  const srv = await listenLocal(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const form = Object.fromEntries(new URLSearchParams(raw));
    const path = new URL(req.url, 'http://stripe').pathname;
    requests.push({ method: req.method, path, form });
    if (req.headers.authorization !== `Bearer ${STRIPE_KEY}`) {
      return reply(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });
    }
    const created = Math.floor(Date.now() / 1000);
    if (req.method === 'POST' && path === '/v1/checkout/sessions') {
      const id = `cs_test_${stripeID(58)}`;
      return reply(res, 200, {
        id, object: 'checkout.session', mode: 'payment', status: 'open', payment_status: 'unpaid', created,
        url: `https://checkout.stripe.com/c/pay/${id}#${stripeID(24)}`,
      });
    }
    if (req.method === 'POST' && path === '/v1/customers') {
      return reply(res, 200, { id: `cus_${stripeID(14)}`, object: 'customer', email: form.email ?? null, created });
    }
    if (req.method === 'POST' && path === '/v1/billing_portal/sessions') {
      return reply(res, 200, {
        id: `bps_${stripeID(24)}`, object: 'billing_portal.session', customer: form.customer, created,
        url: `https://billing.stripe.com/p/session/test_${stripeID(40)}`,
      });
    }
    return reply(res, 404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${path}).` } });
  });
  return { ...srv, requests, checkouts: () => requests.filter((r) => r.path === '/v1/checkout/sessions').length };
}

/**
 * Starts both fakes. Returns { model, stripe, env, close }: env(dataDir,
 * extra) is baseEnv with billing talking to the fake Stripe API and
 * analyses to the fake model; close() stops both.
 */
export async function startFakes() {
  const model = await startFakeModel();
  let stripe;
  try {
    stripe = await startFakeStripe();
  } catch (err) {
    await model.close();
    throw err;
  }
  const env = (dataDir, extra = {}) => baseEnv(dataDir, {
    CLARA_STRIPE_SECRET_KEY: STRIPE_KEY,
    CLARA_STRIPE_WEBHOOK_SECRET: STRIPE_WEBHOOK_SECRET,
    CLARA_STRIPE_API_URL: stripe.url,
    CLARA_MODEL_PROVIDER: 'openai',
    CLARA_MODEL: MODEL,
    CLARA_MODEL_BASE_URL: `${model.url}/v1`,
    CLARA_MODEL_API_KEY: MODEL_KEY,
    ...extra,
  });
  return { model, stripe, env, close: () => Promise.all([model.close(), stripe.close()]) };
}

/**
 * A webhook delivery as Stripe signs it: the body, and the
 * Stripe-Signature header (HMAC-SHA256 of "<t>.<body>" with the endpoint's
 * secret).
 */
export function signedEvent(type, session, secret = STRIPE_WEBHOOK_SECRET) {
  const t = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    id: `evt_${stripeID(24)}`, object: 'event', api_version: '2023-10-16', created: t, type, livemode: false,
    pending_webhooks: 1, request: { id: null, idempotency_key: null },
    data: { object: { id: session, object: 'checkout.session', mode: 'payment', status: 'complete', payment_status: 'paid', customer: null } },
  });
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return { body, signature: `t=${t},v1=${v1}` };
}

/** Posts a webhook delivery to clara serve at base; returns [status, body]. */
export async function deliver(base, { body, signature }) {
  const res = await fetch(`${base}/api/v1/stripe/webhook`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Stripe-Signature': signature },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return [res.status, await res.json()];
}

/** Runs `clara credits grant` with env (whose CLARA_DATA_DIR no other clara may hold). */
export async function grantCredits(env, email, credits) {
  const child = spawn(BIN, ['credits', 'grant', '--email', email, '--credits', String(credits), '--reason', 'e2e'], {
    env,
    cwd: env.CLARA_DATA_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (out += b));
  assert.deepEqual(await exited(child, 15_000), [0, null], `clara credits grant: ${out}`);
}

// ---- A throwaway PostgreSQL cluster ------------------------------------------

/**
 * The directory holding initdb, pg_ctl and postgres: that of pg_ctl on PATH,
 * else the newest /usr/lib/postgresql/<version>/bin; undefined when none.
 */
function postgresBinDir() {
  const complete = (dir) => ['initdb', 'pg_ctl', 'postgres'].every((p) => existsSync(join(dir, p)));
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'pg_ctl'))) {
      const real = dirname(realpathSync(join(dir, 'pg_ctl')));
      if (complete(real)) return real;
    }
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v)) : [];
  versions.sort((a, b) => parseFloat(b) - parseFloat(a));
  return versions.map((v) => join(root, v, 'bin')).find(complete);
}

/**
 * Starts a throwaway PostgreSQL cluster as store/pgtest/cluster.go does: in
 * a private directory under /tmp that is also its only socket directory
 * (no TCP), trust authentication, as user nobody when this process is
 * root (PostgreSQL refuses root). Returns { url, stop }: url the
 * postgres:// URL of its database postgres, stop() stops it (immediate) and
 * removes its directory. Throws when PostgreSQL is not installed or does
 * not start within 60 s.
 */
export async function startCluster() {
  const bin = postgresBinDir();
  if (!bin) throw new Error('initdb, pg_ctl and postgres not found on PATH nor in /usr/lib/postgresql/*/bin');
  const asNobody = process.getuid?.() === 0;
  let uid;
  let gid;
  if (asNobody) {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:'));
    [uid, gid] = line ? line.split(':').slice(2, 4).map(Number) : [65534, 65534];
    if (uid === 0) throw new Error('user nobody has uid 0');
  }
  const dir = mkdtempSync('/tmp/clara-e2e-pg-');
  const data = join(dir, 'data');
  if (asNobody) chownSync(dir, uid, gid);
  const env = { PATH: process.env.PATH ?? '', HOME: dir, LC_ALL: 'C', TZ: 'UTC' };
  const run = (program, args) =>
    new Promise((resolveRun, reject) => {
      const child = spawn(join(bin, program), args, { cwd: dir, env, uid, gid, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (b) => (out += b));
      child.stderr.on('data', (b) => (out += b));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolveRun(out);
        else reject(new Error(`${program} ${args.join(' ')}: exit ${code ?? signal}\n${out}`));
      });
    });
  // A watchdog, in its own process group, stops the server and removes the
  // directory when its stdin closes: at stop(), or however this process ends.
  const watchdog = spawn('/bin/sh', ['-c', 'read -r line; "$1" -D "$2" -m immediate -w stop >/dev/null 2>&1; rm -rf "$3"',
    'pg-watchdog', join(bin, 'pg_ctl'), data, dir], { cwd: dir, env, uid, gid, detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  watchdog.unref();
  const watchdogDone = new Promise((r) => watchdog.once('exit', r));
  const stop = async () => {
    watchdog.stdin.end();
    let timer;
    await Promise.race([watchdogDone, new Promise((r) => (timer = setTimeout(r, 15_000)))]);
    clearTimeout(timer);
    if (existsSync(join(data, 'postmaster.pid'))) await run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await run('initdb', ['-D', data, '--auth=trust', '--no-sync', '-U', 'postgres', '-E', 'UTF8', '--no-locale']);
    const opts = `-c listen_addresses='' -c unix_socket_directories='${dir}' -c fsync=off -c full_page_writes=off ` +
      '-c synchronous_commit=off -c max_connections=200';
    await run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', opts, 'start']);
  } catch (err) {
    let log = '';
    try {
      log = readFileSync(join(dir, 'server.log'), 'utf8');
    } catch {
      // no log yet
    }
    await stop();
    if (log) err.message += `\nserver log:\n${log}`;
    throw err;
  }
  return { url: `postgres://postgres@/postgres?host=${encodeURIComponent(dir)}`, stop };
}
