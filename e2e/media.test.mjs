// End-to-end tests of video and audio attachments: a real clip, made at
// test time (speech by espeak-ng, a test pattern and that speech muxed into
// an H.264/AAC .mp4 by ffmpeg), analysed by the built binary, which probes
// it, extracts its audio (16 kHz mono WAV) for the fake model's speech to
// text (POST /v1/audio/transcriptions, served by harness.mjs on 127.0.0.1)
// and its keyframes for the fake model's vision:
//
//   - REST on the embedded store and on PostgreSQL (skipped without it):
//     supported_attachments lists "audio", an .mp4 uploaded as an analysis
//     file completes, charged 20 credits, the model having read the
//     transcript and seen keyframes, its answer citing the clip and a moment
//     of it;
//   - a server without CLARA_TRANSCRIPTION_MODEL: no "audio", and an .mp4
//     upload answers 400 naming the file, nothing held; the same for a clip
//     longer than CLARA_MEDIA_MAX_DURATION;
//   - MCP over Streamable HTTP (the official SDK client): analyze with the
//     clip by URL (served by this test on 127.0.0.1, the server allowed to
//     fetch loopback) and by content_base64.
//
//   go build -o bin/clara ./cmd/clara && cd e2e && npm ci && node --test media.test.mjs
//
// Needs ffmpeg, ffprobe and espeak-ng on PATH (`.ci/run` installs them; on
// Debian: apt-get install ffmpeg espeak-ng). CLARA_BIN names the binary
// (default ../bin/clara, relative to this folder).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import {
  PASSWORD, SPOKEN, checkBinary, grantCredits, listenLocal, nextCode, rest, sleep, startCluster, startFakes, startServe,
  tempDir, withStderrOf,
} from './harness.mjs';

const run = promisify(execFile);

/** The public API key of every server here (client apps send it raw to register users). */
const PUBLIC_API_KEY = 'e2e-media-public-key-0123456789';

/** The speech-to-text model the media servers are configured with. */
const TRANSCRIPTION_MODEL = 'whisper-1';

/** The clip's name, as attached. */
const CLIP = 'clip.mp4';

/** What GET supported_attachments lists under "audio" when media is on. */
const AUDIO_EXTS = ['.mp4', '.mov', '.avi', '.mkv', '.mpeg', '.webm', '.mp3', '.wav', '.m4a', '.ogg', '.flac'];

/** How long an analysis may take to finish here (the fakes answer at once). */
const TASK_MS = 30_000;

// ---- The clip ------------------------------------------------------------------

/** The clip of this run: { data (the .mp4's bytes), seconds (its duration, by ffprobe) }. */
const clip = {};

/** Fails with what to install unless program (run with args) works. */
async function need(program, args, why) {
  try {
    await run(program, args, { timeout: 15_000 });
  } catch (err) {
    assert.fail(`${program} is needed ${why} but ${err.code === 'ENOENT' ? 'is not on PATH' : `failed: ${err.message}`} ` +
      '(.ci/run installs it; on Debian: apt-get install ffmpeg espeak-ng)');
  }
}

/**
 * Makes the clip: SPOKEN by espeak-ng, over ffmpeg's testsrc2 pattern at
 * 320x240, 10 fps, a keyframe a second, as long as the speech (3 to 4 s),
 * H.264 (MPEG-4 part 2 when this ffmpeg has no libx264) and AAC.
 */
