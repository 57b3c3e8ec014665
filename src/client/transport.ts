import createClient, { createQuerySerializer, type Client } from 'openapi-fetch';
import pLimit from 'p-limit';
import type { RequestCase } from '../arbitraries/requests.ts';
import type { Operation } from '../spec/operations.ts';
import type { SecurityScheme } from '../spec/rules.ts';
import type { Redactor } from '../redact.ts';
import type { Exchange } from './exchange.ts';
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
  /** Requests in flight at once (a live sandbox is shared). */
  concurrency?: number;
  /** Requests this transport may send in all, retries included; past it, exchanges fail as `budget`. */
  maxRequests?: number;
  /** 429s waited out per request before the 429 itself is the answer. */
  maxRetries?: number;
  /** A Retry-After longer than this is not waited for. */
  maxRetryWaitMs?: number;
}

export interface Transport {
  /** Requests sent so far (retries included). */
  readonly sent: number;
  send(op: Operation, request: RequestCase, auth: Auth, extraHeaders?: Record<string, string>): Promise<Exchange>;
}

const DEFAULT_MAX_BODY = 5 * 1024 * 1024;

/**
 * Sends generated requests through a typed openapi-fetch client and captures each exchange (see
 * capturingFetch: size-capped, parsed, redacted, redirects not followed), so a non-JSON or truncated body is data
 * for the checks, not a crash, and an undocumented 3xx is seen as such.
 */
export function createTransport<Paths extends {}>(options: TransportOptions): Transport {
  const client: Client<Paths> = createClient<Paths>({
    baseUrl: options.baseUrl,
    fetch: capturingFetch({ timeoutMs: options.timeoutMs, maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY, redactor: options.redactor, connections: options.concurrency ?? 4 }),
    Request: PlainRequest as unknown as typeof Request,
    // openapi-fetch's default query serializer, made once: left to itself it builds a new one on every call.
    querySerializer: createQuerySerializer(),
  });
  const request = client.request as unknown as (method: string, path: string, init: Record<string, unknown>) => Promise<{ response: Response }>;
  const limit = pLimit(options.concurrency ?? 4);
  const maxRequests = options.maxRequests ?? Number.POSITIVE_INFINITY;
  const maxRetries = options.maxRetries ?? 3;
  const maxWait = options.maxRetryWaitMs ?? 30_000;
  let sent = 0;

  /** One attempt, budget permitting; 429s are waited out (bounded) and counted, never judged on their own. */
  async function sendWithRetries(attempt: () => Promise<Exchange>, shown: Exchange['request']): Promise<Exchange> {
    let rateLimited = 0;
    for (;;) {
      if (sent >= maxRequests) {
        return { request: shown, failure: { kind: 'budget', message: `CONTRACT_MAX_REQUESTS (${maxRequests}) spent` }, ms: 0, ...(rateLimited ? { rateLimited } : {}) };
      }
      sent++;
      const exchange = await attempt();
      const wait = exchange.response?.status === 429 ? retryAfterMs(exchange.response.headers['retry-after']) : undefined;
      if (wait === undefined || rateLimited >= maxRetries || wait > maxWait) return rateLimited ? { ...exchange, rateLimited } : exchange;
      rateLimited++;
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  return {
    get sent() {
      return sent;
    },
    send: (op, c, auth, extraHeaders = {}) => limit(() => sendOnce(op, c, auth, extraHeaders)),
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
    const exchange = await sendWithRetries(() => attemptOnce(op, c, headers, record), record);
    // Nothing went out (budget spent, or the request could not even be built): where it would have gone.
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
      slot.captured ??= { failure: { kind: 'network', message: options.redactor.text(`request failed: ${(error as Error).message}`) } };
    }
    if (slot.url) record.url = options.redactor.text(slot.url);
    return { request: record, ...(slot.captured ?? { failure: { kind: 'network', message: 'no response captured' } }), ms: performance.now() - started };
  }
}

/** The URL a request would go to, for a request that never went out (openapi-fetch builds the real one). */
export function resolveUrl(baseUrl: string, path: string, c: RequestCase): string {
  const filled = path.includes('{') ? path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(String(c.path[name] ?? ''))) : path;
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
