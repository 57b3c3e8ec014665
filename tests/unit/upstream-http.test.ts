import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fetchDoc, type FetchLimits } from '../../src/upstream/http.ts';
import { redirect, slow, startCopyServer, type Behaviour, type CopyServer } from '../fixtures/upstream/server.ts';

/** Short limits, generous against the server's behaviours: the slow route sleeps 2 s past a 500 ms timeout. */
const limits = (server: CopyServer, over: Partial<FetchLimits> = {}): FetchLimits => ({
  timeoutMs: 500,
  retries: 3,
  backoffMs: 5,
  maxRetryWaitMs: 30_000,
  maxRedirects: 3,
  maxBytes: 1024,
  allowedHost: new URL(server.url).host,
  ...over,
});

let flaky = 0;
const ROUTES: Record<string, Behaviour> = {
  '/ok.md': (_req, res) => res.writeHead(200, { etag: '"v1"', 'last-modified': 'Tue, 01 Dec 2026 18:00:00 GMT' }).end('# ok\n'),
  '/cached.md': (req, res) => (req.headers['if-none-match'] === '"v1"' ? res.writeHead(304, { etag: '"v1"' }).end() : res.writeHead(200).end('# fresh\n')),
  '/flaky.md': (_req, res) => (flaky++ === 0 ? res.writeHead(503, { 'retry-after': '0' }).end() : res.writeHead(200).end('# back\n')),
  '/down.md': (_req, res) => res.writeHead(500).end(),
  '/busy.md': (_req, res) => res.writeHead(429, { 'retry-after': '120' }).end(),
  '/slow.md': (_req, res, server) => slow(res, server, 2_000),
  '/big.md': (_req, res) => res.writeHead(200, { 'content-length': '4096' }).end('x'.repeat(4096)),
  '/big-chunked.md': (_req, res) => {
    res.writeHead(200);
    for (let i = 0; i < 8; i++) res.write('x'.repeat(512));
    res.end();
  },
  '/cut.md': (_req, res) => {
    res.writeHead(200, { 'content-length': '1000' });
    res.write('# half');
    setTimeout(() => res.destroy(), 20);
  },
  '/here.md': (_req, res) => redirect(res, 301, '/ok.md'),
  '/away.md': (_req, res, server) => redirect(res, 302, `${server.url.replace('127.0.0.1', 'localhost')}/ok.md`),
  '/loop.md': (_req, res) => redirect(res, 302, '/loop.md'),
  '/gone.md': (_req, res) => res.writeHead(404).end(),
  '/private.md': (_req, res) => res.writeHead(403).end(),
};

let server: CopyServer;
beforeAll(async () => {
  server = await startCopyServer({ files: false, routes: ROUTES });
});
afterAll(() => server.close());

describe('fetchDoc: every way a request can fail is one problem, never a throw', () => {
  test.each<[string, { path: string; over?: Partial<FetchLimits>; want: RegExp; status?: number }]>([
    ['404', { path: '/gone.md', want: /^answers 404 — the page is not there/, status: 404 }],
    ['403', { path: '/private.md', want: /^answers 403 — the site refuses us/, status: 403 }],
    ['slow beyond the timeout', { path: '/slow.md', want: /^no complete answer within 500 ms — .*raise --timeout$/ }],
    ['declared larger than the limit', { path: '/big.md', want: /^larger than the 1 KiB limit \(it declares 4096 bytes\)/ }],
    ['streamed past the limit', { path: '/big-chunked.md', want: /^larger than the 1 KiB limit \(its body runs past it\)/ }],
    ['connection closed mid-body', { path: '/cut.md', want: /^the connection closed before the answer was complete/ }],
    [
      'redirect to another host',
      { path: '/away.md', want: /^redirects to http:\/\/localhost:\d+\/ok\.md, outside 127\.0\.0\.1:\d+ — not followed/, status: 302 },
    ],
    ['redirect loop', { path: '/loop.md', want: /^more than 3 redirects/, status: 302 }],
    ['5xx every time', { path: '/down.md', want: /^answers 500 after 3 retries — the site is failing; try again later$/, status: 500 }],
    [
      '429 asking for longer than we wait',
      { path: '/busy.md', want: /^answers 429 and asks to wait 120 s \(more than the 30 s waited\) — try again later$/, status: 429 },
    ],
  ])('%s', async (_name, { path, over, want, status }) => {
    const got = await fetchDoc(`${server.url}${path}`, limits(server, over));
    expect(got).toMatchObject({ ok: false, url: `${server.url}${path}`, ...(status ? { status } : {}) });
    expect(got.ok ? '' : got.problem).toMatch(want);
    expect(got.ok ? '' : got.problem).not.toContain('\n');
  });

  test('nothing listening: connection refused', async () => {
    const got = await fetchDoc('http://127.0.0.1:9/x.md', limits(server, { allowedHost: '127.0.0.1:9' }));
    expect(got.ok ? '' : got.problem).toMatch(/^connection refused/);
  });
});

describe('fetchDoc: what succeeds', () => {
  test('a page, with its validators', async () => {
    const got = await fetchDoc(`${server.url}/ok.md`, limits(server));
    expect(got).toMatchObject({ ok: true, status: 200, etag: '"v1"', lastModified: 'Tue, 01 Dec 2026 18:00:00 GMT' });
    expect(got.ok && got.body.toString()).toBe('# ok\n');
  });

  test('a 503 with Retry-After is retried', async () => {
    const got = await fetchDoc(`${server.url}/flaky.md`, limits(server));
    expect(got.ok && got.body.toString()).toBe('# back\n');
    expect(server.hits.filter((h) => h.path === '/flaky.md').map((h) => h.status)).toEqual([503, 200]);
  });

  test('a redirect within the host is followed', async () => {
    const got = await fetchDoc(`${server.url}/here.md`, limits(server));
    expect(got).toMatchObject({ ok: true, url: `${server.url}/here.md`, status: 200 });
  });

  test('a known ETag costs a 304, and the validators are kept', async () => {
    const got = await fetchDoc(`${server.url}/cached.md`, limits(server), { etag: '"v1"', lastModified: 'Mon, 30 Nov 2026 00:00:00 GMT' });
    expect(got).toMatchObject({ ok: true, status: 304, etag: '"v1"', lastModified: 'Mon, 30 Nov 2026 00:00:00 GMT' });
  });
});