async function makeClip() {
  await need('ffmpeg', ['-hide_banner', '-version'], 'to make the test clip and by clara to read it');
  await need('ffprobe', ['-hide_banner', '-version'], 'by clara to probe clips');
  await need('espeak-ng', ['--version'], 'to speak the test clip');
  const { dir, cleanup } = await tempDir('clara-e2e-media-');
  try {
    const speech = join(dir, 'speech.wav');
    const out = join(dir, CLIP);
    await run('espeak-ng', ['-w', speech, SPOKEN], { timeout: 30_000 });
    const seconds = async (file) => {
      const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { timeout: 15_000 });
      return Number(stdout.trim());
    };
    const spoken = await seconds(speech);
    const { stdout: encoders } = await run('ffmpeg', ['-hide_banner', '-encoders'], { timeout: 15_000 });
    // A keyframe every second (-g 10), so that clara has several to show.
    const video = /^\s*V\S*\s+libx264\s/m.test(encoders) ? ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'] : ['-c:v', 'mpeg4', '-q:v', '5'];
    video.push('-g', '10');
    await run('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-i', speech,
      // -shortest overshoots by the video encoder's lookahead: cut at the speech's end.
      '-t', spoken.toFixed(2), ...video, '-c:a', 'aac', out,
    ], { timeout: 60_000 });
    clip.seconds = await seconds(out);
    assert.ok(clip.seconds > 2 && clip.seconds < 6, `the test clip lasts ${clip.seconds} s, not a few seconds (the speech ${spoken} s)`);
    clip.data = await readFile(out);
  } finally {
    await cleanup();
  }
}

/** s seconds, rounded, as Clara writes a duration: mm:ss. */
const clock = (s) => {
  const r = Math.round(s);
  return `${String(Math.floor(r / 60)).padStart(2, '0')}:${String(r % 60).padStart(2, '0')}`;
};

// ---- Fakes and servers ------------------------------------------------------------

/** The fakes of this run (see startFakes): the model, its speech to text, Stripe. */
let fakes;

before(checkBinary);
before(makeClip);
before(async () => {
  fakes = await startFakes();
});
after(() => fakes?.close());

/** The environment of a media-enabled clara (extra on top): the fakes, a public API key, vision, speech to text. */
const mediaEnv = (dataDir, extra = {}) => fakes.env(dataDir, {
  CLARA_PUBLIC_API_KEY: PUBLIC_API_KEY,
  CLARA_MODEL_VISION: 'true',
  CLARA_TRANSCRIPTION_MODEL: TRANSCRIPTION_MODEL,
  ...extra,
});

/**
 * Starts clara serve with env(dataDir) into serve (an object the tests
 * already hold) and remembers env, for `clara credits grant`.
 */
async function startInto(serve, env, prefix) {
  Object.assign(serve, await startServe(({ dataDir }) => env(dataDir), { prefix }), { env });
}

let users = 0;

/**
 * Registers and activates a user over REST at serve, and grants it credits.
 * Returns { id, email, token, auth } (auth: the Authorization of its user token).
 */
async function restUser(serve, label, credits = 100) {
  const email = `ada.${label}.${++users}@example.com`;
  const [regStatus, reg] = await rest(serve.base, 'POST', '/auth/register', PUBLIC_API_KEY, {
    first_name: 'Ada', last_name: 'Lovelace', email, password: PASSWORD,
  });
  assert.equal(regStatus, 201, `register: ${JSON.stringify(reg)}`);
  const [actStatus, act] = await rest(serve.base, 'POST', `/users/${encodeURIComponent(email)}/activate`, PUBLIC_API_KEY, {
    code: await nextCode(serve.outbox, email),
  });
  assert.equal(actStatus, 200, `activate: ${JSON.stringify(act)}`);
  if (credits) await grantCredits(serve.env(serve.dataDir), email, credits);
  return { id: reg.data.id, email, token: reg.data.token, auth: `Bearer ${reg.data.token}` };
}

/** The user's credits, over REST. */
async function creditsOf(serve, user) {
  const [status, body] = await rest(serve.base, 'GET', `/users/${user.id}`, user.auth);
  assert.equal(status, 200, `view user: ${JSON.stringify(body)}`);
  return body.data.credits;
}

/** GET supported_attachments over REST: its data. */
async function supported(serve, user) {
  const [status, body] = await rest(serve.base, 'GET', `/users/${user.id}/agent/supported_attachments`, user.auth);
  assert.equal(status, 200, `supported_attachments: ${JSON.stringify(body)}`);
  return body.data;
}

