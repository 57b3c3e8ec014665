import type { CheckId } from '../../checks/catalogue.ts';
import { isDeepStrictEqual } from 'node:util';
import { notSent, type Exchange } from '../../client/exchange.ts';
import { toViolations, type Finding, type Violation } from '../../checks/types.ts';
import { judge, planFor, RESPONSE_CHECKS, stamped } from '../../checks/registry.ts';
import type { Judgement } from '../../checks/verdict-cache.ts';
import { getAt } from '../../spec/pointer.ts';
import { deref, refOf } from '../../spec/refs.ts';
import { show } from '../../checks/show.ts';
import { documentedResponse, type Operation } from '../../spec/operations.ts';
import { isGranted } from '../../spec/rules.ts';
import type { TokenEntry } from '../../config/tokens.ts';
import type { Ledger } from '../ledger.ts';
import { observe } from '../../drift/observe.ts';
import type { RunContext } from '../context.ts';

/** Runs every response check on an exchange, books which ones judged it, and returns the violations. */
export function judgeResponse(ctx: RunContext, ledger: Ledger, op: Operation, exchange: Exchange): Violation[] {
  ledger.rateLimited += exchange.rateLimited ?? 0;
  const plan = planFor(op, ctx.spec);
  const unsent = notSent(exchange);
  if (unsent) {
    ledger.notSent(
      exchange,
      unsent.kind,
      op.key,
      unsent.reason,
      plan.applicable.map((c) => c.id),
    );
    return [];
  }
  for (const [id, reason] of plan.notApplicable) ledger.notApplicable(id, op.key, reason);
  const { example, judgement, observations } = seenResponse(ctx, op, exchange);
  const { violations, judgedBy } = stamped(op, exchange, judgement, ctx.checkOptions);
  if (example === null) {
    // Prism made this body up from the schema (no example to serve): placeholders ("string", 0) say nothing of a
    // server nor of the spec. Only what does not depend on the body's content was judged.
    ledger.judged(op.key, judgedBy);
    for (const c of plan.applicable)
      if (!judgedBy.includes(c.id))
        ledger.seen(c.id, op.key, 'the mock made the body up from the schema (the spec has no example for it): nothing to judge in placeholders');
    ledger.record(violations);
    return violations;
  }
  ledger.observations.add(observations, exchange);
  ledger.judged(op.key, judgedBy);
  for (const c of plan.applicable)
    if (!judgedBy.includes(c.id))
      ledger.seen(
        c.id,
        op.key,
        example && c.echoesRequest
          ? `the mock served the spec's example "${example.name}", made for no request in particular: nothing to compare with this one`
          : nothingToJudge(exchange),
      );
  const found = example ? blameExample(example, violations) : violations;
  if (found !== violations) ledger.judged(op.key, ['spec-example-invalid']);
  ledger.record(found);
  return found;
}

/** What a static example can be judged by: every check that does not compare the answer with its request. */
const STATIC = RESPONSE_CHECKS.filter((c) => !c.echoesRequest);

/** Everything judging reads of a response, worked out once per distinct response (VerdictCache). */
interface SeenResponse {
  example: ReturnType<typeof servedExample>;
  judgement: Judgement;
  observations: ReturnType<typeof observe>;
}

function seenResponse(ctx: RunContext, op: Operation, exchange: Exchange): SeenResponse {
  const key = ctx.verdicts?.key(`${ctx.target.kind} ${ctx.checkOptions.nullable}`, op, exchange, ctx.spec);
  const cached = key === undefined ? undefined : ctx.verdicts!.get<SeenResponse>(key, op);
  if (cached) return cached;
  const example = ctx.target.kind === 'mock' ? servedExample(ctx, op, exchange) : undefined;
  const seen: SeenResponse =
    example === null
      ? { example, judgement: judge(op, exchange, ctx.spec, ctx.checkOptions, BODY_INDEPENDENT), observations: [] }
      : {
          example,
          judgement: judge(op, exchange, ctx.spec, ctx.checkOptions, example ? STATIC : RESPONSE_CHECKS),
          observations: observe(op, exchange, ctx.spec),
        };
  if (key !== undefined) ctx.verdicts!.set(key, seen);
  return seen;
}

const BODY_INDEPENDENT = RESPONSE_CHECKS.filter((c) =>
  [
    'status-code-undocumented',
    'server-error',
    'content-type-not-json',
    'body-not-json',
    'response-timeout',
    'response-too-large',
    'connection-failed',
  ].includes(c.id),
);

function nothingToJudge(exchange: Exchange): string {
  const r = exchange.response;
  if (!r) return `no response (${exchange.failure?.kind ?? 'none'})`;
  return `no response it could judge (HTTP ${r.status}${r.json === undefined ? ', not JSON' : ''})`;
}

/**
 * Which of the spec's examples the mock served: a named example of the documented response, or the example of its
 * schema (Prism serves one of those when there is one). `null`: none — Prism generated the body from the schema.
 * `undefined`: nothing to tell (no JSON body, no documented response).
 */
