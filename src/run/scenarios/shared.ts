import type { Exchange } from '../../client/exchange.ts';
import { toViolation, type Finding, type Violation } from '../../checks/types.ts';
import { planFor, runResponseChecks } from '../../checks/registry.ts';
import type { Operation } from '../../spec/operations.ts';
import { isGranted } from '../../spec/rules.ts';
import type { TokenEntry } from '../../config/tokens.ts';
import type { Ledger } from '../ledger.ts';
import { observe } from '../../drift/observe.ts';
import type { RunContext } from '../context.ts';

/** Runs every response check on an exchange, books which ones judged it, and returns the violations. */
export function judgeResponse(ctx: RunContext, ledger: Ledger, op: Operation, exchange: Exchange): Violation[] {
  ledger.rateLimited += exchange.rateLimited ?? 0;
  if (exchange.failure?.kind === 'budget') {
    ledger.unsent += 1;
    return [];
  }
  const plan = planFor(op, ctx.spec);
  ledger.judgedBy(op.key, plan.applicable);
  for (const [id, reason] of plan.notApplicable) ledger.notApplicable(id, op.key, reason);
  ledger.observations.add(observe(op, exchange, ctx.spec), exchange);
  const found = runResponseChecks(op, exchange, ctx.spec, ctx.checkOptions);
  ledger.record(found);
  return found;
}

/** Books one scenario judge on an exchange under its check id. */
export function judgeScenario(ledger: Ledger, id: string, op: Operation, exchange: Exchange, findings: Finding[], severity: 'error' | 'warning' = 'error'): Violation[] {
  // Unsent, or still throttled after the retries: nothing was learnt about this rule.
  if (exchange.failure?.kind === 'budget') {
    ledger.notApplicable(id, op.key, 'the request budget (CONTRACT_MAX_REQUESTS) was spent');
    return [];
  }
  if (exchange.response?.status === 429) {
    ledger.notApplicable(id, op.key, 'still rate limited (429) after the retries');
    return [];
  }
  ledger.evaluated(id, op.key);
  const found = findings.map((f) => toViolation(id, severity, op, exchange, f));
  ledger.record(found);
  return found;
}

export function grantingToken(ctx: RunContext, op: Operation): TokenEntry | undefined {
  return ctx.tokens.find((t) => isGranted(op, t.scopes, ctx.spec.rules));
}

/** The production guard: writes never go to a production host unless the user says so. */
export function productionWriteBlocked(ctx: RunContext, op: Operation): string | undefined {
  if (!op.writes || ctx.settings.allowProductionWrites) return undefined;
  const host = new URL(ctx.target.baseUrl).host;
  return ctx.spec.rules.productionHosts.includes(host)
    ? `write operation not sent to production host ${host} (pass --allow-production-writes to allow)`
    : undefined;
}