/** POSTs an analysis of query with the clip as the file CLIP; returns [status, body]. */
async function postAnalysis(serve, user, query) {
  const form = new FormData();
  form.set('query', query);
  form.set(CLIP, new Blob([clip.data], { type: 'video/mp4' }), CLIP);
  const res = await fetch(`${serve.base}/api/v1/users/${user.id}/agent/analysis`, {
    method: 'POST',
    headers: { Authorization: user.auth, 'Idempotency-Key': `media-${randomBytes(8).toString('hex')}` },
    body: form,
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    assert.fail(`POST analysis answered ${res.status} with a body that is not JSON: ${text.slice(0, 500)}`);
  }
  return [res.status, body];
}

/** Polls the task over REST until COMPLETED or FAILED (at most TASK_MS); returns it. */
async function finished(serve, user, taskId) {
  const deadline = Date.now() + TASK_MS;
  let last;
  for (;;) {
    const [status, body] = await rest(serve.base, 'GET', `/users/${user.id}/tasks/${taskId}`, user.auth);
    assert.equal(status, 200, `view task: ${JSON.stringify(body)}`);
    last = body.data;
    if (['COMPLETED', 'FAILED'].includes(last.status)) return last;
    if (Date.now() > deadline) assert.fail(`task ${taskId} not finished within ${TASK_MS} ms: ${JSON.stringify(last)}`);
    await sleep(200);
  }
}

// ---- What clara sent ------------------------------------------------------------------

/**
 * The parts of the user messages of the model request carrying marker, in
 * order, as { text } or { image } (an image_url's URL).
 */
function userParts(marker) {
  const req = fakes.model.requests.find((r) => JSON.stringify(r.messages).includes(marker));
  assert.ok(req, `a model request carrying ${JSON.stringify(marker)} among ${fakes.model.requests.length}`);
  const parts = [];
  for (const m of req.messages.filter((x) => x.role === 'user')) {
    if (typeof m.content === 'string') parts.push({ text: m.content });
    else for (const p of m.content ?? []) parts.push(p.type === 'image_url' ? { image: p.image_url?.url } : { text: p.text ?? '' });
  }
  return parts;
}

/**
 * Checks that the model was given the clip: its description (a video of its
 * duration, how to cite it), the transcript the fake heard, then its
 * keyframes (2 to 6, each a JPEG after an "At mm:ss:" part). Returns how
 * many keyframes.
 */
function checkClipParts(marker) {
  const parts = userParts(marker);
  const text = parts.filter((p) => p.text !== undefined).map((p) => p.text).join('\n');
  const where = `in the model's first message:\n${text.slice(0, 3000)}`;
  const head = `Attachment "${CLIP}", a video of ${clock(clip.seconds)} (cite it as attachment:${CLIP}, or attachment:${CLIP}@mm:ss for a moment in it).`;
  assert.ok(text.includes(head), `${JSON.stringify(head)} ${where}`);
  assert.match(text, /Transcript of what is said in it:\n\[00:00\] The Eiffel Tower was finished in 1889\./, where);

  const intro = parts.findIndex((p) => /^\d+ keyframes of it, in time order:/.test(p.text ?? ''));
  assert.ok(intro >= 0, `"N keyframes of it, in time order:" ${where}`);
  const n = Number(/^(\d+)/.exec(parts[intro].text)[1]);
  assert.ok(n >= 2 && n <= 6, `2 to 6 keyframes (the clip has one a second), not ${n}`);
  const frames = parts.slice(intro + 1, intro + 1 + 2 * n);
  let previous = -1;
  for (let i = 0; i < n; i++) {
    const [at, image] = [frames[2 * i], frames[2 * i + 1]];
    const m = /^At (\d\d):(\d\d):$/.exec(at?.text ?? '');
    assert.ok(m, `keyframe ${i + 1}: an "At mm:ss:" part, not ${JSON.stringify(at)}`);
    const seconds = Number(m[1]) * 60 + Number(m[2]);
    assert.ok(seconds >= previous && seconds <= Math.ceil(clip.seconds), `keyframe ${i + 1} at ${at.text}, in time order within the clip`);
    previous = seconds;
    const jpeg = /^data:image\/jpeg;base64,(.+)$/.exec(image?.image ?? '');
    assert.ok(jpeg, `keyframe ${i + 1}: an image_url part with a data:image/jpeg URL, not ${JSON.stringify(image).slice(0, 200)}`);
    const bytes = Buffer.from(jpeg[1], 'base64');
    assert.ok(bytes.length > 500 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff, `keyframe ${i + 1} is a JPEG`);
  }
  assert.equal(parts.filter((p) => p.image !== undefined).length, n, `${n} image parts in all`);
  return n;
}

/** Checks the transcription requests made since from: one, of the clip's audio as 16 kHz mono WAV. Returns it. */
function checkTranscribed(from) {
  const got = fakes.model.transcriptions.slice(from);
  assert.equal(got.length, 1, `one transcription request, got ${JSON.stringify(got)}`);
  const [t] = got;
  assert.equal(t.error, undefined, `the transcription request: ${t.error}`);
  assert.equal(t.model, TRANSCRIPTION_MODEL);
  assert.deepEqual([t.format, t.sampleRate, t.channels, t.bits], [1, 16000, 1, 16], `PCM 16 kHz mono 16-bit: ${JSON.stringify(t)}`);
  assert.ok(Math.abs(t.seconds - clip.seconds) <= 0.5, `the audio lasts ${t.seconds} s, the clip ${clip.seconds} s`);
  assert.ok(t.rms > 0.01, `the audio is not silent (rms ${t.rms})`);
  return t;
}

/** Checks a finished task of the clip: COMPLETED, 20 credits, citing the clip and its moment 00:01. */
function checkCompleted(task) {
  assert.equal(task.status, 'COMPLETED', `task ${JSON.stringify(task)}`);
  assert.equal(task.error, null);
  assert.equal(task.cost_in_credits, 20);
  assert.equal(task.result?.verdict, 'MOSTLY_TRUE');
  const urls = task.result.sources.map((s) => s.url);
  assert.ok(urls.includes(`attachment:${CLIP}@00:01`), `a source is the clip's moment: ${JSON.stringify(task.result.sources)}`);
  assert.ok(urls.includes(`attachment:${CLIP}`), `a source is the clip: ${JSON.stringify(task.result.sources)}`);
  assert.deepEqual(task.attachments.map((a) => a.name), [CLIP]);
  assert.ok(task.result.steps?.some((st) => st.kind === 'attachment' && st.target === CLIP && st.outcome === 'read'),
    `an attachment step reading ${CLIP}: ${JSON.stringify(task.result.steps)}`);
}

// ---- REST -------------------------------------------------------------------------------

/** The REST flow on serve: audio listed, the clip analysed and charged. */
async function restFlow(serve, label) {
  const user = await restUser(serve, label);
  const kinds = await supported(serve, user);
  assert.deepEqual(kinds.audio, AUDIO_EXTS, `supported_attachments: ${JSON.stringify(kinds)}`);
  assert.ok(kinds.document?.includes('.txt') && kinds.image?.includes('.png'), `documents and images still listed: ${JSON.stringify(kinds)}`);

  const query = `The Eiffel Tower was finished in 1889 (media ${label} ${randomBytes(4).toString('hex')}).`;
  const from = fakes.model.transcriptions.length;
  const [status, body] = await postAnalysis(serve, user, query);
  assert.equal(status, 201, `POST analysis: ${JSON.stringify(body)}`);
  assert.equal(body.data.status, 'PENDING');
  assert.deepEqual(body.data.attachments.map((a) => [a.name, a.size]), [[CLIP, clip.data.length]]);

  const task = await finished(serve, user, body.data.id);
  checkCompleted(task);
  assert.equal(await creditsOf(serve, user), 80, '20 of 100 credits charged');
  const heard = checkTranscribed(from);
  const frames = checkClipParts(query);
  console.log(`${label}: ${CLIP} (${clip.seconds} s, ${clip.data.length} bytes) COMPLETED ${task.result.verdict}; ` +
    `transcribed ${heard.seconds.toFixed(2)} s at ${heard.sampleRate} Hz (${heard.response_format}), ${frames} keyframes shown; ` +
    `sources ${task.result.sources.map((s) => s.url).join(', ')}`);
}

describe('REST on the embedded store', () => {
  const serve = {};
  before(() => startInto(serve, mediaEnv, 'clara-e2e-media-'));
  after(() => serve.stop?.());

  test('sqlite: an .mp4 analysed: transcript, keyframes, cited moment, 20 credits', { timeout: 60_000 },
    withStderrOf(serve)(() => restFlow(serve, 'sqlite')));
});

describe('REST on PostgreSQL', () => {
  const serve = {};
  let cluster;
  let skip;
  before(async () => {
    try {
      cluster = await startCluster();
    } catch (err) {
      skip = `no PostgreSQL: ${err.message}`;
      return;
    }
    const secret = randomBytes(32).toString('hex');
    await startInto(serve, (dataDir) => mediaEnv(dataDir, {
      CLARA_DATABASE_URL: cluster.url, CLARA_DEV_MAIL: 'true', CLARA_TOKEN_SECRET: secret,
    }), 'clara-e2e-media-pg-');
  });
  after(async () => {
    await serve.stop?.();
    await cluster?.stop();
  });

  test('pg: an .mp4 analysed: transcript, keyframes, cited moment, 20 credits', { timeout: 60_000 }, async (t) => {
    if (skip) return t.skip(skip);
    await withStderrOf(serve)(() => restFlow(serve, 'pg'))();
  });
});

describe('a server without a transcription model', () => {
  const serve = {};
  before(() => startInto(serve, (dataDir) => fakes.env(dataDir, { CLARA_PUBLIC_API_KEY: PUBLIC_API_KEY, CLARA_MODEL_VISION: 'true' }),
    'clara-e2e-media-off-'));
  after(() => serve.stop?.());

  test('off: no "audio" attachments, and an .mp4 upload is a 400 naming it', { timeout: 30_000 }, withStderrOf(serve)(async () => {
    const user = await restUser(serve, 'off');
    const kinds = await supported(serve, user);
    assert.equal(kinds.audio, undefined, `no audio key: ${JSON.stringify(kinds)}`);
    assert.ok(kinds.document?.includes('.txt'), `documents listed: ${JSON.stringify(kinds)}`);
    const errors = await refused(serve, user, 'off');
    console.log(`off: supported_attachments ${Object.keys(kinds).join(', ')}; ${CLIP} → 400 ${JSON.stringify(errors)}`);
  }));
});

/**
 * Posts the clip as an analysis file and checks the refusal: 400 with the
 * documented envelope and an errors entry naming the clip; no task, nothing
 * held, nothing transcribed, the model not asked. Returns the errors.
 */
async function refused(serve, user, label) {
  const from = fakes.model.transcriptions.length;
  const seen = fakes.model.requests.length;
  const before = await creditsOf(serve, user);
  const [status, body] = await postAnalysis(serve, user, `The Eiffel Tower was finished in 1889 (media ${label}).`);
  assert.equal(status, 400, `POST analysis with an .mp4: ${JSON.stringify(body)}`);
  assert.equal(body.status, 'error');
  assert.equal(body.data, null);
  assert.equal(body.message, 'One or more required parameters are either not given or have invalid schema.');
  assert.ok(Array.isArray(body.errors) && body.errors.some((e) => e.field === CLIP || JSON.stringify(e).includes(CLIP)),
    `an errors entry names ${CLIP}: ${JSON.stringify(body)}`);
  assert.equal(await creditsOf(serve, user), before, 'nothing held');
  const [, tasks] = await rest(serve.base, 'GET', `/users/${user.id}/tasks`, user.auth);
  assert.deepEqual(tasks.data, [], 'no task');
  assert.equal(fakes.model.transcriptions.length, from, 'nothing transcribed');
  assert.equal(fakes.model.requests.length, seen, 'the model was not asked');
  return body.errors;
}

describe('a server taking clips of at most 2 s', () => {
  const serve = {};
  before(() => startInto(serve, (dataDir) => mediaEnv(dataDir, { CLARA_MEDIA_MAX_DURATION: '2s' }), 'clara-e2e-media-short-'));
  after(() => serve.stop?.());

  test('short: the longer .mp4 upload is a 400 naming it', { timeout: 30_000 }, withStderrOf(serve)(async () => {
    const user = await restUser(serve, 'short');
    assert.deepEqual((await supported(serve, user)).audio, AUDIO_EXTS);
    const errors = await refused(serve, user, 'short');
    console.log(`short: ${CLIP} of ${clip.seconds} s → 400 ${JSON.stringify(errors)}`);
  }));
});

// ---- MCP --------------------------------------------------------------------------------

describe('MCP over Streamable HTTP, the clip by URL', () => {
  const serve = {};
  let media;
  const fetches = [];
  before(async () => {
    media = await listenLocal((req, res) => {
      const path = new URL(req.url, 'http://media').pathname;
      fetches.push({ method: req.method, path, userAgent: req.headers['user-agent'] });
      if (path !== `/media/${CLIP}` || !['GET', 'HEAD'].includes(req.method)) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return res.end('not found');
      }
      res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': clip.data.length });
      res.end(req.method === 'HEAD' ? undefined : clip.data);
    });
    await startInto(serve, (dataDir) => mediaEnv(dataDir, { CLARA_FETCH_LOOPBACK: 'true' }), 'clara-e2e-media-mcp-');
  });
  after(async () => {
    await serve.stop?.();
    await media?.close();
  });

  test('mcp: analyze with the clip by url, then by content_base64', { timeout: 60_000 }, withStderrOf(serve)(async () => {
    const user = await restUser(serve, 'mcp');
    const client = new Client({ name: 'clara-e2e-media', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${serve.base}/mcp`), {
      requestInit: { headers: { Authorization: user.auth } },
    }));
    try {
      const call = async (name, args, what) => {
        const res = await client.callTool({ name, arguments: args }, undefined, { timeout: TASK_MS + 15_000 });
        assert.equal(res.isError ?? false, false, `${what} failed: ${res.content?.[0]?.text}`);
        return res.structuredContent;
      };
      const kinds = await call('supported_attachments', {}, 'supported_attachments');
      assert.deepEqual(kinds.audio, AUDIO_EXTS, `supported_attachments: ${JSON.stringify(kinds)}`);

      // By URL: the agent downloads it from this test's server.
      const url = `${media.url}/media/${CLIP}`;
      let query = `The Eiffel Tower was finished in 1889 (media mcp url ${randomBytes(4).toString('hex')}).`;
      let from = fakes.model.transcriptions.length;
      const byURL = await call('analyze', { query, attachments: [{ name: CLIP, url }], wait_seconds: TASK_MS / 1000 }, 'analyze by url');
      checkCompleted(byURL);
      assert.ok(fetches.some((f) => f.method === 'GET' && f.path === `/media/${CLIP}`), `the clip was downloaded: ${JSON.stringify(fetches)}`);
      let heard = checkTranscribed(from);
      let frames = checkClipParts(query);
      console.log(`mcp: ${CLIP} by url ${url} COMPLETED ${byURL.result.verdict}; downloaded ${fetches.length}×, ` +
        `transcribed ${heard.seconds.toFixed(2)} s, ${frames} keyframes`);

      // By content_base64.
      query = `The Eiffel Tower was finished in 1889 (media mcp base64 ${randomBytes(4).toString('hex')}).`;
      from = fakes.model.transcriptions.length;
      const byContent = await call('analyze', {
        query, attachments: [{ name: CLIP, content_base64: clip.data.toString('base64') }], wait_seconds: TASK_MS / 1000,
      }, 'analyze by content_base64');
      checkCompleted(byContent);
      heard = checkTranscribed(from);
      frames = checkClipParts(query);
      assert.equal(await creditsOf(serve, user), 60, '2 × 20 of 100 credits charged');
      console.log(`mcp: ${CLIP} by content_base64 COMPLETED ${byContent.result.verdict}; transcribed ${heard.seconds.toFixed(2)} s, ${frames} keyframes`);
    } finally {
      await client.close().catch(() => {});
    }
  }));
});
