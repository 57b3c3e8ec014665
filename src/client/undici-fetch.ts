import { Agent, type Dispatcher } from 'undici';
import type { Exchange, FailureKind, ReceivedResponse } from './exchange.ts';
import { setKey, type Redactor } from '../base/redact.ts';

/** Where the fetch below leaves what it captured; openapi-fetch copies this init key onto its Request. */
export interface CaptureSlot {
  captured?: Pick<Exchange, 'response' | 'failure'>;
  /** The URL as openapi-fetch built and sent it (path and query serialized by its rules, not ours). */
  url?: string;
}
export const CAPTURE_KEY = 'contractCapture';

export interface CapturingFetchOptions {
  timeoutMs: number;
  maxBodyBytes: number;
  redactor: Redactor;
  connections: number;
}

/**
 * The fetch openapi-fetch is given: undici's keep-alive `request` underneath (the WHATWG fetch layers cost more
 * than the checks do), no redirects followed, one timer per request for the whole exchange, and the body read
 * once — size-capped, redacted, parsed — into the request's capture slot. openapi-fetch gets an empty Response:
 * the exchange, not its parsed `data`, is what every check reads.
 */
export function capturingFetch(options: CapturingFetchOptions): typeof globalThis.fetch {
  const agents = new Agents(options.connections);
  return (async (input: PlainRequest) => {
    const slot = (input as unknown as Record<string, CaptureSlot | undefined>)[CAPTURE_KEY] ?? {};
    slot.url = input.url;
    const { origin, path } = targetOf(input.url);
    const headers: Record<string, string> = {};
    input.headers.forEach((value, key) => (headers[key] = value));
    // Awaited only when there is something to wait for: JSON and urlencoded bodies are strings already.
    const encoded = encodeBody(input, headers);
    const body = encoded instanceof Promise ? await encoded : encoded;
    const signal = new TimeoutSignal();
    let timer: NodeJS.Timeout | undefined;
    // The timer ends the exchange by itself: undici honours an abort only once the request has reached a connection,
    // and one still queued in its pool (all its connections busy, or unusable) would otherwise wait for ever.
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        signal.abort();
        reject(new Error('timed out'));
      }, options.timeoutMs);
    });
    const send = () => agents.current.request({ origin, path, method: input.method, headers, ...(body !== undefined ? { body } : {}), signal: signal });
    try {
      const { status, captured } = await Promise.race([exchange(send, input.method, signal, options), expired]);
      slot.captured = captured;
      return emptyResponse(status);
    } catch (error) {
      // Thrown, not captured: the transport stops the run (could not run) rather than blame the server.
      if (refusedAsBuilt(error)) {
        agents.replace();
        throw error;
      }
      slot.captured = { failure: failureOf(error, signal.aborted, options) };
      return emptyResponse(599);
    } finally {
      clearTimeout(timer);
    }
  }) as unknown as typeof globalThis.fetch;
}

/** The answer, read once: status and what the capture slot gets. */
async function exchange(
  send: () => Promise<Dispatcher.ResponseData>,
  method: string,
  signal: TimeoutSignal,
  options: CapturingFetchOptions,
): Promise<{ status: number; captured: NonNullable<CaptureSlot['captured']> }> {
  // A kept-alive connection the server closed as idle just as this request went out on it is reset before
  // any answer: RFC 9112 §9.3.1 lets a client send an idempotent request again, once, on a fresh connection.
  // A server that resets every time still fails (connection-failed), on the second try.
  const res = await send().catch((error: unknown) => {
    if (!signal.aborted && IDEMPOTENT.has(method) && staleConnection(error)) return send();
    throw error;
  });
  const text = await readCapped(res.body, options.maxBodyBytes);
  const captured =
    text === undefined
      ? { failure: { kind: 'too-large' as const, message: `response body exceeds ${options.maxBodyBytes} bytes (HTTP ${res.statusCode})` } }
      : { response: received(res.statusCode, res.headers, text, options.redactor) };
  return { status: res.statusCode, captured };
}

/**
 * undici's keep-alive agent, replaced once it has refused a request as built: undici then marks the pool's connection
 * it was handed to as busy until a "drain" that never comes, and once each of its connections has been so marked
 * every later request waits in the pool for ever (undici 7.30: pool-base.js). The old agent finishes what it has in flight.
 */
class Agents {
  current: Agent;
  constructor(private readonly connections: number) {
    this.current = this.fresh();
  }
  private fresh(): Agent {
    return new Agent({ connections: this.connections, keepAliveTimeout: 10_000, pipelining: 1 });
  }
  replace(): void {
    const old = this.current;
    this.current = this.fresh();
    old.close().catch(() => undefined);
  }
}

/**
 * undici's own word that the request we handed it cannot go on the wire (an invalid path, header name or value, a
 * header it will not send): nothing was sent, so it says nothing of the server — the URL, a header from the
 * configuration or the spec, is ours.
 */
