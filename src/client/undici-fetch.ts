import { Agent } from 'undici';
import type { Exchange, FailureKind, ReceivedResponse } from './exchange.ts';
import type { Redactor } from '../report/redact.ts';

/** Where the fetch below leaves what it captured; openapi-fetch copies this init key onto its Request. */
export interface CaptureSlot {
  captured?: Pick<Exchange, 'response' | 'failure'>;
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
  return (async (input: Request) => {
    const slot = (input as unknown as Record<string, CaptureSlot | undefined>)[CAPTURE_KEY] ?? {};
    const origin = originOf(input.url);
    const headers: Record<string, string> = {};
    input.headers.forEach((value, key) => (headers[key] = value));
    const body = input.method === 'GET' || input.method === 'HEAD' ? undefined : await input.text();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs);
    try {
      const res = await agent.request({
        origin,
        path: input.url.slice(origin.length) || '/',
        method: input.method as 'GET',
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: controller.signal,
      });
      const text = await readCapped(res.body, options.maxBodyBytes);
      slot.captured =
        text === undefined
          ? { failure: { kind: 'too-large', message: `response body exceeds ${options.maxBodyBytes} bytes (HTTP ${res.statusCode})` } }
          : { response: received(res.statusCode, res.headers, text, options.redactor) };
      return emptyResponse(res.statusCode);
    } catch (error) {
      slot.captured = { failure: failureOf(error, controller.signal.aborted, options) };
      return emptyResponse(599);
    } finally {
      clearTimeout(timer);
    }
  }) as typeof globalThis.fetch;
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

function emptyResponse(status: number): Response {
  return new Response(null, { status: status >= 200 && status <= 599 ? status : 599 });
}

function received(status: number, raw: Record<string, string | string[] | undefined>, body: string, redactor: Redactor): ReceivedResponse {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  // Servers that echo the Authorization header would otherwise carry a token into every report.
  const text = redactor.text(body);
  const out: ReceivedResponse = { status, headers: redactor.value(headers), text };
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
