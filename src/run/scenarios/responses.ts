import type { CheckId } from '../../checks/catalogue.ts';
import fc from 'fast-check';
import { requestBasis, validRequests, type RequestCase } from '../../arbitraries/requests.ts';
import { expectNotRejectedAsInvalid } from '../../checks/judges/status.ts';
import { RESPONSE_CHECKS } from '../../checks/registry.ts';
import type { Finding, Violation } from '../../checks/types.ts';
import type { Basis } from '../../spec/provenance.ts';
import type { Exchange } from '../../client/exchange.ts';
import type { Operation } from '../../spec/operations.ts';
import { textOf } from '../../spec/text.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { checkProperty, propertyRun } from '../property.ts';
import { notApplicable, resultOf, type ScenarioResult } from './result.ts';
import { discoverIds } from './discover.ts';
import { grantingToken, judgeResponse, judgeScenario, productionWriteBlocked } from './shared.ts';

export interface Probe {
  request: RequestCase;
  /** On the mock: which documented example or status Prism is asked for (`Prefer`). */
  prefer?: string;
}

/**
 * Valid requests with a granting token: every response must match the contract. On the mock each documented
 * response is asked for by name (`Prefer: example=…` / `code=…`), so every state and every error shape is
 * checked — the static mock is green because the documented examples conform, not because checks were skipped.
 */
export async function checkResponses(ctx: RunContext, op: Operation, name: string, pathValues?: Record<string, unknown[]>): Promise<ScenarioResult> {
  const built = await responsesProperty(ctx, op, pathValues);
  if ('skip' in built) return notApplicable(name, op.key, RESPONSE_SCENARIO_CHECKS, built.skip);
  const property = await checkProperty({
    arbitrary: built.arbitrary,
    probe: built.probe,
    ...propertyRun(ctx.settings, ctx.runSeed, name, { clock: ctx.clock, label: op.key }),
    runs: built.runs,
  });
  return resultOf(name, built.ledger, property, built.gaps);
}

export const RESPONSE_SCENARIO_CHECKS: readonly CheckId[] = [...RESPONSE_CHECKS.map((c) => c.id), 'valid-input-rejected'];

/**
 * What the responses scenario generates and how it judges one value — apart, so a benchmark can drive it. A value
 * is one probe on a live target; on the mock it is one probe per documented response, each asked for by name,
 * plus one with fuller inputs: Prism's static answers vary with `Prefer`, not with the inputs, so every example
 * is judged on every run, and the runs (about `settings.runs` requests in all) vary the inputs.
 */
export async function responsesProperty(
  ctx: RunContext,
  op: Operation,
  pathValues?: Record<string, unknown[]>,
): Promise<
  { skip: string } | { arbitrary: fc.Arbitrary<Probe[]>; runs: number; probe: (values: Probe[]) => Promise<Violation[]>; ledger: Ledger; gaps: Set<string> }
