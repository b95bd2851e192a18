// End-to-end test of Clara's MCP server with the official TypeScript SDK
// client (@modelcontextprotocol/sdk, pinned in package-lock.json) over the
// three transports: `clara mcp` (stdio), and `clara serve` at /mcp
// (Streamable HTTP) and /sse (legacy HTTP+SSE).
//
//   go build -o bin/clara ./cmd/clara && cd e2e && npm ci && npm test
//
// CLARA_BIN names the binary (default ../bin/clara, relative to this folder).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const BIN = process.env.CLARA_BIN
  ? resolve(process.env.CLARA_BIN)
  : fileURLToPath(new URL('../bin/clara', import.meta.url));

// The protocol revision the SDK negotiates with mcp-go.
const PROTOCOL = '2025-11-25';

// The tools Clara registers, with their hints (readOnly, destructive,
// idempotent, openWorld) from the table of spec/mcp-tools.md.
const TOOLS = {
  health: [true, false, true, false],
  version: [true, false, true, false],
};
const HINTS = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'];

// Semantic Versioning 2.0.0, https://semver.org.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A fresh data directory, removed by the returned cleanup. */
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'clara-e2e-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The environment of a spawned clara: nothing from this process but PATH and HOME. */
function claraEnv(dataDir) {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dataDir, CLARA_DATA_DIR: dataDir };
}

/** A TCP port free right now on 127.0.0.1. */
function freePort() {
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
    assert.ok(client.getServerCapabilities()?.tools, 'tools capability');
    assert.match(client.getInstructions() ?? '', /Clara/);

    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), Object.keys(TOOLS).sort(), 'tool names');
    for (const tool of tools) {
      assert.ok(tool.title, `${tool.name}: title`);
      assert.ok(tool.description, `${tool.name}: description`);
      assert.equal(tool.inputSchema?.type, 'object', `${tool.name}: inputSchema`);
      assert.equal(tool.outputSchema?.type, 'object', `${tool.name}: outputSchema`);
      assert.deepEqual(HINTS.map((h) => tool.annotations?.[h]), TOOLS[tool.name], `${tool.name}: annotations`);
    }

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

/** Resolves with [code, signal] when child exits, or null after ms. */
function exited(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve([child.exitCode, child.signalCode]);
  }
  return new Promise((r) => {
    const timer = setTimeout(() => r(null), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      r([code, signal]);
    });
  });
}

before(() => {
  assert.ok(existsSync(BIN), `no clara binary at ${BIN}: run go build -o bin/clara ./cmd/clara, or set CLARA_BIN`);
});

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

describe('clara serve', () => {
  let base;
  let server;
  let stderr = '';
  let dataDir;

  before(async () => {
    dataDir = await tempDir();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(BIN, ['serve', '--addr', `127.0.0.1:${port}`], {
      env: claraEnv(dataDir.dir),
      cwd: dataDir.dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    server.stderr.on('data', (b) => (stderr += b));
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
      if (Date.now() > deadline) {
        assert.fail(`clara serve did not answer GET /api/v1/health within 15 s:\n${stderr}`);
      }
      await sleep(100);
    }
  });

  after(async () => {
    try {
      if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    } finally {
      await dataDir?.cleanup();
    }
  });

  const withStderr = (fn) => async () => {
    try {
      await fn();
    } catch (err) {
      err.message += `\n--- clara serve stderr ---\n${stderr}`;
      throw err;
    }
  };

  test('http: Streamable HTTP at /mcp', withStderr(() => probe('http', new StreamableHTTPClientTransport(new URL(`${base}/mcp`)))));

  test('sse: HTTP+SSE at /sse', withStderr(() => probe('sse', new SSEClientTransport(new URL(`${base}/sse`)))));

  test(
    'SIGTERM stops clara serve, an SSE stream open',
    withStderr(async () => {
      const client = new Client({ name: 'clara-e2e-idle', version: '1.0.0' });
      await client.connect(new SSEClientTransport(new URL(`${base}/sse`)));
      try {
        const t0 = Date.now();
        server.kill('SIGTERM');
        // Go's http.Server.Shutdown waits up to 5 s for connections that
        // have sent nothing yet, and undici may hold such a spare one.
        const status = await exited(server, 8000);
        assert.ok(status, 'clara serve still running 8 s after SIGTERM');
        assert.deepEqual(status, [0, null], 'clara serve exit status [code, signal]');
        console.log(`serve: exited 0 on SIGTERM with an SSE stream open (${Date.now() - t0} ms)`);
      } finally {
        await client.close().catch(() => {});
      }
    }),
  );
});
