import { expectAdmitted, expectForbidden } from '../../checks/expectations.ts';
import type { Operation } from '../../spec/operations.ts';
import { isGranted } from '../../spec/rules.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { resultOf, type ScenarioResult } from './result.ts';
import { discoverIds, firstRequest } from './discover.ts';
import { grantingToken, judgeResponse, judgeScenario, productionWriteBlocked } from './shared.ts';

export const SCOPE_CHECKS = ['scope-not-enforced', 'scope-denied-wrongly'];

/**
 * The scope matrix: every token of the matrix against the operation. A token holding a granting scope (after
 * WRITE_* ⊇ READ_* implications from the spec) is admitted; any other gets 403 in envelope shape — never 2xx,
 * never 401. On the mock only the documented 403 shape can be checked (`Prefer: code=403`).
 */
export async function checkScopes(ctx: RunContext, op: Operation, name: string): Promise<ScenarioResult> {
  const ledger = new Ledger();
  const blocked = productionWriteBlocked(ctx, op);
  if (blocked) {
    for (const c of SCOPE_CHECKS) ledger.notApplicable(c, op.key, blocked);
    return resultOf(name, ledger);
  }
  if (ctx.target.kind === 'mock') {
    for (const c of SCOPE_CHECKS) ledger.notApplicable(c, op.key, 'Prism never answers a scope-based 403 by itself; the matrix needs a live target');
    const token = ctx.tokens[0]!;
    if (op.responses.has('403')) {
      const exchange = await ctx.transport.send(op, firstRequest(ctx, op), tokenAuth(token), { Prefer: 'code=403' });
      judgeResponse(ctx, ledger, op, exchange);
    }
    return resultOf(name, ledger);
  }
  const admitted = grantingToken(ctx, op);
  const ids = admitted ? await discoverIds(ctx, op, admitted) : undefined;
  const request = firstRequest(ctx, op, ids);
  for (const token of ctx.tokens) {
    const exchange = await ctx.transport.send(op, request, tokenAuth(token));
    if (isGranted(op, token.scopes, ctx.spec.rules)) {
      judgeScenario(ledger, 'scope-denied-wrongly', op, exchange, expectAdmitted(op, exchange).map((f) => ({ ...f, expected: `${f.expected} — token '${token.name}' holds ${token.scopes.join(' ') || 'no scope'}` })));
    } else {
      judgeScenario(ledger, 'scope-not-enforced', op, exchange, expectForbidden(op, exchange).map((f) => ({ ...f, expected: `${f.expected} — token '${token.name}' holds ${token.scopes.join(' ') || 'no scope'}, the operation needs ${op.scopeAlternatives.map((a) => a.join('+')).join(' or ')}` })));
    }
    judgeResponse(ctx, ledger, op, exchange);
  }
  return resultOf(name, ledger);
}