> {
  const token = grantingToken(ctx, op);
  if (!token) return { skip: 'no token in the matrix grants this operation' };
  const blocked = productionWriteBlocked(ctx, op);
  if (blocked) return { skip: blocked };

  pathValues ??= ctx.target.kind === 'live' ? await discoverIds(ctx, op, token) : undefined;
  const options = { ...(pathValues ? { pathValues } : {}), identity: token.values };
  const requests = validRequests(ctx.spec, op, options);
  const preferences = ctx.target.kind === 'mock' ? mockPreferences(op) : [];
  // On the mock, each documented response is asked for with the smallest valid request (required inputs only: no
  // optional input Prism's validator might read its own way stands between the request and the example), and one
  // fuller request per run asks for one of them at random.
  const minimal = preferences.length ? validRequests(ctx.spec, op, { ...options, minimal: true }) : requests;
  const arbitrary: fc.Arbitrary<Probe[]> = preferences.length
    ? fc.tuple(
        fc.record({ request: requests, prefer: fc.constantFrom(...preferences) }),
        ...preferences.map((prefer) => minimal.map((request): Probe => ({ request, prefer }))),
      )
    : requests.map((request) => [{ request }]);
  const runs = Math.max(1, Math.ceil(ctx.settings.runs / (preferences.length + 1)));
  const ledger = new Ledger();
  const gaps = new Set<string>();
  const auth = tokenAuth(ctx, token);
  const probeOne = async ({ request, prefer }: Probe): Promise<Violation[]> => {
    if (request.unsatisfiable) {
      // Sending it anyway would blame the server for our generator: say what could not be generated instead.
      const why = `could not generate a valid request: ${request.unsatisfiable.join('; ')}`;
      gaps.add(`${op.key}: ${request.unsatisfiable.join('; ')}`);
      for (const id of RESPONSE_SCENARIO_CHECKS) ledger.notApplicable(id, op.key, why);
      return [];
    }
    const exchange = await ctx.transport.send(op, request, auth, prefer ? { Prefer: prefer } : undefined);
    const found = judgeResponse(ctx, ledger, op, exchange);
    if (!prefer || /^(example=|code=2)/.test(prefer)) {
      // What a refusal rests on is worked out only for a refusal (it walks the request against its schemas).
      const refused = exchange.response?.status === 400 || exchange.response?.status === 422;
      found.push(
        ...judgeScenario(
          ctx,
          ledger,
          'valid-input-rejected',
          op,
          exchange,
          validRefused(ctx, exchange, refused ? requestBasis(ctx.spec, op, request) : undefined),
        ),
      );
    } else {
      ledger.notApplicable('valid-input-rejected', op.key, 'every request asked the mock for an error status');
    }
    return found;
  };
  const probe = async (values: Probe[]) => (values.length === 1 ? probeOne(values[0]!) : (await Promise.all(values.map(probeOne))).flat());
  return { arbitrary, runs, probe, ledger, gaps };
}

/**
 * Every documented response Prism can be asked for: each named 2xx example, and each documented 4xx. Not 5xx:
 * a mock told to fail says nothing about the server, and `server-error` would only report the request itself;
 * not 429, which the transport would dutifully wait out.
 */
export function mockPreferences(op: Operation): string[] {
  const out: string[] = [];
  for (const [status, response] of op.responses) {
    if (/^2/.test(status)) {
      const names = Object.keys(response.examples).filter((n) => n !== 'default');
      out.push(...(names.length ? names.map((n) => `example=${n}`) : [`code=${status}`]));
    } else if (/^[34]\d\d$/.test(status) && status !== '429') out.push(`code=${status}`);
  }
  return out;
}

/** `valid-input-rejected`: a valid request refused as bad input — on the mock, unless Prism's own validator did it. */
export function validRefused(ctx: RunContext, exchange: Exchange, basis?: Basis): Finding[] {
  const rejected = expectNotRejectedAsInvalid(exchange, basis);
  const prism = ctx.target.kind === 'mock' ? prismRefusal(exchange) : undefined;
  // The mock's own validator disagreeing with the spec's (Prism reads some schemas, e.g. anyOf query arrays,
  // differently): a note about the mock, never a finding about a server.
  return prism
    ? rejected.map((f) => ({
        ...f,
        severity: 'warning' as const,
        expected: `${f.expected} (the spec's validator accepts it; Prism's refused it)`,
        actual: `${f.actual}: ${prism}`,
      }))
    : rejected;
}

/**
 * Prism's own validation refusal, with its reason: its problem bodies name stoplight.io/prism/errors — or, when
 * the spec documents the refusal (a 422 of its own), Prism serves that response and lists what its validator
 * found in an `sl-violations` header.
 */
export function prismRefusal(exchange: Exchange): string | undefined {
  const r = exchange.response;
  const said = (v: { location?: string[]; message?: string } | undefined) => (v ? `${(v.location ?? []).join('.')} ${v.message ?? ''}`.trim() : undefined);
  const header = r?.headers['sl-violations'];
  if (header) {
    try {
      const violations = JSON.parse(header) as Array<{ location?: string[]; message?: string; severity?: string }>;
      const refused = said(violations.find((v) => v.location?.[0] === 'request' && v.severity === 'Error'));
      if (refused) return refused;
    } catch {
      // "Too many violations! …": cut short by Prism, still its validator's word.
      if (header.startsWith('Too many violations')) return header.slice(0, 200);
    }
  }
  const body = r?.json as { type?: unknown; detail?: unknown; validation?: Array<{ location?: string[]; message?: string }> } | undefined;
  if (!body || typeof body.type !== 'string' || !body.type.includes('stoplight.io/prism/errors')) return undefined;
  return said(body.validation?.[0]) ?? textOf(body.detail ?? body.type);
}
