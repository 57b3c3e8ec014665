import fc from 'fast-check';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import type { paths } from '../generated/salesive-account.ts';
import { LIVE_RUNS, readSettings } from '../src/config/env.ts';
import { createContext, tokenAuth } from '../src/run/context.ts';
import type { Violation } from '../src/checks/types.ts';
import { buildSpecModel } from '../src/run/spec-model.ts';
import { keyOf } from '../src/run/property.ts';
import createClient, { createQuerySerializer } from 'openapi-fetch';
import { PlainRequest } from '../src/client/undici-fetch.ts';
import { responsesProperty, type Probe } from '../src/run/scenarios/responses.ts';

const TOKEN = { name: 'bench', token: 'app_bench_token_0001', scheme: 'AppToken', scopes: ['READ_KYC', 'WRITE_KYC'], store: 'a', values: {} };
// Every answer differs (a counter in the session id and the message), as a live server's do: a remembered
// judgement (the verdict cache) cannot stand in for judging, so the suite's figure is the full path's.
const status = (n: number) =>
  JSON.stringify({
    status: 200,
    success: true,
    message: `KYC status retrieved (${n})`,
    data: {
      status: 'pending',
      sessionId: `sess_${n}`,
      sessionUrl: `https://verify.example/s/${n}`,
      submittedAt: '2026-06-20T10:00:00.000Z',
      verifiedAt: null,
      declinedAt: null,
    },
  });
const refresh = (n: number) => JSON.stringify({ status: 200, success: true, message: `KYC status refreshed (${n})`, data: { status: 'in_review' } });
const BARE_HEADERS = new Headers({ 'content-length': '0' });
const STATUS = status(1);
const REFRESH = refresh(1);

/**
 * A server that costs next to nothing, so the comparison measures the clients; `latencyMs` holds each answer
 * back that long without using CPU, as a real server's work and network would. `varied`: every body differs.
 */
