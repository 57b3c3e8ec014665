import { CannotRunError } from '../base/errors.ts';

/**
 * An unreachable target is said once, before the run, not as hundreds of failed checks: refused, DNS, TLS and
 * timeouts each get their own plain line.
 */
export async function probeTarget(baseUrl: string, timeoutMs: number): Promise<void> {
  try {
    await fetch(baseUrl, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const e = error as { name?: string; cause?: { code?: string; message?: string } };
    const code = e.cause?.code ?? '';
    const why =
      e.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : code === 'ECONNREFUSED'
          ? 'connection refused (is the server running?)'
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? 'host name does not resolve'
            : /CERT|SSL|TLS/i.test(code + (e.cause?.message ?? ''))
              ? `TLS failed (${code || e.cause?.message})`
              : code || e.cause?.message || String(error);
    throw new CannotRunError(`CONTRACT_BASE_URL: ${baseUrl} is unreachable — ${why}`);
  }
}
