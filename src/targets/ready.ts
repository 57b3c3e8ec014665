import { request } from 'undici';

// Kept apart from prism.ts: the contract workers wait for the mock but never start one, and need none of its
// process and port plumbing.

/**
 * Waits until something answers HTTP at the URL (any status), or the deadline, or `gone()` says it never will.
 * undici's `request`, not fetch: fetch refuses its "bad ports" outright, and a mock given one would never be ready.
 */
export async function waitForMock(baseUrl: string, timeoutMs: number, gone: () => boolean = () => false): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone()) {
    try {
      const answer = await request(baseUrl, { signal: AbortSignal.timeout(1000) });
      await answer.body.dump().catch(() => undefined);
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return false;
}
