import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { retryAfterMs } from '../client/transport.ts';
import { CannotRunError } from '../base/errors.ts';

export interface FetchLimits {
  /** One request, headers and body, must be complete within this. */
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  maxRetryWaitMs: number;
  maxRedirects: number;
  maxBytes: number;
  /** Redirects are followed to this host (host:port) only. */
  allowedHost: string;
}

/** What the snapshot already knows of a page, sent so that an unchanged page costs a 304. */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

export type Fetched =
  | { ok: true; url: string; status: 200 | 304; body: Buffer; etag?: string; lastModified?: string }
  | { ok: false; url: string; status?: number; problem: string };

const USER_AGENT = 'salesive-account-contract (npm run upstream; a contract suite keeping its vendored docs current)';

type Attempt = { kind: 'answer'; status: number; headers: Record<string, string | undefined>; body: Buffer } | { kind: 'error'; problem: string };

/**
 * GETs one upstream document under the limits: a deadline per request, retries with backoff on 5xx/429
 * (Retry-After honoured up to a bound), a size cap read as the bytes arrive, redirects followed within one host.
 * Never throws: every way it can fail is a `problem` — what happened and what to do — for one line of output.
 */
export async function fetchDoc(url: string, limits: FetchLimits, known: Validators = {}): Promise<Fetched> {
  const fail = (problem: string, status?: number): Fetched => ({ ok: false, url, problem, ...(status ? { status } : {}) });
  let current = url;
  let redirects = 0;
  let retries = 0;
  for (;;) {
    const attempt = await once(current, limits, known);
    if (attempt.kind === 'error') return fail(attempt.problem);
    const { status, headers } = attempt;
    if (status >= 300 && status < 400 && status !== 304) {
      const location = headers['location'];
      if (!location) return fail(`answers ${status} without a Location to follow — report it to the site's owners`, status);
      const next = new URL(location, current);
      if (next.host !== limits.allowedHost) {
        return fail(
          `redirects to ${next.href}, outside ${limits.allowedHost} — not followed (redirects stay on the docs host); if the docs moved, point --index at the new site`,
          status,
        );
      }
      if (++redirects > limits.maxRedirects) return fail(`more than ${limits.maxRedirects} redirects — the site loops; try again later or report it`, status);
      current = next.href;
      continue;
    }
    if (status === 429 || status >= 500) {
      const asked = headers['retry-after'];
      const wait = asked !== undefined ? retryAfterMs(asked) : limits.backoffMs * 2 ** retries;
      if (wait > limits.maxRetryWaitMs) {
        return fail(
          `answers ${status} and asks to wait ${Math.ceil(wait / 1000)} s (more than the ${limits.maxRetryWaitMs / 1000} s waited) — try again later`,
          status,
        );
      }
      if (retries >= limits.retries) return fail(`answers ${status} after ${limits.retries} retries — the site is failing; try again later`, status);
      retries++;
      await sleep(wait);
      continue;
    }
    const validators = {
      ...(headers['etag'] ? { etag: headers['etag'] } : {}),
      ...(headers['last-modified'] ? { lastModified: headers['last-modified'] } : {}),
    };
    if (status === 304) return { ok: true, url, status, body: Buffer.alloc(0), ...known, ...validators };
    if (status === 200) return { ok: true, url, status, body: attempt.body, ...validators };
    if (status === 404 || status === 410) return fail(`answers ${status} — the page is not there (removed or moved); check the link in the index`, status);
    if (status === 401 || status === 403) return fail(`answers ${status} — the site refuses us; is it private, or behind a login?`, status);
    return fail(`answers ${status} — not a document; check the URL`, status);
  }
}

/** One request: the status, the headers, and the body when it will be used (capped; drained otherwise). */
async function once(url: string, limits: FetchLimits, known: Validators): Promise<Attempt> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
  try {
    const res = await request(url, {
      method: 'GET',
      signal: controller.signal,
      headers: {
        'user-agent': USER_AGENT,
        accept: 'text/markdown, text/plain;q=0.9, application/json;q=0.9, */*;q=0.1',
        ...(known.etag ? { 'if-none-match': known.etag } : {}),
        ...(known.lastModified ? { 'if-modified-since': known.lastModified } : {}),
      },
    });
    const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
    if (res.statusCode !== 200) {
      await res.body.dump();
      return { kind: 'answer', status: res.statusCode, headers, body: Buffer.alloc(0) };
    }
    const declared = Number(headers['content-length']);
    if (declared > limits.maxBytes) {
      discard(res.body);
      return { kind: 'error', problem: tooLarge(limits.maxBytes, `it declares ${declared} bytes`) };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > limits.maxBytes) {
        discard(res.body);
        return { kind: 'error', problem: tooLarge(limits.maxBytes, 'its body runs past it') };
      }
      chunks.push(chunk as Buffer);
    }
    return { kind: 'answer', status: 200, headers, body: Buffer.concat(chunks) };
  } catch (error) {
    if (controller.signal.aborted)
      return { kind: 'error', problem: `no complete answer within ${limits.timeoutMs} ms — the site is slow or hangs; try again, or raise --timeout` };
    return { kind: 'error', problem: networkProblem(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Stops reading a body we will not use; the abort it causes is ours, not a failure to report. */
function discard(body: { on(event: 'error', listener: () => void): unknown; destroy(): unknown }): void {
  body.on('error', () => {});
  body.destroy();
}

function tooLarge(max: number, why: string): string {
  return `larger than the ${Math.round(max / 1024)} KiB limit (${why}) — not read; is this really the document? check the URL`;
}

function networkProblem(error: unknown): string {
  const e = error as { code?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  if (code === 'ECONNREFUSED') return 'connection refused — is the host up? check the URL';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name does not resolve — check the URL and your network (or DNS)';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection closed before the answer was complete — try again later';
  if (/CERT|SSL|TLS/i.test(code + (e.message ?? ''))) return `TLS failed (${code || e.message}) — check the URL's scheme and the host's certificate`;
  return `${code || 'request failed'}: ${(e.message ?? String(error)).split('\n')[0]} — check the URL and your network`;
}

/** A flag's URL, or one line saying it is not one. */
export function httpUrl(text: string, flag: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    // reported below
  }
  if (!url || !/^https?:$/.test(url.protocol)) throw new CannotRunError(`upstream: ${flag} ${JSON.stringify(text)} is not an http(s) URL`);
  return url;
}
