import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { CAPTURE_KEY, capturingFetch, PlainRequest, type CaptureSlot } from '../../src/client/undici-fetch.ts';
import { createTransport } from '../../src/client/transport.ts';
import { Redactor } from '../../src/base/redact.ts';
import { buildSpecModel } from '../../src/run/spec-model.ts';

const spec = await buildSpecModel('spec/salesive-account.yaml');
const listRoles = spec.operations.find((o) => o.id === 'listRoles')!;
const seen: Array<{ url: string; type: string; body: string }> = [];
const server = createServer((req: IncomingMessage, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    seen.push({ url: req.url ?? '', type: req.headers['content-type'] ?? '', body });
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
afterEach(() => void (seen.length = 0));

test('an exchange records the URL openapi-fetch sent, query serialized by its rules', async () => {
  const transport = createTransport({ baseUrl: base, timeoutMs: 5000, redactor: new Redactor() });
  const exchange = await transport.send(listRoles, { path: {}, query: { page: 2, limit: 10 }, headers: {} }, { kind: 'none' });
  expect(seen[0]!.url).toBe('/roles?page=2&limit=10');
  expect(exchange.request.url).toBe(`${base}/roles?page=2&limit=10`);
});

test('an exchange never sent (budget spent) still says where it would have gone', async () => {
  const transport = createTransport({ baseUrl: base, timeoutMs: 5000, redactor: new Redactor(), maxRequests: 0 });
  const exchange = await transport.send(listRoles, { path: {}, query: { page: 3 }, headers: {} }, { kind: 'none' });
  expect(exchange.failure?.kind).toBe('budget');
  expect(seen).toEqual([]);
  expect(exchange.request.url).toBe(`${base}/roles?page=3`);
});

test('a body openapi-fetch leaves unserialized (FormData) still goes out whole, as multipart', async () => {
  const form = new FormData();
  form.set('document', 'passport');
  const slot: CaptureSlot = {};
  const request = Object.assign(new PlainRequest(`${base}/upload`, { method: 'POST', body: form }), { [CAPTURE_KEY]: slot });
  await capturingFetch({ timeoutMs: 5000, maxBodyBytes: 1 << 20, redactor: new Redactor(), connections: 1 })(request as unknown as Request);
  expect(seen[0]!.type).toMatch(/^multipart\/form-data; boundary=/);
  expect(seen[0]!.body).toContain('name="document"');
  expect(seen[0]!.body).toContain('passport');
  expect(slot.captured?.response?.status).toBe(200);
});

test('a response whose header names or values echo a token is captured redacted; a clean one as it came', async () => {
  const token = 'app_live_Q7xY2mK9pL4s';
  const echo = createServer((req, res) => {
    if (req.url === '/echo') {
      res.setHeader('x-echo', `Bearer ${token}`);
      res.setHeader(`x-${token}`, 'seen');
    }
    res.setHeader('content-type', 'application/json');
    res.end(req.url === '/echo' ? JSON.stringify({ token }) : '{"ok":true}');
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  try {
    const fetch = capturingFetch({ timeoutMs: 5000, maxBodyBytes: 1 << 20, redactor: new Redactor([{ name: 'live', token }]), connections: 1 });
    const capture = async (path: string) => {
      const slot: CaptureSlot = {};
      await fetch(
        Object.assign(new PlainRequest(`http://127.0.0.1:${(echo.address() as AddressInfo).port}${path}`), { [CAPTURE_KEY]: slot }) as unknown as Request,
      );
      return slot.captured!.response!;
    };
    const echoed = await capture('/echo');
    expect(JSON.stringify(echoed).toLowerCase()).not.toContain('q7xy2mk9');
    expect(echoed.headers['x-echo']).toBe('Bearer <redacted:live>');
    // Node lower-cases header names: the token comes back altered in case, and is still not shown.
    expect(echoed.headers['x-<altered:live>']).toBe('seen');
    expect(echoed.text).toBe('{"token":"<redacted:live>"}');
    const clean = await capture('/clean');
    expect(clean.headers['content-type']).toBe('application/json');
    expect(clean.text).toBe('{"ok":true}');
  } finally {
    echo.close();
  }
});

test('a kept-alive connection the server drops as a request goes out is retried once, fresh; a server that always drops is a failure', async () => {
  // Answers the first request of each connection, then resets it at the next one (an idle close racing the request).
  const flaky = createNetServer((socket) => {
    let requests = 0;
    socket.on('data', () => {
      if (++requests > 1) return socket.resetAndDestroy();
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\n{}');
    });
  });
  const always = createNetServer((socket) => socket.on('data', () => socket.resetAndDestroy()));
  await Promise.all([flaky, always].map((srv) => new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))));
  const url = (srv: NetServer) => `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  try {
    const transport = createTransport({ baseUrl: url(flaky), timeoutMs: 5000, redactor: new Redactor(), concurrency: 1 });
    for (let i = 0; i < 3; i++) {
      const exchange = await transport.send(listRoles, { path: {}, query: {}, headers: {} }, { kind: 'none' });
      expect(exchange.failure, `request ${i + 1}`).toBeUndefined();
      expect(exchange.response?.status).toBe(200);
    }
    const broken = await createTransport({ baseUrl: url(always), timeoutMs: 5000, redactor: new Redactor() }).send(
      listRoles,
      { path: {}, query: {}, headers: {} },
      { kind: 'none' },
    );
    expect(broken.failure?.kind).toBe('network');
  } finally {
    flaky.close();
    always.close();
  }
});

test("a request outside the operations a shard's mock serves stops the run instead of going out", async () => {
  const transport = createTransport({ baseUrl: base, timeoutMs: 5000, redactor: new Redactor(), serves: new Set(['GET /kyc/status']) });
  await expect(transport.send(listRoles, { path: {}, query: {}, headers: {} }, { kind: 'none' })).rejects.toThrow(
    /--shard: GET \/roles was asked of a mock that serves only this shard's operations/,
  );
  expect(seen).toEqual([]);
  const served = createTransport({ baseUrl: base, timeoutMs: 5000, redactor: new Redactor(), serves: new Set([listRoles.key]) });
  expect((await served.send(listRoles, { path: {}, query: {}, headers: {} }, { kind: 'none' })).response?.status).toBe(200);
  expect(seen.map((s) => s.url)).toEqual(['/roles']);
});
