import fc from 'fast-check';
import { validRequests } from '../../arbitraries/requests.ts';
import { expectUnauthorized } from '../../checks/expectations.ts';
import type { Auth } from '../../client/transport.ts';
import type { Operation } from '../../spec/operations.ts';
import type { RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { checkProperty, propertyRun } from '../property.ts';
import { notApplicable, resultOf, type ScenarioResult } from './result.ts';
import { judgeResponse, judgeScenario, productionWriteBlocked } from './shared.ts';

/** The ways a request can fail to carry a valid app token. `mock: false`: Prism cannot tell (it checks presence only). */
export function badCredentials(prefix: string): Array<{ label: string; check: string; mock: boolean; auth: fc.Arbitrary<Auth> }> {
  const secret = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')), minLength: 8, maxLength: 24 });
  return [
    { label: 'no Authorization header', check: 'auth-not-enforced', mock: true, auth: fc.constant({ kind: 'none' }) },
    { label: 'empty bearer', check: 'auth-not-enforced', mock: true, auth: fc.constant({ kind: 'raw', label: 'empty bearer', value: 'Bearer ' }) },
    { label: 'non-Bearer scheme', check: 'auth-not-enforced', mock: true, auth: secret.map((s) => ({ kind: 'raw', label: 'Basic scheme', value: `Basic ${Buffer.from(`${prefix}${s}:x`).toString('base64')}` }) as Auth) },
    { label: `token without the ${prefix} prefix`, check: 'auth-token-not-validated', mock: false, auth: secret.map((s) => ({ kind: 'raw', label: `bearer without ${prefix}`, value: `Bearer sk_${s}` }) as Auth) },
    { label: `unknown ${prefix} token`, check: 'auth-token-not-validated', mock: false, auth: secret.map((s) => ({ kind: 'raw', label: `unknown ${prefix} token`, value: `Bearer ${prefix}unknown_${s}` }) as Auth) },
  ];
}

/**
 * Checks `auth-not-enforced` (no header, empty bearer, another scheme) and `auth-token-not-validated` (no app_
 * prefix, unknown token): every operation answers 401, in envelope shape, to every kind of bad credential.
 */
export async function checkAuthentication(ctx: RunContext, op: Operation, name: string): Promise<ScenarioResult> {
  const checks = ['auth-not-enforced', 'auth-token-not-validated'];
  if (!op.authenticated) return notApplicable(name, op.key, checks, 'the operation needs no authentication');
  const blocked = productionWriteBlocked(ctx, op);
  if (blocked) return notApplicable(name, op.key, checks, blocked);
  const variants = badCredentials(ctx.spec.rules.tokenPrefix ?? '').filter((v) => ctx.target.kind === 'live' || v.mock);
  const ledger = new Ledger();
  if (ctx.target.kind === 'mock') {
    ledger.notApplicable('auth-token-not-validated', op.key, 'Prism checks only that a bearer token is present; a wrong prefix or an unknown token needs a live target');
  }
  const property = await checkProperty({
    arbitrary: fc.tuple(validRequests(ctx.spec.doc, op), fc.oneof(...variants.map((v) => v.auth.map((auth) => ({ auth, check: v.check }))))),
    ...propertyRun(ctx.settings, ctx.runSeed, name),
    runs: Math.max(variants.length * 4, Math.ceil(ctx.settings.runs / 5)),
    probe: async ([request, { auth, check }]) => {
      const exchange = await ctx.transport.send(op, request, auth);
      return [...judgeScenario(ledger, check, op, exchange, expectUnauthorized(op, exchange)), ...judgeResponse(ctx, ledger, op, exchange)];
    },
  });
  return resultOf(name, ledger, property);
}
