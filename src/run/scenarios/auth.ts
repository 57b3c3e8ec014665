import type { CheckId } from '../../checks/catalogue.ts';
import fc from 'fast-check';
import { validRequests, type RequestCase } from '../../arbitraries/requests.ts';
import type { Violation } from '../../checks/types.ts';
import { BOUNDARY_SEED } from './boundaries.ts';
import { firstRequest } from './discover.ts';
import { expectUnauthorized } from '../../checks/judges/status.ts';
import type { Auth } from '../../client/transport.ts';
import type { Operation } from '../../spec/operations.ts';
import type { Basis } from '../../spec/provenance.ts';
import { schemesOf, type SecurityScheme } from '../../spec/rules.ts';
import type { RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { checkProperty, propertyRun } from '../property.ts';
import { notApplicable, resultOf, type ScenarioResult } from './result.ts';
import { judgeResponse, judgeScenario, productionWriteBlocked } from './shared.ts';
import type { TokenEntry } from '../../config/tokens.ts';
import { UNISSUED } from '../../base/redact.ts';

export interface BadCredential {
  label: string;
  check: 'auth-not-enforced' | 'auth-token-not-validated';
  /** Prism checks only that a credential is present where the scheme says: what it can show. */
  mock: boolean;
  auth: fc.Arbitrary<Auth>;
  basis: Basis;
}

const secret = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')), minLength: 8, maxLength: 24 });
const b64url = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A credential nobody issued, shaped like the scheme's own (prefix, JWT) so only validation can refuse it. */
function unknownCredential(scheme: SecurityScheme, s: string): string {
  if (/jwt/i.test(scheme.bearerFormat ?? '')) return `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: `${UNISSUED}-${s}`, iat: 1_700_000_000 })}.${s}`;
  return `${scheme.tokenPrefix ?? ''}${UNISSUED}_${s}`;
}

/**
 * The ways a request can fail to carry a valid credential of a scheme: none at all, an empty one, another HTTP
 * scheme, a real token in the wrong place, a token without the scheme's prefix, an unknown token. Each must be
 * refused with 401 — the auth probes follow the security scheme, never an assumed Bearer header.
 */
export function badCredentials(ctx: RunContext, op: Operation, scheme: SecurityScheme, real?: TokenEntry): BadCredential[] {
  const security = ctx.spec.provenance.at(op.securityPointer);
  const at = (member: string) => ctx.spec.provenance.at(`${scheme.pointer}/${member}`);
  const raw = (label: string, placed: { headers?: Record<string, string>; query?: Record<string, string> }): Auth => ({ kind: 'raw', label, ...placed });
  const header = scheme.kind === 'apiKey' && scheme.in !== 'query' && scheme.in !== 'cookie' ? scheme.paramName! : 'Authorization';
  const out: BadCredential[] = [{ label: 'no credential', check: 'auth-not-enforced', mock: true, auth: fc.constant({ kind: 'none' }), basis: security }];
  if (scheme.kind === 'bearer') {
    out.push({
      label: 'empty bearer',
      check: 'auth-not-enforced',
      mock: true,
      auth: fc.constant(raw('empty bearer', { headers: { Authorization: 'Bearer ' } })),
      basis: security,
    });
    out.push({
      label: 'Basic scheme instead of Bearer',
      check: 'auth-not-enforced',
      mock: true,
      auth: secret.map((s) =>
        raw('Basic scheme', { headers: { Authorization: `Basic ${Buffer.from(`${scheme.tokenPrefix ?? ''}${UNISSUED}_${s}:x`).toString('base64')}` } }),
      ),
      basis: security,
    });
  }
  if (scheme.kind === 'apiKey' && header !== 'Authorization') {
    out.push({
      label: `empty ${header}`,
      check: 'auth-not-enforced',
      mock: false,
      auth: fc.constant(raw(`empty ${header}`, { headers: { [header]: '' } })),
      basis: security,
    });
  }
  if (real) {
    // The real credential where the scheme does not put it (nor any place the docs also accept it): accepting it
    // there is not enforcing the scheme.
    const accepted = (scheme.alsoAccepted ?? []).map((a) => `${a.in}:${a.name.toLowerCase()}`);
    const places: Array<[string, { headers?: Record<string, string>; query?: Record<string, string> }]> =
      scheme.kind === 'apiKey'
        ? [
            ['query:' + scheme.paramName!.toLowerCase(), { query: { [scheme.paramName!]: real.token } }],
            ['header:authorization', { headers: { Authorization: `Bearer ${real.token}` } }],
          ]
        : [['query:access_token', { query: { access_token: real.token } }]];
    for (const [where, placed] of places) {
      if (
        accepted.includes(where) ||
        (scheme.in === 'query' && where.startsWith('query:')) ||
        (scheme.in === 'header' && where === `header:${scheme.paramName!.toLowerCase()}`)
      )
        continue;
      const label = `${real.name}'s credential in ${where.replace(':', ' ')}`;
      out.push({ label, check: 'auth-not-enforced', mock: true, auth: fc.constant(raw(label, placed)), basis: security });
    }
  }
  if (scheme.tokenPrefix) {
    out.push({
      label: `credential without the ${scheme.tokenPrefix} prefix`,
      check: 'auth-token-not-validated',
      mock: false,
      auth: secret.map((s) => raw(`credential without ${scheme.tokenPrefix}`, placedBy(scheme, `sk_${UNISSUED}_${s}`))),
      basis: at('x-token-prefix'),
    });
  }
  out.push({
    label: `unknown ${scheme.name} credential`,
    check: 'auth-token-not-validated',
    mock: false,
    auth: secret.map((s) => raw(`unknown ${scheme.name} credential`, placedBy(scheme, unknownCredential(scheme, s)))),
    basis: security,
  });
  return out;
}

/**
 * The real token of the matrix, altered: its last character changed, cut by one, one character longer, in the other
 * case (a token is case-sensitive; a scheme name is not — RFC 7235 — so `bearer x` is never sent as a fault).
 * Each is a credential nobody issued. Deterministic, and what the Redactor must recognise (tests/unit/redact.test.ts).
 */
export function alteredTokens(token: string): Array<{ how: string; value: string }> {
  const last = token.slice(-1);
  const swapped = [...token].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
  const out = [
    { how: 'with its last character changed', value: `${token.slice(0, -1)}${last === 'x' ? 'y' : 'x'}` },
    { how: 'cut by one character', value: token.slice(0, -1) },
    { how: 'one character longer', value: `${token}0` },
  ];
  if (swapped !== token) out.push({ how: 'in the other case', value: swapped });
  return out;
}

/**
 * The real token under another HTTP scheme (for a bearer scheme): `Token …`, `Basic …` with the token as it is, and
 * base64 of it as user:password both ways round. Accepting any of them is not enforcing the scheme.
 */
export function otherSchemes(token: string): Array<{ how: string; header: string }> {
  const b64 = (v: string) => Buffer.from(v).toString('base64');
  return [
    { how: 'as Token', header: `Token ${token}` },
    { how: 'as Basic, as it is', header: `Basic ${token}` },
    { how: 'as Basic user:password (the token as user)', header: `Basic ${b64(`${token}:`)}` },
    { how: 'as Basic user:password (the token as password)', header: `Basic ${b64(`:${token}`)}` },
  ];
}

/** A bad credential sent once, as it is (not drawn by the property). */
export type CredentialVariant = Omit<BadCredential, 'auth'> & { auth: Auth };

/**
 * The real token of the matrix, altered or under another scheme: each must be refused with 401 exactly as an unknown
 * token is. Sent once each, deterministically (not drawn by the property), so every run tries every one.
 */
export function credentialVariants(ctx: RunContext, op: Operation, scheme: SecurityScheme, real: TokenEntry): CredentialVariant[] {
  const security = ctx.spec.provenance.at(op.securityPointer);
  const raw = (label: string, placed: { headers?: Record<string, string>; query?: Record<string, string> }): Auth => ({ kind: 'raw', label, ...placed });
  const out: CredentialVariant[] = [];
  if (scheme.kind === 'bearer') {
    for (const { how, header } of otherSchemes(real.token)) {
      const label = `${real.name}'s token ${how}`;
      // Prism checks that a Bearer credential is there: another scheme is refused there too.
      out.push({ label, check: 'auth-not-enforced', mock: true, auth: raw(label, { headers: { Authorization: header } }), basis: security });
    }
  }
  if (scheme.kind === 'bearer' || scheme.kind === 'apiKey') {
    for (const { how, value } of alteredTokens(real.token)) {
      const label = `${real.name}'s token ${how}`;
      out.push({ label, check: 'auth-token-not-validated', mock: false, auth: raw(label, placedBy(scheme, value)), basis: security });
    }
  }
  return out;
}

function placedBy(scheme: SecurityScheme, value: string): { headers?: Record<string, string>; query?: Record<string, string> } {
  if (scheme.kind === 'apiKey')
    return scheme.in === 'query'
      ? { query: { [scheme.paramName!]: value } }
      : scheme.in === 'cookie'
        ? { headers: { Cookie: `${scheme.paramName}=${value}` } }
        : { headers: { [scheme.paramName!]: value } };
  return { headers: { Authorization: `${scheme.kind === 'basic' ? 'Basic' : 'Bearer'} ${value}` } };
}

/**
 * Checks `auth-not-enforced` (no credential, an empty one, another scheme, the real one in the wrong place) and
 * `auth-token-not-validated` (no prefix, an unknown credential): every operation answers 401 to each, for every
 * scheme it accepts.
 */
export async function checkAuthentication(ctx: RunContext, op: Operation, name: string): Promise<ScenarioResult> {
  const checks: readonly CheckId[] = ['auth-not-enforced', 'auth-token-not-validated'];
  if (!op.authenticated) return notApplicable(name, op.key, checks, 'the operation needs no authentication');
  const blocked = productionWriteBlocked(ctx, op);
  if (blocked) return notApplicable(name, op.key, checks, blocked);
  const schemes = schemesOf(op)
    .map((n) => ctx.spec.rules.schemes[n])
    .filter((s): s is SecurityScheme => !!s);
  const variants = schemes
    .flatMap((scheme) =>
      badCredentials(
        ctx,
        op,
        scheme,
        ctx.tokens.find((t) => t.scheme === scheme.name),
      ),
    )
    .filter((v) => ctx.target.kind === 'live' || v.mock);
  const ledger = new Ledger();
  if (ctx.target.kind === 'mock') {
    ledger.notApplicable(
      'auth-token-not-validated',
      op.key,
      'Prism checks only that a credential is present; a wrong prefix or an unknown credential needs a live target',
    );
  }
  const identity = ctx.tokens[0]?.values;
  const requests = validRequests(ctx.spec, op, identity ? { identity } : {});
  const probeOne = async ([request, { auth, variant: v }]: [RequestCase, { auth: Auth; variant: { label: string } }]) => {
    const variant = variants.find((x) => x.label === v.label)!;
    if (request.unsatisfiable) {
      for (const c of checks) ledger.notApplicable(c, op.key, `could not generate a valid request: ${request.unsatisfiable.join('; ')}`);
      return [];
    }
    return judgeCredential(ctx, ledger, op, request, auth, variant);
  };
  const property = await checkProperty({
    // Every run sends every variant (each must be refused: none left to chance); the variant travels by its
    // label, as a counterexample must be plain data (it is reported and replayed).
    arbitrary: fc.tuple(
      ...variants.map((v) =>
        fc.tuple(
          requests,
          v.auth.map((auth) => ({ auth, variant: { label: v.label } })),
        ),
      ),
    ),
    ...propertyRun(ctx.settings, ctx.runSeed, name, { clock: ctx.clock, label: op.key }),
    // 4 of each at the live default of 100 runs; on the mock (fewer runs) once each: what decides Prism's 401 is
    // the credential, not the request.
    runs: Math.max(1, Math.ceil(ctx.settings.runs / 25)),
    probe: async (probes) => (await Promise.all(probes.map(probeOne))).flat(),
  });
  // The real token altered, or under another scheme: one request each, the same in every run.
  const real = schemes
    .flatMap((scheme) => {
      const token = ctx.tokens.find((t) => t.scheme === scheme.name);
      return token ? credentialVariants(ctx, op, scheme, token) : [];
    })
    .filter((v) => ctx.target.kind === 'live' || v.mock);
  const request = firstRequest(ctx, op, undefined, undefined, BOUNDARY_SEED);
  const found = request.unsatisfiable ? [] : await Promise.all(real.map((v) => judgeCredential(ctx, ledger, op, request, v.auth, v)));
  const directed = found.flat().filter((v) => v.severity === 'error');
  return { ...resultOf(name, ledger, property), errors: [...property.errors, ...directed] };
}

/** One bad credential sent, and judged: 401, as an unknown token gets. */
function judgeCredential(
  ctx: RunContext,
  ledger: Ledger,
  op: Operation,
  request: RequestCase,
  auth: Auth,
  variant: Pick<BadCredential, 'label' | 'check' | 'basis'>,
): Promise<Violation[]> {
  return ctx.transport.send(op, request, auth).then((exchange) => {
    const findings = expectUnauthorized(exchange, variant.basis).map((f) => ({ ...f, expected: `${f.expected} — ${variant.label}` }));
    return [...judgeScenario(ctx, ledger, variant.check, op, exchange, findings), ...judgeResponse(ctx, ledger, op, exchange)];
  });
}