export function servedExample(ctx: RunContext, op: Operation, exchange: Exchange): { name: string; at: string } | null | undefined {
  const r = exchange.response;
  if (!r || r.json === undefined) return undefined;
  const documented = documentedResponse(op, r.status);
  if (!documented?.schemaPointer) return undefined;
  const name = Object.keys(documented.examples).find((n) => isDeepStrictEqual(documented.examples[n], r.json));
  if (name !== undefined) return { name, at: documented.examplePointers[name]! };
  const schemaPointer = refOf(getAt(ctx.spec.doc, documented.schemaPointer)) ?? documented.schemaPointer;
  const schema = deref<Record<string, unknown>>(ctx.spec.doc, getAt(ctx.spec.doc, schemaPointer));
  if (schema && 'example' in schema && isDeepStrictEqual(schema['example'], r.json)) return { name: 'schema example', at: `${schemaPointer}/example` };
  const listed = Array.isArray(schema?.['examples']) ? (schema['examples'] as unknown[]).findIndex((e) => isDeepStrictEqual(e, r.json)) : -1;
  if (listed >= 0) return { name: `schema example ${listed}`, at: `${schemaPointer}/examples/${listed}` };
  return null;
}

/**
 * On the embedded mock, a body Prism served straight from one of the spec's examples says nothing about a server:
 * what it breaks is a defect of the spec's example. Reported once per example, as `spec-example-invalid` (a
 * warning: the run is about servers), in place of the violations it would otherwise blame on "the server".
 */
function blameExample(example: { name: string; at: string }, violations: Violation[]): Violation[] {
  const { name, at } = example;
  // What the example breaks of the documented contract is the spec's defect; where it disagrees with a guess
  // (an inference), it is evidence against the guess and stays an unconfirmed inference.
  const broken = violations.filter((v) => v.severity === 'error' && v.basis === 'documented');
  if (!broken.length) return violations;
  return [
    ...violations.filter((v) => !broken.includes(v)),
    ...broken.map(({ inferred: _documented, ...v }): Violation => ({
      ...v,
      check: 'spec-example-invalid',
      severity: 'warning',
      basis: 'documented',
      location: `${at}${v.location}`,
      inSpec: true,
      expected: `the spec's example "${name}" to hold the contract — ${v.check}: ${v.expected}`,
      actual: v.actual,
    })),
  ];
}

/** Books one scenario judge on an exchange under its check id. */
export function judgeScenario(
  ctx: RunContext,
  ledger: Ledger,
  id: CheckId,
  op: Operation,
  exchange: Exchange,
  findings: Finding[],
  severity: 'error' | 'warning' = 'error',
): Violation[] {
  // Unsent, or still throttled after the retries: nothing was learnt about this rule.
  const unsent = notSent(exchange);
  if (unsent) {
    ledger.notSent(exchange, unsent.kind, op.key, unsent.reason, [id]);
    return [];
  }
  if (exchange.response?.status === 429) {
    ledger.notApplicable(id, op.key, 'still rate limited (429) after the retries');
    return [];
  }
  // No answer at all (timeout, connection failure, a body past the limit): the transport checks report that, once;
  // what this rule expects of an answer was not shown either way.
  if (!exchange.response) {
    ledger.notApplicable(
      id,
      op.key,
      `no answer to judge (${exchange.failure?.kind ?? 'none'}: see ${TRANSPORT_CHECK[exchange.failure?.kind ?? ''] ?? 'the transport checks'})`,
    );
    return [];
  }
  ledger.judged(op.key, [id]);
  const found = toViolations(id, severity, op, exchange, findings, ctx.checkOptions.inferred);
  ledger.record(found);
  return found;
}

const TRANSPORT_CHECK: Record<string, string> = { timeout: 'response-timeout', network: 'connection-failed', 'too-large': 'response-too-large' };

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

/**
 * The guard of the probes that write beyond what the flows do (tenant ids smuggled into writes, boundary and
 * malformed bodies on writes, undocumented write methods): off with `--no-write-probes`, and never to production.
 */
export function writeProbeBlocked(ctx: RunContext, op: Operation, writes = op.writes): string | undefined {
  if (writes && !ctx.settings.writeProbes) return 'write probes are off (--no-write-probes)';
  return writes ? productionWriteBlocked(ctx, { ...op, writes: true }) : undefined;
}

export { show };

/**
 * On the mock, a request that breaks a rule answered 2xx means Prism's validator does not enforce that rule (it skips
 * some patterns and bounds, reads others its own way): a note about the mock, never a finding about a server — nor
 * about the spec. Live, the findings stand as they are.
 */
export function unenforcedByTheMock(ctx: RunContext, findings: Finding[]): Finding[] {
  if (ctx.target.kind !== 'mock') return findings;
  return findings.map((f) => ({ ...f, severity: 'warning' as const, expected: `${f.expected} — the mock (Prism) does not enforce this rule` }));
}
