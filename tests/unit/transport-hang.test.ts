import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, afterEach, expect, test, vi } from 'vitest';
import { CAPTURE_KEY, capturingFetch, PlainRequest, type CaptureSlot } from '../../src/client/undici-fetch.ts';
import { createTransport, type Transport } from '../../src/client/transport.ts';
import type { Exchange } from '../../src/client/exchange.ts';
import { Redactor } from '../../src/base/redact.ts';
import { buildSpecModel } from '../../src/run/spec-model.ts';

// A run must never hang, and a request that fails because of how we built it is not the server's failure. Every
// test here would hang without what it guards: each is bounded by vitest's test timeout (or, under fake timers,
// checks what settled after the clock was moved) so that it fails instead.

const spec = await buildSpecModel('spec/salesive-account.yaml');
const op = (id: string) => spec.operations.find((o) => o.id === id)!;
const listRoles = op('listRoles');
const listDomains = op('listDomains');
const none = { path: {}, query: {}, headers: {} };

let hits = 0;
const paths: string[] = [];
const server = createServer((req, res) => {
  hits++;
  paths.push(req.url ?? '');
  res.setHeader('content-type', 'application/json');
  res.end('{}');
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
afterAll(() => void server.close());
afterEach(() => {
  hits = 0;
  paths.length = 0;
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const notSendable = /the request could not be sent as built/;

test('requests undici refuses as built settle as could-not-run, and do not leave its pool unusable for the valid ones after', { timeout: 15_000 }, async () => {
  // undici will not send a Keep-Alive header: it refuses the request in its pool, which (undici 7) then marks the
  // connection busy for ever. With 2 connections, two such requests left every later one queued, beyond its timeout.
  const transport = createTransport({ baseUrl: base, timeoutMs: 60_000, redactor: new Redactor(), concurrency: 2 });
  for (const o of [listRoles, listDomains, listRoles])
    await expect(transport.send(o, none, { kind: 'none' }, { 'keep-alive': 'timeout=5' })).rejects.toMatchObject({
      name: 'CannotRunError',
      message: expect.stringMatching(/GET \/(roles|domains): the request could not be sent as built — UND_ERR_INVALID_ARG: invalid keep-alive header/),
    });
  expect(hits).toBe(0);
  const valid = await Promise.all([transport.send(listRoles, none, { kind: 'none' }), transport.send(listDomains, none, { kind: 'none' })]);
  expect(valid.map((e) => e.response?.status)).toEqual([200, 200]);
  // Nothing was blamed on the server: no connection failure counted, no circuit opened.
  expect(Object.values(transport.stats().operations).some((o) => o.open)).toBe(false);
});

test.each([
  ['throws synchronously', () => thrower()],
  ['rejects', () => Promise.reject(invalidArg())],
])('every request whose undici call %s with an invalid-argument error settles as could-not-run, never as a connection failure', async (_how, request) => {
  vi.spyOn(Agent.prototype, 'request').mockImplementation(request);
  const transport = createTransport({ baseUrl: base, timeoutMs: 60_000, redactor: new Redactor(), concurrency: 2 });
  const sends = [listRoles, listDomains, listRoles, listDomains, listRoles].map((o) => transport.send(o, none, { kind: 'none' }));
  const outcomes = await Promise.allSettled(sends);
  for (const outcome of outcomes) {
    expect(outcome.status).toBe('rejected');
    expect((outcome as PromiseRejectedResult).reason).toMatchObject({ name: 'CannotRunError', message: expect.stringMatching(notSendable) });
  }
  expect(Object.values(transport.stats().operations).some((o) => o.open)).toBe(false);
});

test('a credential WHATWG Headers refuses (a token with a line break) stops the run as could-not-run, its value not shown', async () => {
  const token = 'app_live_Q7xY2mK9pL4s\nX';
  const scheme = { name: 'AppToken', kind: 'bearer' as const, pointer: '' };
  const transport = createTransport({ baseUrl: base, timeoutMs: 60_000, redactor: new Redactor([{ name: 'broken', token }]) });
  const refused = await transport.send(listRoles, none, { kind: 'token', name: 'broken', token, scheme }).catch((e: Error) => e);
  expect(refused).toMatchObject({ name: 'CannotRunError', message: expect.stringMatching(notSendable) });
  expect((refused as Error).message).not.toContain('Q7xY2mK9');
  expect(hits).toBe(0);
});

test('a base URL carrying user:password@ is refused before anything goes out, the password not shown', async () => {
  const transport = createTransport({ baseUrl: base.replace('//', '//admin:SuperSecretPw123@'), timeoutMs: 60_000, redactor: new Redactor() });
  const refused = await transport.send(listRoles, none, { kind: 'none' }).catch((e: Error) => e);
  expect(refused).toMatchObject({ name: 'CannotRunError', message: expect.stringMatching(/user name or password/) });
  expect((refused as Error).message).not.toContain('SuperSecretPw123');
  expect(hits).toBe(0);
});

test('the request timeout settles an exchange undici never answers nor aborts (a request still queued in its pool)', { timeout: 10_000 }, async () => {
  // undici acts on the abort signal only once a request has a connection: a request it never dispatches ignores it.
  vi.spyOn(Agent.prototype, 'request').mockImplementation(() => new Promise(() => undefined) as never);
  const slot: CaptureSlot = {};
  const fetch = capturingFetch({ timeoutMs: 50, maxBodyBytes: 1 << 20, redactor: new Redactor(), connections: 1 });
  const response = await fetch(Object.assign(new PlainRequest(`${base}/roles`), { [CAPTURE_KEY]: slot }) as unknown as Request);
  expect(response.status).toBe(599);
  expect(slot.captured?.failure?.kind).toBe('timeout');
});

test("the path goes out cut after the URL's own authority, however its origin is written (a host as 0x7f.0.0.1)", async () => {
  // The origin normalizes the host (127.0.0.1, one character shorter): cut after it, the path lost its slash.
  const transport = createTransport({ baseUrl: base.replace('127.0.0.1', '0x7f.0.0.1'), timeoutMs: 60_000, redactor: new Redactor() });
  const exchange = await transport.send(listRoles, { path: {}, query: { page: 2 }, headers: {} }, { kind: 'none' });
  expect(exchange.response?.status).toBe(200);
  expect(paths).toEqual(['/roles?page=2']);
});

/** What each send settled with so far (undefined: still pending), without awaiting one that may never settle. */
function watch(sends: Array<Promise<Exchange>>): Array<Exchange | undefined> {
  const seen: Array<Exchange | undefined> = sends.map(() => undefined);
  sends.forEach((s, i) => void s.then((e) => (seen[i] = e)));
  return seen;
}

/** A transport over a fetch whose second request fails at once (599, nothing captured) and whose others never settle. */
function overHungFetch(deadlineIn: number): Transport {
  let calls = 0;
  const fetch = (() =>
    ++calls === 2
      ? Promise.resolve({ status: 599, ok: false, headers: new Headers({ 'content-length': '0' }) })
      : new Promise(() => undefined)) as unknown as typeof globalThis.fetch;
  return createTransport({
    baseUrl: base,
    timeoutMs: 5000,
    redactor: new Redactor(),
    concurrency: 2,
    fetch,
    deadline: { at: Date.now() + deadlineIn, label: '1s' },
  });
}

test('the time budget ends every send, even when the requests under the transport never settle', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const transport = overHungFetch(1000);
  // 2 in flight at most. 1st: never settles. 2nd: a connection failure while the 1st is in flight, so the 3rd waits
  // for its sibling (the circuit breaker's wait). 4th: takes the freed slot, never settles. 5th: waits for a slot.
  const seen = watch([listRoles, listRoles, listRoles, listDomains, listDomains].map((o) => transport.send(o, none, { kind: 'none' })));
  await vi.advanceTimersByTimeAsync(900);
  expect(seen.map((e) => e?.failure?.kind)).toEqual([undefined, 'network', undefined, undefined, undefined]);
  // At the budget every wait ends, not sent; the requests in flight are given up one request timeout (5 s) after it.
  await vi.advanceTimersByTimeAsync(200);
  expect(seen.map((e) => e?.failure?.kind)).toEqual([undefined, 'network', 'deadline', undefined, 'deadline']);
  await vi.advanceTimersByTimeAsync(5000);
  const givenUp = { kind: 'deadline', message: 'the time budget (1s) ran out (a request in flight was given up)' };
  expect([seen[0]?.failure, seen[3]?.failure]).toEqual([givenUp, givenUp]);
  expect(transport.stats().deadlineHit).toBe('the time budget (1s) ran out');
  // And from then on nothing waits: a send is refused at once.
  const after = watch([transport.send(listDomains, none, { kind: 'none' })]);
  await vi.advanceTimersByTimeAsync(0);
  expect(after[0]?.failure?.kind).toBe('deadline');
});

function invalidArg(): Error {
  return Object.assign(new Error('path must be an absolute URL or start with a slash'), { code: 'UND_ERR_INVALID_ARG', name: 'InvalidArgumentError' });
}

function thrower(): never {
  throw invalidArg();
}
