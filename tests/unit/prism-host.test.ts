import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { startPrism } from '../../src/targets/prism.ts';
import { startPrismCli } from '../fixtures/prism-cli.ts';
import { buildSpecModel } from '../../src/run/spec-model.ts';

/**
 * The embedded mock is Prism's server started by src/targets/prism-host.mjs, not by `prism mock`: it must answer
 * exactly as the CLI does, serve only what a shard names, and say in one line why it did not start.
 */
const SPEC = 'spec/salesive-account.yaml';
const TOKEN = 'Bearer app_mock_full_access_token';

async function answer(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: string) {
  const r = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  return { status: r.status, type: r.headers.get('content-type'), violations: r.headers.get('sl-violations'), body: await r.text() };
}

test("answers every request as Prism's CLI does", async () => {
  const { operations } = await buildSpecModel(SPEC);
  const [host, cli] = await Promise.all([startPrism(SPEC), startPrismCli(SPEC)]);
  try {
    const requests = operations.flatMap((op) => {
      const path = op.path.replace(/\{[^}]+\}/g, 'abc123');
      const json = { 'content-type': 'application/json' };
      return [
        [op.method.toUpperCase(), path, { authorization: TOKEN }],
        [op.method.toUpperCase(), path, {}],
        [op.method.toUpperCase(), path, { authorization: TOKEN, prefer: 'code=404' }],
        ...(op.body ? [[op.method.toUpperCase(), path, { authorization: TOKEN, ...json }, '{"unexpected": [1]}'] as const] : []),
      ] as const;
    });
    requests.push(['GET', '/no/such/path', { authorization: TOKEN }]);
    expect(requests.length).toBeGreaterThan(40);
    for (const [method, path, headers, body] of requests) {
      const [a, b] = await Promise.all([answer(host.baseUrl, method, path, headers, body), answer(cli.baseUrl, method, path, headers, body)]);
      expect(a, `${method} ${path} ${JSON.stringify(headers)}`).toEqual(b);
    }
  } finally {
    await Promise.all([host.stop(), cli.stop()]);
  }
}, 120_000);

describe("a shard's mock", () => {
  test('serves only the operations it is told to, once told', async () => {
    const mock = await startPrism(SPEC, { served: Promise.resolve(['GET /kyc/status']) });
    try {
      expect(mock.served).toEqual(['GET /kyc/status']);
      expect((await answer(mock.baseUrl, 'GET', '/kyc/status', { authorization: TOKEN })).status).toBe(200);
      const other = await answer(mock.baseUrl, 'GET', '/roles', { authorization: TOKEN });
      expect(other.status).toBe(404);
      expect(other.body).toMatch(/NO_PATH_MATCHED_ERROR/);
    } finally {
      await mock.stop();
    }
  }, 60_000);

  test('told of an operation the spec does not have, it does not start', async () => {
    await expect(startPrism(SPEC, { served: Promise.resolve(['GET /kyc/status', 'GET /nowhere']) })).rejects.toThrow(
      'mock: Prism did not start — the spec has 1 of the 2 operations to serve',
    );
  }, 60_000);

  test('never told (the spec could not be read), it is ended rather than left waiting', async () => {
    // The ready wait is longer than the test's own timeout: only ending the mock makes this pass.
    const never = Promise.reject(new Error('unreadable'));
    never.catch(() => undefined); // handled by the mock once it asks; not an unhandled rejection meanwhile
    await expect(startPrism(SPEC, { served: never, readyTimeoutMs: 120_000 })).rejects.toThrow(/mock: Prism did not start/);
  }, 60_000);
});

describe('a mock that cannot start says why, in one line', () => {
  test.each([
    ['a spec that is not there', () => join(tmpdir(), 'no-such-spec.yaml'), /ERESOLVER Error opening file/],
    [
      'a spec without operations',
      () => {
        const file = join(mkdtempSync(join(tmpdir(), 'prism-host-')), 'empty.json');
        writeFileSync(file, JSON.stringify({ openapi: '3.1.0', info: { title: 'x', version: '1' }, paths: {} }));
        return file;
      },
      /No operations found in the current file/,
    ],
  ])(
    '%s',
    async (_name, spec, message) => {
      const error = await startPrism(spec()).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(message);
      expect(error?.message.split('\n')).toHaveLength(1);
    },
    60_000,
  );

  test('a port already taken: EADDRINUSE (the word a start on a port of its own choosing retries on)', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    try {
      const port = (taken.address() as AddressInfo).port;
      await expect(startPrism(SPEC, { port })).rejects.toThrow(/mock: Prism did not start — .*EADDRINUSE/);
    } finally {
      taken.close();
    }
  }, 60_000);
});