async function tinyServer(latencyMs = 0, varied = true): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = createServer((req, res) => {
    received++;
    req.resume();
    req.on('end', () => {
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(req.method === 'POST' ? (varied ? refresh(received) : REFRESH) : varied ? status(received) : STATUS);
      };
      if (latencyMs) setTimeout(answer, latencyMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface OverheadResult {
  requests: number;
  concurrency: number;
  /** Timed rounds of each (after one warm-up of each); the figures are medians. */
  rounds: number;
  /** How long the server held each answer back. */
  latencyMs: number;
  /** Whether every body differed (true) or the server repeated two bodies (a static mock's case). */
  varied: boolean;
  rawMs: number;
  /** The suite with the verdict cache (what a run uses) … */
  suiteMs: number;
  ratio: number;
  /** … and without it: every response judged afresh. */
  uncachedMs: number;
  uncachedRatio: number;
  /** The request path alone: the same requests sent through the suite's transport, nothing judged. */
  sendMs: number;
  sendRatio: number;
  /** The libraries alone on the wire: the same draws, keys and openapi-fetch calls over a bare fetch, nothing of the engine's. */
  librariesMs: number;
  librariesRatio: number;
}

/**
 * The same N requests (half GET /kyc/status, half POST /kyc/refresh) to the same in-process server: once as a
 * raw keep-alive undici loop that only parses the JSON, through the suite's whole path — generation, typed
 * client, exchange capture and every response check — with and without the verdict cache, and through the request
 * path alone (the same requests sent by the same transport, nothing judged) and through the libraries alone
 * (the same draws and openapi-fetch calls over a bare fetch: the lowest an engine built on them can go).
 */
export async function measureOverhead(requests: number, concurrency: number, rounds = 5, latencyMs = 0, varied = true): Promise<OverheadResult> {
  const server = await tinyServer(latencyMs, varied);
  try {
    const pool = new Pool(server.url, { connections: concurrency, pipelining: 1 });
    const raw = async () => {
      let next = 0;
      const t = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < requests) {
            const post = next++ % 2 === 1;
            const r = await pool.request(
              post
                ? {
                    method: 'POST',
                    path: '/kyc/refresh',
                    headers: { authorization: `Bearer ${TOKEN.token}`, 'content-type': 'application/json' },
                    body: '{"sessionId":"sess_1"}',
                  }
                : { method: 'GET', path: '/kyc/status', headers: { authorization: `Bearer ${TOKEN.token}` } },
            );
            JSON.parse(await r.body.text());
          }
        }),
      );
      return performance.now() - t;
    };
    const spec = await buildSpecModel('spec/salesive-account.yaml');
    const settings = { ...readSettings({}), runs: LIVE_RUNS, concurrency, maxRequests: Number.MAX_SAFE_INTEGER };
    // The responses scenario's own arbitrary and probe, driven over exactly N values: a real run sends each
    // distinct request once, and GET /kyc/status has no inputs — it would collapse to one request.
    const path = async (verdictCache: boolean) => {
      const ctx = createContext<paths>({ spec, target: { kind: 'live', baseUrl: server.url }, settings, runSeed: 1, tokens: [TOKEN], verdictCache });
      return Promise.all(
        ['getKycStatus', 'refreshKycStatus'].map((id) =>
          responsesProperty(
            ctx,
            spec.operations.find((o) => o.id === id)!,
          ),
        ),
      );
    };
    const [cachedPath, uncachedPath] = [await path(true), await path(false)];
    // As checkProperty probes them: each value keyed (its dedup key, kept here without dropping repeats so that
    // exactly N go out), in batches of a live run's runs per property — a run never has more requests waiting for
    // a slot than one batch — or one after another when one request is in flight (fast-check's own loop).
    const batched = async <T>(built: typeof cachedPath, each: (value: T, index: number) => Promise<Violation[]>) => {
      const t = performance.now();
      const keys = new Set<string>();
      const check = (found: Violation[][]) => {
        const error = found.flat().find((v) => v.severity === 'error');
        if (error) throw new Error(`bench server broke the contract: ${error.check}`);
      };
      for (const [index, b] of built.entries()) {
        if ('skip' in b) throw new Error(b.skip);
        const values = fc.sample(b.arbitrary, { seed: 1, numRuns: requests / 2 }) as T[];
        for (let i = 0; i < values.length; i += settings.runs) {
          const batch = values.slice(i, i + settings.runs);
          for (const v of batch) keys.add(keyOf(v));
          if (concurrency > 1) check(await Promise.all(batch.map((v) => each(v, index))));
          else for (const v of batch) check([await each(v, index)]);
        }
      }
      return performance.now() - t;
    };
    const through = (built: typeof cachedPath) => () =>
      batched<Probe[]>(built, (v, i) => (built[i] as { probe: (v: Probe[]) => Promise<Violation[]> }).probe(v));
    // The same requests through the same transport, nothing judged: how much of the gap is the request path
    // (generation, openapi-fetch, capture) and how much is judging.
    const sendCtx = createContext<paths>({ spec, target: { kind: 'live', baseUrl: server.url }, settings, runSeed: 1, tokens: [TOKEN], verdictCache: false });
    const auth = tokenAuth(sendCtx, TOKEN);
    const ops = ['getKycStatus', 'refreshKycStatus'].map((id) => spec.operations.find((o) => o.id === id)!);
    const sendOnly = () =>
      batched<Probe[]>(uncachedPath, async (probes, i) => {
        for (const p of probes) await sendCtx.transport.send(ops[i]!, p.request, auth);
        return [];
      });
    // The request path with nothing of ours but the value's key: the same draws and the same openapi-fetch call,
    // handed a bare fetch on a pool like the raw loop's that parses the body and returns. No timer, budget,
    // circuit, size cap, redaction or capture; nothing judged. What is left above it is the engine's whole share.
    const bare = new Pool(server.url, { connections: concurrency, pipelining: 1 });
    const bareFetch = async (input: PlainRequest) => {
      const headers: Record<string, string> = {};
      input.headers.forEach((value, key) => (headers[key] = value));
      const r = await bare.request({
        method: input.method,
        path: input.url.slice(server.url.length),
        headers,
        ...(typeof input.body === 'string' ? { body: input.body } : {}),
      });
      JSON.parse(await r.body.text());
      return { status: r.statusCode, ok: r.statusCode < 300, headers: BARE_HEADERS } as unknown as Response;
    };
    const libraries = createClient<paths>({
      baseUrl: server.url,
      fetch: bareFetch as unknown as typeof fetch,
      Request: PlainRequest as unknown as typeof Request,
      querySerializer: createQuerySerializer(),
    });
    const libraryCall = libraries.request as unknown as (method: string, path: string, init: Record<string, unknown>) => Promise<unknown>;
    const librariesOnly = () =>
      batched<Probe[]>(uncachedPath, async (probes, i) => {
        for (const { request } of probes)
          await libraryCall(ops[i]!.method.toUpperCase(), ops[i]!.path, {
            params: { path: request.path, query: request.query },
            ...(request.body !== undefined ? { body: request.body } : {}),
            headers: { Authorization: `Bearer ${TOKEN.token}` },
            parseAs: 'stream',
          });
        return [];
      });
    const timed = async (phase: () => Promise<number>) => {
      const before = server.received();
      const ms = await phase();
      if (server.received() - before !== requests) throw new Error(`a phase sent ${server.received() - before} requests, not ${requests}`);
      return ms;
    };
    const suite = through(cachedPath);
    const uncached = through(uncachedPath);
    await timed(raw); // warm every path (JIT, connections)
    await timed(suite);
    await timed(uncached);
    await timed(sendOnly);
    await timed(librariesOnly);
    // Alternate them, several rounds, and take each one's median: on a shared 2-core machine a single pair
    // of timings swung the ratio by ±30 %.
    const rawRuns: number[] = [];
    const suiteRuns: number[] = [];
    const uncachedRuns: number[] = [];
    const sendRuns: number[] = [];
    const libraryRuns: number[] = [];
    // Each round starts with the next phase: a phase run right after another was measured faster (the cached
    // path, always second, seemed slower than the uncached one, always third), so no phase keeps one place.
    const phases: Array<[() => Promise<number>, number[]]> = [
      [raw, rawRuns],
      [suite, suiteRuns],
      [uncached, uncachedRuns],
      [sendOnly, sendRuns],
      [librariesOnly, libraryRuns],
    ];
    for (let i = 0; i < rounds; i++) {
      for (let j = 0; j < phases.length; j++) {
        const [phase, runs] = phases[(i + j) % phases.length]!;
        runs.push(await timed(phase));
      }
    }
    await pool.close();
    await bare.close();
    // BENCH_VERBOSE=1: every round, to see the spread behind the medians.
    if (process.env['BENCH_VERBOSE'])
      console.error(
        JSON.stringify({
          concurrency,
          varied,
          rawRuns: rawRuns.map(Math.round),
          suiteRuns: suiteRuns.map(Math.round),
          uncachedRuns: uncachedRuns.map(Math.round),
          sendRuns: sendRuns.map(Math.round),
          libraryRuns: libraryRuns.map(Math.round),
        }),
      );
    const rawMs = median(rawRuns);
    const suiteMs = median(suiteRuns);
    const uncachedMs = median(uncachedRuns);
    const sendMs = median(sendRuns);
    const librariesMs = median(libraryRuns);
    return {
      requests,
      concurrency,
      rounds,
      latencyMs,
      varied,
      rawMs,
      suiteMs,
      ratio: suiteMs / rawMs,
      uncachedMs,
      uncachedRatio: uncachedMs / rawMs,
      sendMs,
      sendRatio: sendMs / rawMs,
      librariesMs,
      librariesRatio: librariesMs / rawMs,
    };
  } finally {
    await server.close();
  }
}

