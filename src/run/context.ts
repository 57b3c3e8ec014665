import { createTransport, type Auth, type Transport } from '../client/transport.ts';
import type { CheckOptions, SpecModel } from '../checks/types.ts';
import type { RunSettings } from '../config/env.ts';
import type { TokenEntry } from '../config/tokens.ts';
import { Redactor } from '../report/redact.ts';
import { loadSpec } from '../spec/load.ts';
import { indexOperations } from '../spec/operations.ts';
import { readRules } from '../spec/rules.ts';
import { Validators } from '../spec/validators.ts';

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
}

export async function buildSpecModel(specPath: string): Promise<SpecModel> {
  const { doc } = await loadSpec(specPath);
  return { doc, operations: indexOperations(doc), rules: readRules(doc), validators: new Validators(doc) };
}

export function mockTokens(spec: SpecModel): TokenEntry[] {
  const prefix = spec.rules.tokenPrefix ?? 'app_';
  const scopes = spec.rules.knownScopes ?? [...new Set(spec.operations.flatMap((op) => op.scopeAlternatives.flat()))];
  return [{ name: 'mock-full', token: `${prefix}mock_full_access_token`, scopes, store: 'mock' }];
}

export function createContext<Paths extends {} = {}>(args: {
  spec: SpecModel;
  target: Target;
  settings: RunSettings;
  runSeed: number;
  tokens: TokenEntry[];
}): RunContext {
  const redactor = new Redactor(args.tokens, args.spec.rules.tokenPrefix);
  return {
    ...args,
    redactor,
    transport: createTransport<Paths>({
      baseUrl: args.target.baseUrl,
      timeoutMs: args.settings.timeoutMs,
      maxRequests: args.settings.maxRequests,
      concurrency: args.settings.concurrency,
      redactor,
    }),
    checkOptions: { nullable: args.settings.nullable },
  };
}

export function tokenAuth(t: TokenEntry): Auth {
  return { kind: 'token', name: t.name, token: t.token };
}
