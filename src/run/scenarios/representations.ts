import type { CheckId } from '../../checks/catalogue.ts';
import type { Exchange } from '../../client/exchange.ts';
import type { Finding } from '../../checks/types.ts';
import { negotiatedFieldsOf, representationHonored, sameInstants, unknownFallsBack } from '../../checks/judges/representations.ts';
import type { Operation } from '../../spec/operations.ts';
import { negotiated, type NegotiatedRepresentation } from '../../spec/timestamps.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { notApplicable, resultOf, type ScenarioResult } from './result.ts';
import { grantingToken, judgeResponse, judgeScenario } from './shared.ts';
import { checkProperty, propertyRun } from '../property.ts';
import { validRequests, type RequestCase } from '../../arbitraries/requests.ts';
import type { Auth } from '../../client/transport.ts';
import type { Violation } from '../../checks/types.ts';
import { discoverIds } from './discover.ts';

export const REPRESENTATION_CHECKS: readonly CheckId[] = ['representation-not-honored', 'representation-instant-mismatch', 'representation-fallback-broken'];

/** The declarations an operation negotiates: those whose header it documents (all, when none documents one). */
export function negotiatedFor(ctx: RunContext, op: Operation): Array<{ rule: NegotiatedRepresentation; index: number }> {
  const rules = negotiated(ctx.spec.doc).map((rule, index) => ({ rule, index }));
  const documents = (r: NegotiatedRepresentation, o: Operation) =>
    o.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === r.header.toLowerCase());
  return rules.filter(({ rule }) => documents(rule, op) || !ctx.spec.operations.some((o) => documents(rule, o)));
}

/**
 * Negotiated representations (`x-negotiated-representations`, e.g. Sumvin's `X-Timestamp-Format: iso8601`): the
 * same read asked in the default form, in each listed form and with an unknown value. The listed form is honoured
 * (its fields change form), names the same instants as the default one (to the precision of the coarser form),
 * and an unknown value falls back to the default instead of being refused. Both forms are held to the schema by
 * the response checks. Reads only: the same request must be safe to send three times.
 */
export async function checkRepresentations(ctx: RunContext, op: Operation, name: string): Promise<ScenarioResult> {
  const rules = negotiatedFor(ctx, op);
  if (!rules.length) return notApplicable(name, op.key, REPRESENTATION_CHECKS, 'the spec declares no x-negotiated-representations');
  if (op.writes) return notApplicable(name, op.key, REPRESENTATION_CHECKS, 'write operation: the same request is not sent three times');
  if (ctx.target.kind === 'mock')
    return notApplicable(name, op.key, REPRESENTATION_CHECKS, 'Prism serves static examples and negotiates nothing; representations need a live target');
  const token = grantingToken(ctx, op);
  if (!token) return notApplicable(name, op.key, REPRESENTATION_CHECKS, 'no token in the matrix grants this operation');
  const ledger = new Ledger();
  const auth = tokenAuth(ctx, token);
  const ids = await discoverIds(ctx, op, token);
  const requests = validRequests(ctx.spec, op, { ...(ids ? { pathValues: ids } : {}), identity: token.values });
  // A property over requests: each generated read is asked in every form (the pairs), so the instants are compared
  // on whatever resources the inputs reach, not on one; fast-check shrinks a failing one to the smallest request.
  const property = await checkProperty({
    arbitrary: requests,
    ...propertyRun(ctx.settings, ctx.runSeed, name, { clock: ctx.clock, label: op.key }),
    runs: Math.min(ctx.settings.runs, 10),
    probe: async (base) => {
      // The header under test is ours to set: a generated value of it would only be an unknown one.
      if (base.unsatisfiable) {
        for (const c of REPRESENTATION_CHECKS) ledger.notApplicable(c, op.key, `could not generate a valid request: ${base.unsatisfiable.join('; ')}`);
        return [];
      }
      return comparePair(ctx, ledger, op, base, rules, auth);
    },
  });
  return resultOf(name, ledger, property);
}

/** One request in the default form, in each listed form and with an unknown value: the three judged together. */
async function comparePair(
  ctx: RunContext,
  ledger: Ledger,
  op: Operation,
  base: RequestCase,
  rules: Array<{ rule: NegotiatedRepresentation; index: number }>,
  auth: Auth,
): Promise<Violation[]> {
  const found: Violation[] = [];
  const send = async (headers: Record<string, string>) => {
    const plain = Object.fromEntries(Object.entries(base.headers).filter(([k]) => !rules.some(({ rule }) => rule.header.toLowerCase() === k.toLowerCase())));
    const e = await ctx.transport.send(op, { ...base, headers: { ...plain, ...headers } }, auth);
    found.push(...judgeResponse(ctx, ledger, op, e));
    return e;
  };
  for (const { rule, index } of rules) {
    const basis = ctx.spec.provenance.at(`/x-negotiated-representations/${index}`);
    const judge = (id: CheckId, e: Exchange, findings: Finding[]) => found.push(...judgeScenario(ctx, ledger, id, op, e, findings));
    const plain = await send({});
    const before = negotiatedFieldsOf(rule, plain);
    if (!before) {
      for (const c of REPRESENTATION_CHECKS)
        ledger.notApplicable(c, op.key, `no 2xx JSON answer to compare (${plain.response ? `HTTP ${plain.response.status}` : plain.failure?.message})`);
      continue;
    }
    if (!before.size) {
      for (const c of REPRESENTATION_CHECKS) ledger.notApplicable(c, op.key, `the answer holds no field ${rule.fields.join(', ')}`);
      continue;
    }
    for (const [value, form] of Object.entries(rule.values)) {
      const asked = await send({ [rule.header]: value });
      const after = negotiatedFieldsOf(rule, asked);
      if (!after) continue;
      judge('representation-not-honored', asked, representationHonored({ rule, value, form, before, after, basis }));
      judge('representation-instant-mismatch', asked, sameInstants({ rule, form, before, after, basis }));
    }
    const unknown = `unknown-${ctx.runSeed % 1000}`;
    const fallback = await send({ [rule.header]: unknown });
    judge('representation-fallback-broken', fallback, unknownFallsBack({ rule, unknown, exchange: fallback, basis }));
  }
  return found;
}