export interface FloorResult {
  /** µs per request, each piece alone, averaged over the same GET/POST mix. */
  generateUs: number;
  openapiFetchUs: number;
  validateUs: number;
}

/**
 * What the libraries the suite is built on cost per request on their own, with no network: fast-check drawing
 * the request, openapi-fetch building it (handed a fetch that returns at once), Ajv validating the response.
 * Set against the raw loop's µs per request, this is the overhead no engine code of ours can remove.
 */
export async function measureFloor(requests: number): Promise<FloorResult> {
  const spec = await buildSpecModel('spec/salesive-account.yaml');
  const ctx = createContext<paths>({ spec, target: { kind: 'live', baseUrl: 'http://127.0.0.1:9' }, settings: readSettings({}), runSeed: 1, tokens: [TOKEN] });
  const done = { status: 200, ok: true, headers: new Headers({ 'content-length': '0' }) } as unknown as Response;
  const client = createClient<paths>({ baseUrl: 'http://127.0.0.1:9', fetch: () => Promise.resolve(done), Request: PlainRequest as unknown as typeof Request });
  const call = client.request as unknown as (method: string, path: string, init: Record<string, unknown>) => Promise<unknown>;
  const totals = { generateUs: 0, openapiFetchUs: 0, validateUs: 0 };
  for (const [id, body] of [
    ['getKycStatus', STATUS],
    ['refreshKycStatus', REFRESH],
  ] as const) {
    const op = spec.operations.find((o) => o.id === id)!;
    const built = await responsesProperty(ctx, op);
    if ('skip' in built) throw new Error(built.skip);
    const n = requests / 2;
    const pointer = op.responses.get('200')!.schemaPointer!;
    const parsed = JSON.parse(body) as unknown;
    for (let round = 0; round < 2; round++) {
      // round 0 warms the JIT; round 1 is measured
      let t = performance.now();
      const values = fc.sample(built.arbitrary, { seed: 1, numRuns: n });
      const generate = performance.now() - t;
      t = performance.now();
      for (const [probe] of values) {
        const { request } = probe!;
        await call(op.method.toUpperCase(), op.path, {
          params: { path: request.path, query: request.query },
          ...(request.body !== undefined ? { body: request.body } : {}),
          headers: { Authorization: `Bearer ${TOKEN.token}` },
          parseAs: 'text',
        });
      }
      const openapiFetch = performance.now() - t;
      t = performance.now();
      for (let i = 0; i < n; i++) spec.validators.validate(pointer, parsed);
      const validate = performance.now() - t;
      if (round === 1) {
        totals.generateUs += (generate * 1000) / requests;
        totals.openapiFetchUs += (openapiFetch * 1000) / requests;
        totals.validateUs += (validate * 1000) / requests;
      }
    }
  }
  return totals;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 20000);
  const r = await measureOverhead(n, Number(process.argv[3] ?? 1), Number(process.argv[4] ?? 5), Number(process.argv[5] ?? 0), process.argv[6] !== 'repeated');
  console.log(JSON.stringify({ ...r, floor: await measureFloor(n) }));
}
