import type { CheckId } from '../../checks/catalogue.ts';
import type { RequestCase } from '../../arbitraries/requests.ts';
import { expectRejected, noting } from '../../checks/judges/status.ts';
import type { Operation } from '../../spec/operations.ts';
import type { Basis } from '../../spec/provenance.ts';
import { keywordBasis, schemaAt } from '../../spec/schema-walk.ts';
import { typesOf } from '../../spec/schema.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { discoverIds, firstRequest } from './discover.ts';
import { BOUNDARY_SEED } from './boundaries.ts';
import { notApplicable, resultOf, type ScenarioResult } from './result.ts';
import { grantingToken, judgeResponse, judgeScenario, writeProbeBlocked } from './shared.ts';

export const MALFORMED_CHECKS: readonly CheckId[] = ['malformed-body-accepted'];

/** One malformed request: what it is, and what refusing it rests on (`undefined`: only a 5xx is judged). */
export interface MalformedProbe {
  label: string;
  request: RequestCase;
  /** The rule a 2xx breaks; `warning`: the docs do not say the server must refuse it (a lenient server is not wrong). */
  refusal?: { basis: Basis; severity: 'error' | 'warning' };
}

/**
 * Requests no well-formed client sends, made from a valid one: a body that is not JSON, JSON of the wrong top-level
 * type, an empty body, the body under another Content-Type, a query parameter given twice. None may get a 5xx
 * (`server-error`, from the response checks, which also hold the refusal to the API's error convention); the body
 * ones must be refused (`malformed-body-accepted`). A JSON body sent as `text/plain` is refused by most frameworks,
 * but accepting it breaks no documented rule: a warning. A repeated query parameter may be read as its first or last
 * value (neither HTTP nor OpenAPI says which): only a 5xx is wrong.
 */
export function malformedProbes(ctx: RunContext, op: Operation, base: RequestCase): MalformedProbe[] {
  const out: MalformedProbe[] = [];
  const body = op.body;
  if (body && !body.unsupported) {
    const visit = schemaAt(ctx.spec, body.schemaPointer);
    const required = ctx.spec.provenance.at(`${body.schemaPointer.replace(/\/content\/.*$/, '')}/required`);
    // Every body the spec documents is JSON of one shape: a request that is no such JSON breaks its type rule.
    const typeBasis = visit ? keywordBasis(ctx.spec, visit, 'type') : ctx.spec.provenance.at(body.schemaPointer);
    const json = { 'Content-Type': body.contentType };
    const raw = (label: string, rawBody: string, headers: Record<string, string>, refusal: MalformedProbe['refusal']): MalformedProbe => {
      const { body: _valid, ...rest } = base;
      return { label, request: { ...rest, headers: { ...base.headers, ...headers }, rawBody }, refusal };
    };
    out.push(raw('a body that is not JSON', '{"unterminated": ', json, { basis: typeBasis, severity: 'error' }));
    const types = visit ? typesOf(visit.schema) : [];
    const wrong = types.includes('object') ? (types.includes('array') ? undefined : '[]') : types.includes('array') ? '{}' : undefined;
    if (wrong) out.push(raw(`JSON of the wrong top-level type (${wrong})`, wrong, json, { basis: typeBasis, severity: 'error' }));
    if (body.required) out.push(raw('an empty body', '', json, { basis: required, severity: 'error' }));
    if (base.body !== undefined) {
      out.push(
        raw(
          `the valid body as text/plain (documented: ${body.contentType})`,
          JSON.stringify(base.body),
          { 'Content-Type': 'text/plain' },
          { basis: ctx.spec.provenance.at(body.schemaPointer.replace(/\/schema$/, '')), severity: 'warning' },
        ),
      );
    }
  }
  // A query parameter twice: the first one the request carries (its own value, twice), else the first documented.
  const query = op.parameters.filter((p) => p.in === 'query');
  const repeated = query.find(
    (p) => base.query[p.name] !== undefined && !Array.isArray(base.query[p.name]) && !typesOf(p.schema as Record<string, unknown>).includes('array'),
  );
  if (repeated)
    out.push({
      label: `query parameter ${repeated.name} given twice`,
      request: { ...base, query: { ...base.query, [repeated.name]: [base.query[repeated.name], base.query[repeated.name]] } },
    });
  return out;
}

/**
 * Check `malformed-body-accepted` (and `server-error` on every malformed request): deterministic, the same few
 * requests in every run. On a live target only: the mock answers them with Prism's own validation, not the API's.
 */
export async function checkMalformed(ctx: RunContext, op: Operation, name: string): Promise<ScenarioResult> {
  const checks: readonly CheckId[] = [...MALFORMED_CHECKS, 'server-error'];
  if (ctx.target.kind === 'mock') return notApplicable(name, op.key, checks, "the mock answers malformed requests with Prism's own validation, not the API's");
  const token = grantingToken(ctx, op);
  if (!token) return notApplicable(name, op.key, checks, 'no token in the matrix grants this operation');
  const blocked = writeProbeBlocked(ctx, op);
  if (blocked) return notApplicable(name, op.key, checks, blocked);
  const base = firstRequest(ctx, op, await discoverIds(ctx, op, token), token, BOUNDARY_SEED);
  if (base.unsatisfiable) return notApplicable(name, op.key, checks, `could not generate a valid request: ${base.unsatisfiable.join('; ')}`);
  const probes = malformedProbes(ctx, op, base);
  if (!probes.length) return notApplicable(name, op.key, checks, 'the operation takes no body and no query parameter');
  const ledger = new Ledger();
  if (!probes.some((p) => p.refusal)) ledger.notApplicable('malformed-body-accepted', op.key, 'the operation takes no JSON body');
  const auth = tokenAuth(ctx, token);
  await Promise.all(
    probes.map(async ({ label, request, refusal }) => {
      const exchange = await ctx.transport.send(op, request, auth);
      if (refusal)
        judgeScenario(ctx, ledger, 'malformed-body-accepted', op, exchange, noting(expectRejected(exchange, refusal.basis), label), refusal.severity);
      judgeResponse(ctx, ledger, op, exchange);
    }),
  );
  return resultOf(name, ledger);
}
