import { Agent } from 'undici';
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
  const agent = new Agent({ connections: options.connections, keepAliveTimeout: 10_000, pipelining: 1 });
  return (async (input: PlainRequest) => {
    const slot = (input as unknown as Record<string, CaptureSlot | undefined>)[CAPTURE_KEY] ?? {};
    slot.url = input.url;
    const origin = originOf(input.url);
    const headers: Record<string, string> = {};
    input.headers.forEach((value, key) => (headers[key] = value));
    // Awaited only when there is something to wait for: JSON and urlencoded bodies are strings already.
    const encoded = encodeBody(input, headers);
    const body = encoded instanceof Promise ? await encoded : encoded;
    const signal = new TimeoutSignal();
    const timer = setTimeout(() => signal.abort(), options.timeoutMs);
    const send = () =>
      agent.request({
        origin,
        path: input.url.slice(origin.length) || '/',
        method: input.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: signal,
      });
    try {
      // A kept-alive connection the server closed as idle just as this request went out on it is reset before
      // any answer: RFC 9112 §9.3.1 lets a client send an idempotent request again, once, on a fresh connection.
      // A server that resets every time still fails (connection-failed), on the second try.
      const res = await send().catch((error: unknown) => {
        if (!signal.aborted && IDEMPOTENT.has(input.method) && staleConnection(error)) return send();
        throw error;
      });
      const text = await readCapped(res.body, options.maxBodyBytes);
      slot.captured =
        text === undefined
          ? { failure: { kind: 'too-large', message: `response body exceeds ${options.maxBodyBytes} bytes (HTTP ${res.statusCode})` } }
          : { response: received(res.statusCode, res.headers, text, options.redactor) };
      return emptyResponse(res.statusCode);
    } catch (error) {
      slot.captured = { failure: failureOf(error, signal.aborted, options) };
      return emptyResponse(599);
    } finally {
      clearTimeout(timer);
    }
  }) as unknown as typeof globalThis.fetch;
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

const origins = new Map<string, string>();
function originOf(url: string): string {
  const key = url.slice(0, url.indexOf('/', url.indexOf('//') + 2) >>> 0);
  let origin = origins.get(key);
  if (origin === undefined) origins.set(key, (origin = new URL(url).origin));
  return origin;
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