export function refusedAsBuilt(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED';
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** A connection closed under a request before any of the answer came back (undici's codes for it). */
function staleConnection(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return ['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE'].includes(e.code ?? e.cause?.code ?? '');
}

/**
 * What openapi-fetch builds its request as (its `Request` option) instead of a WHATWG Request: the fetch above
 * reads only the URL, method, headers and serialized body, and undici's Request — body stream, signal, clone
 * bookkeeping — cost more than the rest of an exchange put together.
 */
export class PlainRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: unknown;

  constructor(url: string, init: RequestInit = {}) {
    this.url = url;
    this.method = (init.method ?? 'GET').toUpperCase();
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.body = init.body;
  }
}

/**
 * The body as it goes on the wire. openapi-fetch serializes JSON and urlencoded bodies to strings; a FormData body
 * it leaves to fetch, which encodes it and sets the multipart content type (boundary included): undici's Request
 * does both here.
 */
function encodeBody(input: PlainRequest, headers: Record<string, string>): string | Promise<Buffer> | undefined {
  if (input.method === 'GET' || input.method === 'HEAD' || input.body === undefined || input.body === null) return undefined;
  if (typeof input.body === 'string') return input.body;
  return encodeForm(input, headers);
}

async function encodeForm(input: PlainRequest, headers: Record<string, string>): Promise<Buffer> {
  const encoded = new Request(input.url, { method: input.method, body: input.body as BodyInit });
  headers['content-type'] ??= encoded.headers.get('content-type') ?? 'application/octet-stream';
  // Bytes, not text: a file part need not be UTF-8.
  return Buffer.from(await encoded.arrayBuffer());
}

/**
 * The abort signal handed to undici, which takes an EventEmitter-shaped object as well as an AbortSignal, and
 * only ever adds one listener: on Node 20 an AbortController costs more to create (it is made transferable) than
 * parsing the response does.
 */
class TimeoutSignal {
  aborted = false;
  private listener: (() => void) | undefined;
  on(_event: 'abort', listener: () => void): this {
    this.listener = listener;
    return this;
  }
  once(event: 'abort', listener: () => void): this {
    return this.on(event, listener);
  }
  removeListener(): this {
    this.listener = undefined;
    return this;
  }
  abort(): void {
    this.aborted = true;
    const listener = this.listener;
    this.listener = undefined;
    listener?.();
  }
}

/** The body as text, or undefined past the cap (the rest is not read). */
function readCapped(body: NodeJS.ReadableStream & { destroy(): void }, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        body.destroy();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    body.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    body.on('error', reject);
  });
}

/**
 * Where a URL goes: its origin, and the path with its query, sliced after the URL's own scheme and authority — not
 * after the origin, which drops a `user:password@` and would cut the path short by as many characters. Worked out
 * once per scheme and authority.
 */
const authorities = new Map<string, string>();
function targetOf(url: string): { origin: string; path: string } {
  const authority = url.slice(0, url.indexOf('/', url.indexOf('//') + 2) >>> 0);
  let origin = authorities.get(authority);
  if (origin === undefined) authorities.set(authority, (origin = originOf(url)));
  return { origin, path: url.slice(authority.length) || '/' };
}

/** The URL's origin; a user name or password in it is refused (as WHATWG fetch does): it would never be sent. */
function originOf(url: string): string {
  const parsed = new URL(url);
  if (parsed.username || parsed.password)
    throw new Error('the URL carries a user name or password (user:password@), which is never sent — give credentials in the token matrix');
  return parsed.origin;
}

/**
 * What openapi-fetch gets back: a status and a zero Content-Length, so it returns at once without reading a
 * body — the exchange in the capture slot, not openapi-fetch's parsed `data`, is what every check reads.
 */
function emptyResponse(status: number): Response {
  const code = status >= 200 && status <= 599 ? status : 599;
  return { status: code, ok: code >= 200 && code < 300, headers: EMPTY_HEADERS } as unknown as Response;
}
const EMPTY_HEADERS = new Headers({ 'content-length': '0' });

function received(status: number, raw: Record<string, string | string[] | undefined>, body: string, redactor: Redactor): ReceivedResponse {
  // Servers that echo the Authorization header would otherwise carry a token into every report. The names and
  // values are scanned joined, once; only a response whose headers may hold one is redacted field by field.
  const headers: Record<string, string> = {};
  let joined = '';
  for (const k in raw) {
    const v = raw[k];
    if (v === undefined) continue;
    const value = Array.isArray(v) ? v.join(', ') : v;
    setKey(headers, k, value);
    joined += `${k}\n${value}\n`;
  }
  if (redactor.mayHoldSecret(joined)) {
    const redacted: Record<string, string> = {};
    for (const k in headers) setKey(redacted, redactor.text(k), redactor.text(headers[k]!));
    return parsed(status, redacted, redactor.text(body));
  }
  return parsed(status, headers, redactor.text(body));
}

function parsed(status: number, headers: Record<string, string>, text: string): ReceivedResponse {
  const out: ReceivedResponse = { status, headers, text };
  if (text.length === 0) out.jsonError = 'empty body';
  else {
    try {
      out.json = JSON.parse(text);
    } catch (error) {
      out.jsonError = /^\s*</.test(text) ? 'an HTML/XML page, not JSON' : `not JSON (${(error as Error).message})`;
    }
  }
  return out;
}

function failureOf(error: unknown, timedOut: boolean, options: CapturingFetchOptions): { kind: FailureKind; message: string } {
  if (timedOut) return { kind: 'timeout', message: `no complete response within ${options.timeoutMs} ms` };
  const e = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const why = e.code ?? e.cause?.code ?? e.message ?? String(error);
  return { kind: 'network', message: options.redactor.text(`request failed: ${why}`) };
}
