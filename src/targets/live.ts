import { request } from 'undici';
import { CannotRunError } from '../base/errors.ts';

/**
 * An unreachable target is said once, before the run, not as hundreds of failed checks: refused, DNS, TLS and
 * timeouts each get their own plain line. Asked with undici's `request`, as the run's requests are: WHATWG fetch
 * refuses the ports of its "bad ports" list (6000, 6665–6669, 10080, …) with "bad port", and would call a
 * sandbox listening on one of them unreachable although the run itself could reach it. No redirect is followed.
 */
export async function probeTarget(baseUrl: string, timeoutMs: number): Promise<void> {
  try {
    const answer = await request(baseUrl, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
    // It answered: that is all this asks. A body still arriving when the time runs out is no reason to stop.
    await answer.body.dump().catch(() => undefined);
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
    const code = e.code ?? e.cause?.code ?? '';
    const why =
      e.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : code === 'ECONNREFUSED'
          ? 'connection refused (is the server running?)'
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? 'host name does not resolve'
            : /CERT|SSL|TLS/i.test(`${code} ${e.message ?? ''} ${e.cause?.message ?? ''}`)
              ? `TLS failed (${code || e.message})`
              : code || e.cause?.message || e.message || String(error);
    throw new CannotRunError(`CONTRACT_BASE_URL: ${baseUrl} is unreachable — ${why}`);
  }
}
