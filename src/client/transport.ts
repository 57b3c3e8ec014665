import createClient, { createQuerySerializer, type Client } from 'openapi-fetch';
import type { RequestCase } from '../arbitraries/requests.ts';
import type { Operation } from '../spec/operations.ts';
import type { SecurityScheme } from '../spec/rules.ts';
import { textOf } from '../spec/text.ts';
import type { Redactor } from '../base/redact.ts';
import { CannotRunError } from '../base/errors.ts';
import type { Exchange, FailureKind } from './exchange.ts';
import { AdaptiveLimit } from './throttle.ts';
import { CAPTURE_KEY, capturingFetch, PlainRequest, type CaptureSlot } from './undici-fetch.ts';

/**
 * How a request authenticates: a token of the matrix (placed as its security scheme says), a credential placed
 * by hand (auth probes: headers and query parameters as given, shown in reports by `label` only), or none.
 */
export type Auth =
  | { kind: 'none' }
  | { kind: 'token'; name: string; token: string; scheme: SecurityScheme }
  | { kind: 'raw'; label: string; headers?: Record<string, string>; query?: Record<string, string> };

/** Where a scheme puts a credential: the header (or query parameter, cookie) and its value. */
export function placeCredential(scheme: SecurityScheme, value: string): { headers?: Record<string, string>; query?: Record<string, string> } {
  switch (scheme.kind) {
    case 'basic':
      return { headers: { Authorization: `Basic ${value.includes(':') ? Buffer.from(value).toString('base64') : value}` } };
    case 'apiKey':
      if (scheme.in === 'query') return { query: { [scheme.paramName!]: value } };
      if (scheme.in === 'cookie') return { headers: { Cookie: `${scheme.paramName}=${value}` } };
      return { headers: { [scheme.paramName!]: value } };
    default:
      return { headers: { Authorization: `Bearer ${value}` } };
  }
}

export interface TransportOptions {
  baseUrl: string;
  timeoutMs: number;
  /** A body larger than this is not read to the end (a hostile or broken server must not exhaust memory). */
  maxBodyBytes?: number;
  redactor: Redactor;
  /** Requests in flight at once (a live sandbox is shared); lowered for the rest of the run when the server throttles. */
  concurrency?: number;
  /** Requests this transport may send in all, retries included; past it, exchanges fail as `budget`. */
  maxRequests?: number;
  /** 429s waited out per request before the 429 itself is the answer. */
  maxRetries?: number;
  /** A Retry-After longer than this is not waited for. */
  maxRetryWaitMs?: number;
  /**
   * The run's time budget: from `at` (epoch ms) on nothing more is sent (what is in flight finishes); `label` is how
   * the budget is named in reports ("15m").
   */
  deadline?: { at: number; label: string };
  /** Timeouts or connection failures in a row after which an operation's further requests are not sent (default 2). */
  breakAfter?: number;
  /**
   * The operations the target serves, when it serves only some (a shard's mock): a request to another is the suite's
   * mistake, and stops the run rather than come back as a 404 judged as the server's.
   */
  serves?: ReadonlySet<string>;
  /** The fetch under openapi-fetch (default: capturingFetch over undici); a test gives one that never settles. */
  fetch?: typeof globalThis.fetch;
}

/** What the run's traffic looked like, for the reports: per operation, and how the server throttled. */
export interface TransportStats {
  sent: number;
  operations: Record<string, { sent: number; notSent: number; open?: { kind: 'timeout' | 'network'; after: number } }>;
  /** Set once the time budget stopped a request. */
  deadlineHit?: string;
  /**
   * The HTTP answers, how many were 2xx, how many 404, and how many of those came from a route that exists whatever the data: an
   * operation with no path parameter that documents no 404. Every answer a 404, some of them there, is a base URL
   * that misses the API, not a server breaking its contract (see verdictOf).
   */
  answers: { total: number; success: number; notFound: number; notFoundOnFixedRoutes: number };
  throttle?: { answered429: number; concurrency: number; lowest: number; final: number; allowedPerSecond?: number };
}

export interface Transport {
  /** Requests sent so far (retries included). */
  readonly sent: number;
  send(op: Operation, request: RequestCase, auth: Auth, extraHeaders?: Record<string, string>): Promise<Exchange>;
  stats(): TransportStats;
}

const DEFAULT_MAX_BODY = 5 * 1024 * 1024;

/**
 * Sends generated requests through a typed openapi-fetch client and captures each exchange (see
 * capturingFetch: size-capped, parsed, redacted, redirects not followed), so a non-JSON or truncated body is data
 * for the checks, not a crash, and an undocumented 3xx is seen as such.
 */
