import { CannotRunError } from '../base/errors.ts';
import type { RunContext } from '../run/context.ts';
import { tokenAuth } from '../run/context.ts';
import { firstRequest } from '../run/scenarios/discover.ts';
import { isGranted } from '../spec/rules.ts';

/**
 * Before any verdict on a live target, make sure the run is configured to reach the API: a base URL that misses
 * the API's path makes every answer a 404, and a dead token makes every answer a 401 — hundreds of "violations"
 * blamed on a server that was never asked. A few reads decide it; anything inconclusive (timeouts, 429s) lets the
 * run go on and be judged normally.
 */
export async function preflight(ctx: RunContext): Promise<{ requests: number; conclusive: number; tokensTried: number }> {
  const reads = ctx.spec.operations.filter((op) => op.method === 'get' && !op.writes);
  let requests = 0;
  const statuses: number[] = [];
  const refused: string[] = [];
  let tried = 0;
  for (const token of ctx.tokens) {
    const op =
      reads.find((o) => isGranted(o, token, ctx.spec.rules) && !o.parameters.some((p) => p.in === 'path')) ??
      reads.find((o) => isGranted(o, token, ctx.spec.rules));
    if (!op) continue;
    const request = firstRequest(ctx, op, undefined, token);
    if (request.unsatisfiable) continue;
    const exchange = await ctx.transport.send(op, request, tokenAuth(ctx, token));
    requests++;
    const status = exchange.response?.status;
    // A target that hangs or throttles gives no answer here: the run itself will say so, operation by operation.
    if (status === undefined) break;
    if (status === 429) continue;
    tried++;
    if (!op.parameters.some((p) => p.in === 'path')) statuses.push(status);
    if (status === 401) refused.push(`'${token.name}' on ${op.key}`);
  }
  if (statuses.length && statuses.every((s) => s === 404)) {
    const declared = ctx.spec.doc.servers?.[0]?.url;
    const path = declared ? safePath(declared) : '';
    throw new CannotRunError(
      `every documented path answers 404 at ${ctx.target.baseUrl} — does CONTRACT_BASE_URL include the API's base path${path && path !== '/' ? ` (the spec's servers use ${path})` : ''}?`,
    );
  }
  if (refused.length && refused.length === tried) {
    throw new CannotRunError(
      `every token is refused (401) on a read it is granted (${refused.slice(0, 3).join(', ')}) — expired or revoked tokens, or is CONTRACT_BASE_URL another API's?`,
    );
  }
  if (refused.length) {
    throw new CannotRunError(
      `token ${refused[0]} is refused (401), a read it is granted — expired, revoked, or not a credential of this API? (fix CONTRACT_TOKENS_FILE / CONTRACT_TOKENS)`,
    );
  }
  // Conclusive: an answer from a read that needs no record id, the only kind whose 404 says the base URL is wrong.
  return { requests, conclusive: statuses.length, tokensTried: tried };
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

/** What the preflight showed, and no more: a read that needs a record id cannot tell a wrong base URL from an unknown id. */
export function preflightLine(result: { requests: number; conclusive: number; tokensTried: number }, tokens: number): string {
  const tokensPart = result.tokensTried ? `${result.tokensTried} of ${tokens} token(s) not refused` : 'no token checked';
  if (result.conclusive) return `preflight — the base URL reaches the API and ${tokensPart} (${result.requests} read(s))`;
  if (!result.requests) return 'preflight — no read to try (no GET the tokens are granted): the base URL and tokens are judged as the run goes';
  return `preflight — ${tokensPart}, but no read that needs no record id answered (${result.requests} read(s)): the base URL is judged as the run goes`;
}
