import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import type { paths } from '../generated/salesive-account.ts';
import { readSettings } from '../src/config/env.ts';
import { buildSpecModel, createContext } from '../src/run/context.ts';
import { checkResponses } from '../src/run/scenarios/responses.ts';

const TOKEN = { name: 'bench', token: 'app_bench_token_0001', scopes: ['READ_KYC', 'WRITE_KYC'], store: 'a' };
const STATUS = JSON.stringify({ status: 200, success: true, message: 'KYC status retrieved', data: { status: 'pending', sessionId: 'sess_1', sessionUrl: 'https://verify.example/s/1', submittedAt: '2026-06-20T10:00:00.000Z', verifiedAt: null, declinedAt: null } });
const REFRESH = JSON.stringify({ status: 200, success: true, message: 'KYC status refreshed', data: { status: 'in_review' } });

/** A server that costs next to nothing, so the comparison measures the clients. */
async function tinyServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.method === 'POST' ? REFRESH : STATUS);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

export interface OverheadResult {
  requests: number;
  concurrency: number;
  rawMs: number;
  suiteMs: number;
  ratio: number;
}

/**
 * The same N requests (half GET /kyc/status, half POST /kyc/refresh) to the same in-process server: once as a
 * raw keep-alive undici loop that only parses the JSON, once through the suite's whole path — generation, typed
 * client, exchange capture and every response check.
 */
export async function measureOverhead(requests: number, concurrency: number): Promise<OverheadResult> {
  const server = await tinyServer();
  try {
    const pool = new Pool(server.url, { connections: concurrency, pipelining: 1 });
    const raw = async () => {
      let next = 0;
      const t = performance.now();
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < requests) {
          const post = next++ % 2 === 1;
          const r = await pool.request(post
            ? { method: 'POST', path: '/kyc/refresh', headers: { authorization: `Bearer ${TOKEN.token}`, 'content-type': 'application/json' }, body: '{"sessionId":"sess_1"}' }
            : { method: 'GET', path: '/kyc/status', headers: { authorization: `Bearer ${TOKEN.token}` } });
          JSON.parse(await r.body.text());
        }
      }));
      return performance.now() - t;
    };
    const spec = await buildSpecModel('spec/salesive-account.yaml');
    const settings = { ...readSettings({}), runs: requests / 2, concurrency, maxRequests: Number.MAX_SAFE_INTEGER };
    const ctx = createContext<paths>({ spec, target: { kind: 'live', baseUrl: server.url }, settings, runSeed: 1, tokens: [TOKEN] });
    const ops = ['getKycStatus', 'refreshKycStatus'].map((id) => spec.operations.find((o) => o.id === id)!);
    const suite = async () => {
      const t = performance.now();
      for (const op of ops) {
        const result = await checkResponses(ctx, op, `bench ${op.id}`);
        if (result.errors.length) throw new Error(`bench server broke the contract: ${result.errors[0]!.check}`);
      }
      return performance.now() - t;
    };
    await raw(); // warm both paths (JIT, connections)
    await suite();
    const rawMs = await raw();
    const suiteMs = await suite();
    await pool.close();
    return { requests, concurrency, rawMs, suiteMs, ratio: suiteMs / rawMs };
  } finally {
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 20000);
  const r = await measureOverhead(n, Number(process.argv[3] ?? 1));
  console.log(JSON.stringify(r));
}
