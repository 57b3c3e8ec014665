import { isDeepStrictEqual } from 'node:util';
import type { Exchange } from '../../client/exchange.ts';
import { toViolations, type Finding, type Violation } from '../../checks/types.ts';
import { planFor, runResponseChecks } from '../../checks/registry.ts';
import { show } from '../../checks/show.ts';
import { documentedResponse, type Operation } from '../../spec/operations.ts';
import { isGranted } from '../../spec/rules.ts';
import type { TokenEntry } from '../../config/tokens.ts';
import type { Ledger } from '../ledger.ts';
import { observe } from '../../drift/observe.ts';
import type { RunContext } from '../context.ts';

export const BUDGET_SPENT = 'the request budget (CONTRACT_MAX_REQUESTS) was spent before this was judged';

/** Runs every response check on an exchange, books which ones judged it, and returns the violations. */
export function judgeResponse(ctx: RunContext, ledger: Ledger, op: Operation, exchange: Exchange): Violation[] {
  ledger.rateLimited += exchange.rateLimited ?? 0;
  const plan = planFor(op, ctx.spec);
  if (exchange.failure?.kind === 'budget') {
    ledger.unsent += 1;
    for (const c of plan.applicable) ledger.notReached(c.id, op.key, BUDGET_SPENT);
    return [];
  }
  for (const [id, reason] of plan.notApplicable) ledger.notApplicable(id, op.key, reason);
  ledger.observations.add(observe(op, exchange, ctx.spec), exchange);
  const { violations, judgedBy } = runResponseChecks(op, exchange, ctx.spec, ctx.checkOptions);
  ledger.judged(op.key, judgedBy);
  for (const c of plan.applicable) if (!judgedBy.includes(c.id)) ledger.seen(c.id, op.key, nothingToJudge(exchange));
  const found = ctx.target.kind === 'mock' ? blameExamples(op, exchange, violations) : violations;
  if (found !== violations) ledger.judged(op.key, ['spec-example-invalid']);
  ledger.record(found);
  return found;
}

function nothingToJudge(exchange: Exchange): string {
  const r = exchange.response;
  if (!r) return `no response (${exchange.failure?.kind ?? 'none'})`;
  return `no response it could judge (HTTP ${r.status}${r.json === undefined ? ', not JSON' : ''})`;
}

/**
 * On the embedded mock, a body Prism served straight from one of the spec's examples says nothing about a server:
 * what it breaks is a defect of the spec's example. Reported once per example, as `spec-example-invalid` (a
 * warning: the run is about servers), in place of the violations it would otherwise blame on "the server".
 */
function blameExamples(op: Operation, exchange: Exchange, violations: Violation[]): Violation[] {
  const r = exchange.response;
  if (!violations.length || !r || r.json === undefined) return violations;
  const documented = documentedResponse(op, r.status);
  if (!documented) return violations;
  const name = Object.keys(documented.examples).find((n) => isDeepStrictEqual(documented.examples[n], r.json));
  if (name === undefined) return violations;
  const at = documented.examplePointers[name]!;
  const broken = violations.filter((v) => v.severity !== 'warning');
  if (!broken.length) return violations;
  return [
    ...violations.filter((v) => v.severity === 'warning'),
    ...broken.map((v): Violation => ({
      ...v,
      check: 'spec-example-invalid',
      severity: 'warning',
      basis: 'documented',
      location: `${at}${v.location}`,
      expected: `the spec's example "${name}" to hold the contract — ${v.check}: ${v.expected}`,
      actual: v.actual,
    })),
  ].map(({ inferred: _i, ...v }) => v);
}

/** Books one scenario judge on an exchange under its check id. */
export function judgeScenario(ctx: RunContext, ledger: Ledger, id: string, op: Operation, exchange: Exchange, findings: Finding[], severity: 'error' | 'warning' = 'error'): Violation[] {
  // Unsent, or still throttled after the retries: nothing was learnt about this rule.
  if (exchange.failure?.kind === 'budget') {
    ledger.notReached(id, op.key, BUDGET_SPENT);
    return [];
  }
  if (exchange.response?.status === 429) {
    ledger.notApplicable(id, op.key, 'still rate limited (429) after the retries');
    return [];
  }
  ledger.judged(op.key, [id]);
  const found = toViolations(id, severity, op, exchange, findings, ctx.checkOptions.inferred);
  ledger.record(found);
  return found;
}

/** A finding, shown as the value it got. */
export function statusFinding(expected: string, exchange: Exchange): Finding {
  return { location: '', expected, actual: exchange.response ? `HTTP ${exchange.response.status}` : `no response (${exchange.failure?.message})` };
}

export function grantingToken(ctx: RunContext, op: Operation): TokenEntry | undefined {
  return ctx.tokens.find((t) => isGranted(op, t, ctx.spec.rules));
}

/** The production guard: writes never go to a production host unless the user says so. */
export function productionWriteBlocked(ctx: RunContext, op: Operation): string | undefined {
  if (!op.writes || ctx.settings.allowProductionWrites) return undefined;
  const host = new URL(ctx.target.baseUrl).host;
  return ctx.spec.rules.productionHosts.includes(host)
    ? `write operation not sent to production host ${host} (pass --allow-production-writes to allow)`
    : undefined;
}

export { show };
