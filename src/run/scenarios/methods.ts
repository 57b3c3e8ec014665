import type { CheckId } from '../../checks/catalogue.ts';
import { judgeMethodServerError, judgeUndocumentedMethod } from '../../checks/judges/methods.ts';
import type { Operation } from '../../spec/operations.ts';
import type { HttpMethod } from '../../spec/types.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { BOUNDARY_SEED } from './boundaries.ts';
import { discoverIds, firstRequest } from './discover.ts';
import { notApplicable, resultOf, type ScenarioResult } from './result.ts';
import { grantingToken, judgeScenario, writeProbeBlocked } from './shared.ts';

/** The methods a client might try on a path. HEAD and OPTIONS are left out: HTTP answers them for any GET path. */
const PROBED: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

/** One operation per path: the one its method probes are booked under (the first the spec documents). */
export function pathRepresentatives(operations: readonly Operation[]): Operation[] {
  const seen = new Set<string>();
  return operations.filter((op) => !seen.has(op.path) && !!seen.add(op.path));
}

/**
 * `undocumented-method-accepted`: a method the path does not document is refused — 405 with the `Allow` header
 * (RFC 9110 §15.5.6: the server MUST send it) or another 4xx — never answered as if it were a documented one (a
 * router that sends every method to the GET handler). A 5xx is `server-error`. Sent once per undocumented method,
 * with the path's own valid request (real ids), no body. A method that would write (POST, PUT, PATCH, DELETE) is a
 * write probe: off with `--no-write-probes`, never to production. On a live target only: the mock's router is
 * Prism's, not the API's.
 */
export async function checkMethods(ctx: RunContext, op: Operation, name: string): Promise<ScenarioResult> {
  const checks: readonly CheckId[] = ['undocumented-method-accepted', 'server-error'];
  const documented = new Set(ctx.spec.operations.filter((o) => o.path === op.path).map((o) => o.method));
  const methods = PROBED.filter((m) => !documented.has(m));
  if (!methods.length) return notApplicable(name, op.key, checks, 'the path documents every method');
  if (ctx.target.kind === 'mock') return notApplicable(name, op.key, checks, "the mock's router is Prism's, not the API's");
  const token = grantingToken(ctx, op);
  if (!token) return notApplicable(name, op.key, checks, 'no token in the matrix grants this operation');
  const base = firstRequest(ctx, op, await discoverIds(ctx, op, token), token, BOUNDARY_SEED);
  if (base.unsatisfiable) return notApplicable(name, op.key, checks, `could not generate a valid request: ${base.unsatisfiable.join('; ')}`);
  const { body: _none, rawBody: _raw, ...request } = base;
  const ledger = new Ledger();
  const auth = tokenAuth(ctx, token);
  const sendable = methods.filter((m) => {
    const blocked = writeProbeBlocked(ctx, op, m !== 'get');
    if (blocked) ledger.notApplicable('undocumented-method-accepted', op.key, `${m.toUpperCase()}: ${blocked}`);
    return !blocked;
  });
  await Promise.all(
    sendable.map(async (method) => {
      const exchange = await ctx.transport.send({ ...op, method }, request, auth);
      const probe = { path: op.path, method, documented: [...documented] };
      judgeScenario(ctx, ledger, 'undocumented-method-accepted', op, exchange, judgeUndocumentedMethod(exchange, probe));
      // Only an answer has a status that could be a 5xx: no answer is booked once, under the method check above.
      if (exchange.response) judgeScenario(ctx, ledger, 'server-error', op, exchange, judgeMethodServerError(exchange, probe));
    }),
  );
  return resultOf(name, ledger);
}