export function createTransport<Paths extends object>(options: TransportOptions): Transport {
  const client: Client<Paths> = createClient<Paths>({
    baseUrl: options.baseUrl,
    fetch:
      options.fetch ??
      capturingFetch({
        timeoutMs: options.timeoutMs,
        maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY,
        redactor: options.redactor,
        connections: options.concurrency ?? 4,
      }),
    Request: PlainRequest as unknown as typeof Request,
    // openapi-fetch's default query serializer, made once: left to itself it builds a new one on every call.
    querySerializer: createQuerySerializer(),
  });
  const request = client.request as unknown as (method: string, path: string, init: Record<string, unknown>) => Promise<{ response: Response }>;
  const limit = new AdaptiveLimit(options.concurrency ?? 4);
  const maxRequests = options.maxRequests ?? Number.POSITIVE_INFINITY;
  const maxRetries = options.maxRetries ?? 3;
  const maxWait = options.maxRetryWaitMs ?? 30_000;
  const breakAfter = options.breakAfter ?? 2;
  let sent = 0;
  const answers = { total: 0, success: 0, notFound: 0, notFoundOnFixedRoutes: 0 };
  let deadlineHit: string | undefined;
  // Every wait of the transport (for a slot, for its siblings in flight) ends when the time budget runs out, and a
  // request still in flight then is given up one request timeout later: whatever lies under the transport — a pool
  // that never hands out a connection, a promise that never settles — a run cannot outlive its budget by more.
  const budgetOut = options.deadline ? timeUp(options.deadline.at) : undefined;
  const inFlightOut = options.deadline ? timeUp(options.deadline.at + options.timeoutMs) : undefined;
  /** Per operation: requests sent, not sent, failures in a row, and whether its circuit is open. */
  const ops = new Map<string, OperationState>();
  const opState = (key: string) => {
    let o = ops.get(key);
    if (!o) ops.set(key, (o = { sent: 0, notSent: 0, failing: 0, inFlight: 0, waiting: [] }));
    return o;
  };

  /**
   * After a timeout or connection failure, an operation's next request waits for those of its requests still in
   * flight: sent together, they tend to fail together, and the circuit is then open before one more is sent.
   */
  async function settled(o: OperationState): Promise<void> {
    while (o.failing > 0 && o.inFlight > 0 && !o.open) if ((await beforeBudgetOut(new Promise<void>((r) => o.waiting.push(r)))) === OUT) return;
  }

  /** What `work` settles with, or OUT if the time budget runs out first (no budget: `work` itself). */
  function beforeBudgetOut<T>(work: Promise<T>): Promise<T | typeof OUT> {
    return budgetOut ? Promise.race([work, budgetOut]) : work;
  }

  /** A slot, granted at the instant returned; OUT when the time budget ran out first (the slot, granted later, is given back). */
  async function grant(): Promise<number | typeof OUT> {
    const granted = limit.acquire();
    const first = await beforeBudgetOut(granted);
    if (first === OUT) void granted.then(() => limit.release());
    return first;
  }

  /** The attempt's exchange; if nothing under it settled one request timeout past the time budget, it is given up. */
  async function cutAtDeadline(attempt: Promise<Exchange>, shown: Exchange['request']): Promise<Exchange> {
    const started = performance.now();
    const first = inFlightOut ? await Promise.race([attempt, inFlightOut]) : await attempt;
    if (first !== OUT) return first;
    const { message } = budgetRanOut();
    return { request: shown, failure: { kind: 'deadline', message: `${message} (a request in flight was given up)` }, ms: performance.now() - started };
  }

  function budgetRanOut(): { kind: FailureKind; message: string } {
    deadlineHit = `the time budget (${options.deadline!.label}) ran out`;
    return { kind: 'deadline', message: deadlineHit };
  }

  /** Why this request may not go out now, if it may not: budget spent, time budget out, circuit open. */
  function refusal(op: Operation): { kind: FailureKind; message: string } | undefined {
    if (sent >= maxRequests) return { kind: 'budget', message: `the request budget (CONTRACT_MAX_REQUESTS=${maxRequests}) was spent` };
    if (options.deadline && Date.now() >= options.deadline.at) return budgetRanOut();
    const open = ops.get(op.key)?.open;
    if (open)
      return {
        kind: 'circuit-open',
        message: `${op.key} was not asked again after ${open.after} ${open.kind === 'timeout' ? 'timeouts' : 'connection failures'} in a row (circuit breaker)`,
      };
    return undefined;
  }

  /** A failure that says the operation does not answer: two in a row, and the rest of its requests are not sent. */
  function tally(op: Operation, exchange: Exchange): void {
    const o = opState(op.key);
    const kind = exchange.failure?.kind;
    if (kind === 'timeout' || kind === 'network') {
      if (++o.failing >= breakAfter && !o.open) o.open = { kind, after: o.failing };
    } else if (exchange.response) o.failing = 0;
    if (exchange.response) {
      answers.total++;
      if (exchange.response.status >= 200 && exchange.response.status < 300) answers.success++;
      if (exchange.response.status === 404) {
        answers.notFound++;
        if (fixedRoute(op)) answers.notFoundOnFixedRoutes++;
      }
    }
  }

  /**
   * One request, slot, budget, deadline and circuit permitting; a 429 is waited out per Retry-After (bounded, the
   * slot given back meanwhile) and counted, never judged on its own — and it halves the requests in flight.
   */
  async function sendWithRetries(op: Operation, attempt: () => Promise<Exchange>, shown: Exchange['request']): Promise<Exchange> {
    let rateLimited = 0;
    const o = opState(op.key);
    for (;;) {
      if (o.failing > 0) await settled(o);
      const grantedAt = await grant();
      const notSentFor = (failure: { kind: FailureKind; message: string }): Exchange => {
        o.notSent++;
        return { request: shown, failure, ms: 0, ...(rateLimited ? { rateLimited } : {}) };
      };
      if (grantedAt === OUT) return notSentFor(budgetRanOut());
      // Refused before the wait for siblings below: past the time budget that wait could go round for ever.
      const refused = refusal(op);
      if (refused || (o.failing > 0 && o.inFlight > 0 && !o.open)) {
        limit.release();
        if (refused) return notSentFor(refused);
        continue;
      }
      let exchange: Exchange;
      try {
        sent++;
        o.sent++;
        o.inFlight++;
        try {
          exchange = await cutAtDeadline(attempt(), shown);
        } finally {
          o.inFlight--;
        }
        tally(op, exchange);
        if (exchange.response?.status === 429) limit.throttle(grantedAt);
        else if (exchange.response) limit.answered();
      } finally {
        limit.release();
        for (const wake of o.waiting.splice(0)) wake();
      }
      const wait = exchange.response?.status === 429 ? retryAfterMs(exchange.response.headers['retry-after']) : undefined;
      if (wait !== undefined && options.deadline && Date.now() + wait >= options.deadline.at && rateLimited < maxRetries && wait <= maxWait) {
        // The retry would come after the time budget: it is not sent, and the rule it was for is not reached.
        deadlineHit = `the time budget (${options.deadline.label}) ran out`;
        o.notSent++;
        return { request: exchange.request, failure: { kind: 'deadline', message: deadlineHit }, ms: exchange.ms, rateLimited: rateLimited + 1 };
      }
      if (wait === undefined || rateLimited >= maxRetries || wait > maxWait) return rateLimited ? { ...exchange, rateLimited } : exchange;
      rateLimited++;
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  return {
    get sent() {
      return sent;
    },
    send: (op, c, auth, extraHeaders = {}) => {
      // By what goes out (a scenario may send another method on an operation's path), not by the operation's name.
      if (options.serves && !options.serves.has(`${op.method.toUpperCase()} ${op.path}`))
        return Promise.reject(
          new CannotRunError(
            `--shard: ${op.method.toUpperCase()} ${op.path} was asked of a mock that serves only this shard's operations — a defect of the suite (src/run/shard.ts); run without --shard meanwhile`,
          ),
        );
      return sendOnce(op, c, auth, extraHeaders);
    },
    stats: () => {
      const operations: TransportStats['operations'] = {};
      for (const [key, o] of ops) operations[key] = { sent: o.sent, notSent: o.notSent, ...(o.open ? { open: o.open } : {}) };
      const allowed = limit.allowedPerSecond();
      return {
        sent,
        operations,
        answers: { ...answers },
        ...(deadlineHit ? { deadlineHit } : {}),
        ...(limit.throttled
          ? {
              throttle: {
                answered429: limit.throttled,
                concurrency: limit.max,
                lowest: limit.lowest,
                final: limit.current,
                ...(allowed !== undefined ? { allowedPerSecond: allowed } : {}),
              },
            }
          : {}),
      };
    },
  };

  async function sendOnce(op: Operation, given: RequestCase, auth: Auth, extraHeaders: Record<string, string>): Promise<Exchange> {
    const placed = auth.kind === 'token' ? placeCredential(auth.scheme, auth.token) : auth.kind === 'raw' ? auth : {};
    const c = placed.query ? { ...given, query: { ...given.query, ...placed.query } } : given;
    const headers: Record<string, string> = { ...c.headers, ...extraHeaders, ...placed.headers };
    const shown = { ...headers };
    // The record shows which credential went where, never its value (reports still pass it through the Redactor).
    if (auth.kind === 'token') for (const [k, v] of Object.entries(placeCredential(auth.scheme, `<redacted:${auth.name}>`).headers ?? {})) shown[k] = v;
    // A probe's own credential is made up (printed as sent, so curl replays it); a matrix token placed wrongly on
    // purpose is redacted like any other.
    if (auth.kind === 'raw') for (const [k, v] of Object.entries(auth.headers ?? {})) shown[k] = options.redactor.text(v);
    // Built here from generated values and the token's label, so it never holds a token value; reports still
    // pass everything through the Redactor once more.
    const record = {
      operation: op.key,
      method: op.method.toUpperCase(),
      url: '', // what went out, as openapi-fetch built it (attemptOnce)
      headers: shown,
      ...(c.rawBody !== undefined ? { rawBody: c.rawBody } : c.body !== undefined ? { body: c.body } : {}),
    };
    const exchange = await sendWithRetries(op, () => attemptOnce(op, c, headers, record), record);
    // Nothing went out (budget or time spent, circuit open, or the request could not even be built): where it would have gone.
    record.url ||= options.redactor.text(resolveUrl(options.baseUrl, op.path, c));
    return auth.kind === 'token' ? { ...exchange, token: auth.name } : exchange;
  }

  async function attemptOnce(op: Operation, c: RequestCase, headers: Record<string, string>, record: Exchange['request']): Promise<Exchange> {
    const started = performance.now();
    const slot: CaptureSlot = {};
    try {
      await request(op.method.toUpperCase(), op.path, {
        params: { path: c.path, query: c.query },
        // A raw body goes out as it is (malformed-request probes); anything else openapi-fetch serializes.
        ...(c.rawBody !== undefined ? { body: c.rawBody, bodySerializer: (raw: string) => raw } : c.body !== undefined ? { body: c.body } : {}),
        headers,
        parseAs: 'text',
        [CAPTURE_KEY]: slot,
      });
    } catch (error) {
      // The fetch captures every failure of the network or the server; what is thrown is the request as we built it
      // (a URL, header or body openapi-fetch, WHATWG Headers or undici refused): nothing went out, and the server is
      // not blamed for the run's own configuration.
      throw notSendable(op, error, options.redactor);
    }
    if (slot.url) record.url = options.redactor.text(slot.url);
    return { request: record, ...(slot.captured ?? { failure: { kind: 'network', message: 'no response captured' } }), ms: performance.now() - started };
  }
}

/** The run stops (exit 2) naming what could not be sent and why, redacted (a header's value may hold a token). */
function notSendable(op: Operation, error: unknown, redactor: Redactor): CannotRunError {
  const e = error as { code?: string; message?: string } | null;
  const why = [e?.code, e?.message ?? String(error)].filter(Boolean).join(': ');
  return new CannotRunError(
    redactor.text(
      `${op.method.toUpperCase()} ${op.path}: the request could not be sent as built — ${why}. Nothing went out: a URL or header from the configuration (CONTRACT_BASE_URL, the token matrix) or the spec cannot go on the wire`,
    ),
  );
}

const OUT = Symbol('the time budget ran out');
/** Settles with OUT at epoch ms `at`, re-armed while early (a timer waits at most ~24.8 days); never keeps the process alive. */
function timeUp(at: number): Promise<typeof OUT> {
  return new Promise((resolve) => {
    const arm = () => {
      const left = at - Date.now();
      if (left <= 0) resolve(OUT);
      else setTimeout(arm, Math.min(left, 2 ** 31 - 1)).unref();
    };
    arm();
  });
}

interface OperationState {
  sent: number;
  notSent: number;
  /** Timeouts or connection failures in a row (any answer resets it). */
  failing: number;
  inFlight: number;
  /** Requests waiting for the ones in flight to settle (see `settled`). */
  waiting: Array<() => void>;
  open?: { kind: 'timeout' | 'network'; after: number };
}

/** The URL a request would go to, for a request that never went out (openapi-fetch builds the real one). */
export function resolveUrl(baseUrl: string, path: string, c: RequestCase): string {
  // An array value as its items joined by commas (the simple style), as String wrote it.
  const text = (v: unknown) => (Array.isArray(v) ? v.map(textOf).join(',') : textOf(v));
  const filled = path.includes('{') ? path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(text(c.path[name]))) : path;
  let hasQuery = false;
  for (const k in c.query) if (c.query[k] !== undefined) hasQuery = true;
  if (!hasQuery) return `${baseUrl}${filled}`;
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(c.query)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) query.append(k, typeof item === 'object' ? JSON.stringify(item) : String(item));
  }
  const qs = query.toString();
  return `${baseUrl}${filled}${qs ? `?${qs}` : ''}`;
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3); absent or unreadable: one second. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number {
  if (header === undefined || header.trim() === '') return 1000;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? 1000 : Math.max(0, date - now);
}

/** A route that exists whatever records the server holds: no path parameter, and no 404 among its documented answers. */
function fixedRoute(op: Operation): boolean {
  return !op.parameters.some((p) => p.in === 'path') && !op.responses.has('404') && !op.responses.has('4XX');
}
