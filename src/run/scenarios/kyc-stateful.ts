import fc from 'fast-check';
import type { Exchange } from '../../client/exchange.ts';
import type { Finding, Violation } from '../../checks/types.ts';
import type { Operation } from '../../spec/operations.ts';
import { isGranted } from '../../spec/rules.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { propertyRun } from '../property.ts';
import { resultOf, type ScenarioResult } from './result.ts';
import { judgeResponse, judgeScenario, productionWriteBlocked } from './shared.ts';

export const STATEFUL_CHECKS = ['kyc-session-not-resumed', 'kyc-state-disagrees', 'kyc-already-approved-missing'];

/** What the run has learned about the store's KYC state (starts empty: a live store has history). */
interface Model {
  sessionId?: string;
  status?: string;
}

interface Real {
  violations: Violation[];
}

const ACTIVE = new Set(['pending', 'in_review']);
const data = (e: Exchange) => ((e.response?.json as { data?: Record<string, unknown> } | undefined)?.data ?? {}) as Record<string, unknown>;

/**
 * Model-based test of the KYC flow (fast-check commands): create session → refresh → status agree on status and
 * sessionId; a second create returns the active session, not a new one; an approved store gets alreadyApproved.
 * Needs the three KYC operations (found by operationId) and a token granting all of them.
 */
export async function checkKycFlow(ctx: RunContext, name: string): Promise<ScenarioResult> {
  const ledger = new Ledger();
  const find = (id: string) => ctx.spec.operations.find((o) => o.id === id);
  const [create, refresh, status] = [find('createKycSession'), find('refreshKycStatus'), find('getKycStatus')];
  const na = (reason: string) => {
    for (const c of STATEFUL_CHECKS) ledger.notApplicable(c, 'KYC flow', reason);
    return resultOf(name, ledger);
  };
  if (!create || !refresh || !status) return na('the spec has no createKycSession/refreshKycStatus/getKycStatus operations');
  if (ctx.target.kind === 'mock') return na('the static mock keeps no state between requests');
  const blocked = productionWriteBlocked(ctx, create);
  if (blocked) return na(blocked);
  const token = ctx.tokens.find((t) => [create, refresh, status].every((op) => isGranted(op, t, ctx.spec.rules)));
  if (!token) return na('no token grants WRITE_KYC and READ_KYC together');
  const auth = tokenAuth(ctx, token);
  ledger.notApplicable('kyc-already-approved-missing', 'KYC flow', 'the store was not approved during this run');
  ledger.notApplicable('kyc-session-not-resumed', 'KYC flow', 'no active session was seen during this run');

  const send = async (op: Operation, body: unknown, real: Real) => {
    const exchange = await ctx.transport.send(op, { path: {}, query: {}, headers: {}, ...(body !== undefined ? { body } : {}) }, auth);
    real.violations.push(...judgeResponse(ctx, ledger, op, exchange).filter((v) => v.severity === 'error'));
    return exchange;
  };
  const judge = (real: Real, id: string, op: Operation, e: Exchange, findings: Finding[]) => real.violations.push(...judgeScenario(ctx, ledger, id, op, e, findings));

  const commands = [
    fc.constant<fc.AsyncCommand<Model, Real>>({
      check: () => true,
      toString: () => 'createSession',
      async run(m, r) {
        const e = await send(create, { callbackUrl: 'https://contract-suite.invalid/kyc/callback' }, r);
        const d = data(e);
        if (m.status === 'approved') {
          judge(r, 'kyc-already-approved-missing', create, e, d['alreadyApproved'] === true ? [] : [{ location: '/data/alreadyApproved', expected: 'true: the store is already approved', actual: JSON.stringify(d['alreadyApproved']) }]);
          return;
        }
        if (m.sessionId && ACTIVE.has(m.status ?? '')) {
          judge(r, 'kyc-session-not-resumed', create, e, d['sessionId'] === m.sessionId ? [] : [{ location: '/data/sessionId', expected: `the active session ${m.sessionId}`, actual: JSON.stringify(d['sessionId']) }]);
        }
        if (typeof d['sessionId'] === 'string') m.sessionId = d['sessionId'];
        if (typeof d['status'] === 'string') m.status = d['status'];
      },
    }),
    fc.constant<fc.AsyncCommand<Model, Real>>({
      check: (m) => m.sessionId !== undefined,
      toString: () => 'refresh',
      async run(m, r) {
        const e = await send(refresh, { sessionId: m.sessionId }, r);
        const s = data(e)['status'];
        if (typeof s === 'string') m.status = s;
      },
    }),
    fc.constant<fc.AsyncCommand<Model, Real>>({
      check: () => true,
      toString: () => 'getStatus',
      async run(m, r) {
        const e = await send(status, undefined, r);
        const d = data(e);
        const findings: Finding[] = [];
        if (m.status !== undefined && d['status'] !== m.status) findings.push({ location: '/data/status', expected: `${m.status} (as the last session/refresh answer said)`, actual: JSON.stringify(d['status']) });
        if (m.sessionId !== undefined && ACTIVE.has(m.status ?? '') && d['sessionId'] !== m.sessionId) findings.push({ location: '/data/sessionId', expected: m.sessionId, actual: JSON.stringify(d['sessionId']) });
        if (m.status !== undefined || m.sessionId !== undefined) judge(r, 'kyc-state-disagrees', status, e, findings);
        if (typeof d['status'] === 'string') m.status = d['status'];
        if (typeof d['sessionId'] === 'string') m.sessionId = d['sessionId'];
      },
    }),
  ];

  let failing: Violation[] = [];
  const details = await fc.check(
    fc.asyncProperty(fc.commands(commands, { maxCommands: 8 }), async (cmds) => {
      const real: Real = { violations: [] };
      await fc.asyncModelRun(() => ({ model: {}, real }), cmds);
      if (real.violations.length) {
        failing = real.violations;
        return false;
      }
      return true;
    }),
    (({ runs, concurrent: _sequential, ...rest }) => ({ ...rest, numRuns: Math.min(runs, 25) }))(propertyRun(ctx.settings, ctx.runSeed, name)),
  );
  const result = resultOf(name, ledger);
  return { ...result, seed: details.seed, runs: details.numRuns, errors: details.failed ? failing : [], ...(details.counterexamplePath ? { path: details.counterexamplePath } : {}), ...(details.counterexample ? { counterexample: String(details.counterexample[0]) } : {}) };
}
