import type { CheckId } from '../../checks/catalogue.ts';
import { expectAdmitted, expectForbidden, noting } from '../../checks/judges/status.ts';
import type { Operation } from '../../spec/operations.ts';
import { eitherInferred, DOCUMENTED } from '../../spec/provenance.ts';
import { grantOf } from '../../spec/rules.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { resultOf, type ScenarioResult } from './result.ts';
import { discoverIds, firstRequest } from './discover.ts';
import { grantingToken, judgeResponse, judgeScenario, productionWriteBlocked } from './shared.ts';

export const SCOPE_CHECKS: readonly CheckId[] = ['scope-not-enforced', 'scope-denied-wrongly'];

/**
 * The scope matrix: every token of the matrix against the operation. A token holding a granting scope (after
 * the spec's implications) is admitted; any other gets 403 — never 2xx, never 401. A grant that rests on an
 * inferred requirement or implication is an inferred expectation.
 */
export async function checkScopes(ctx: RunContext, op: Operation, name: string): Promise<ScenarioResult> {
  const ledger = new Ledger();
  const na = (reason: string) => {
    for (const c of SCOPE_CHECKS) ledger.notApplicable(c, op.key, reason);
    return resultOf(name, ledger);
  };
  if (!op.authenticated) return na('the operation needs no authentication');
  if (!op.security.some((r) => r.schemes.some((s) => s.scopes.length))) return na('the operation requires no scope');
  const blocked = productionWriteBlocked(ctx, op);
  if (blocked) return na(blocked);
  // The documented 403 body is checked on the mock by the responses scenario (Prefer: code=403); the matrix itself
  // needs a server that knows scopes.
  if (ctx.target.kind === 'mock') return na('Prism never answers a scope-based 403 by itself; the matrix needs a live target');
  const admitted = grantingToken(ctx, op);
  const ids = admitted ? await discoverIds(ctx, op, admitted) : undefined;
  const needs = op.security.map((r) => r.schemes.map((s) => `${s.scopes.join('+') || 'any scope'}`).join(' & ')).join(' or ');
  for (const token of ctx.tokens) {
    const request = firstRequest(ctx, op, ids, token);
    if (request.unsatisfiable) continue;
    const exchange = await ctx.transport.send(op, request, tokenAuth(ctx, token));
    const grant = grantOf(op, token, ctx.spec.rules);
    const holds = `token '${token.name}' holds ${token.scopes.join(' ') || 'no scope'}`;
    if (grant.granted) {
      // Admitted by an inferred requirement, or only through an inferred implication: the expectation is a guess.
      let basis = grant.requirement !== undefined ? ctx.spec.provenance.at(`${op.securityPointer}/${grant.requirement}`) : DOCUMENTED;
      for (const source of grant.implied) basis = eitherInferred(basis, ctx.spec.provenance.at(`/x-scope-implications/${source}`));
      judgeScenario(ctx, ledger, 'scope-denied-wrongly', op, exchange, noting(expectAdmitted(exchange, basis), holds));
    } else if (token.scheme && op.security.some((r) => r.schemes.some((s) => s.scheme === token.scheme))) {
      judgeScenario(
        ctx,
        ledger,
        'scope-not-enforced',
        op,
        exchange,
        noting(expectForbidden(exchange, ctx.spec.provenance.at(op.securityPointer)), `${holds}, the operation needs ${needs}`),
      );
    }
    judgeResponse(ctx, ledger, op, exchange);
  }
  return resultOf(name, ledger);
}
