import { createTransport, type Auth, type Transport } from '../client/transport.ts';
import type { CheckOptions, SpecModel } from '../checks/types.ts';
import { VerdictCache } from '../checks/verdict-cache.ts';
import type { RunSettings } from '../config/env.ts';
import type { TokenEntry } from '../config/tokens.ts';
import type { Redactor } from '../base/redact.ts';
import { RunClock } from './deadline.ts';
import { redactorFor } from './spec-model.ts';

export type TargetKind = 'mock' | 'live';

export interface Target {
  kind: TargetKind;
  baseUrl: string;
}

/** Everything a scenario needs, built once per worker: spec, transport, tokens, settings. */
export interface RunContext {
  spec: SpecModel;
  target: Target;
  settings: RunSettings;
  runSeed: number;
  /** The token matrix; on the mock a single synthetic token holding every scope. */
  tokens: TokenEntry[];
  transport: Transport;
  redactor: Redactor;
  checkOptions: CheckOptions;
  /** The time budget, a deep run's shares of it, and what the run has done so far. */
  clock: RunClock;
  /** Judgements of responses already seen (none: every response judged afresh, as the overhead bench compares). */
  verdicts?: VerdictCache;
}

export function createContext<Paths extends object = object>(args: {
  spec: SpecModel;
  target: Target;
  settings: RunSettings;
  runSeed: number;
  tokens: TokenEntry[];
  /** Remember judgements (default: yes). */
  verdictCache?: boolean;
  /** The operations the target serves, when it serves only some (a shard's mock: src/run/shard.ts). */
  served?: readonly string[];
}): RunContext {
  const { verdictCache, served, ...given } = args;
  const redactor = redactorFor(args.tokens, args.spec);
  const { deadline, maxTime } = args.settings;
  const transport = createTransport<Paths>({
    baseUrl: args.target.baseUrl,
    timeoutMs: args.settings.timeoutMs,
    // The budget protects a shared sandbox; the embedded mock is ours, and a run cut short there would only be incomplete.
    maxRequests: args.target.kind === 'mock' && !args.settings.maxRequestsSet ? Number.POSITIVE_INFINITY : args.settings.maxRequests,
    concurrency: args.settings.concurrency,
    redactor,
    ...(deadline !== undefined && maxTime ? { deadline: { at: deadline, label: maxTime.label } } : {}),
    ...(served ? { serves: new Set(served) } : {}),
  });
  return {
    ...given,
    redactor,
    transport,
    clock: new RunClock(args.settings, transport),
    checkOptions: { nullable: args.settings.nullable, inferred: args.settings.inferred },
    ...(verdictCache === false ? {} : { verdicts: new VerdictCache() }),
  };
}

export function tokenAuth(ctx: Pick<RunContext, 'spec'>, t: TokenEntry): Auth {
  const scheme = ctx.spec.rules.schemes[t.scheme] ?? { name: t.scheme, kind: 'bearer' as const, pointer: '' };
  return { kind: 'token', name: t.name, token: t.token, scheme };
}
