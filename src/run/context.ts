import { createTransport, type Auth, type Transport } from '../client/transport.ts';
import type { CheckOptions, SpecModel } from '../checks/types.ts';
import { VerdictCache } from '../checks/verdict-cache.ts';
import type { RunSettings } from '../config/env.ts';
import type { TokenEntry } from '../config/tokens.ts';
import { Redactor } from '../base/redact.ts';
import { handOver, loadSpec } from '../spec/load.ts';
import { indexOperations } from '../spec/operations.ts';
import { Provenance } from '../spec/provenance.ts';
import { propertyAt, schemaAt } from '../spec/schema-walk.ts';
import { escapeToken, getAt } from '../spec/pointer.ts';
import { checkExtensions } from '../spec/extensions.ts';
import { readRules, schemesOf } from '../spec/rules.ts';
import { Validators } from '../spec/validators.ts';
import { RunClock } from './deadline.ts';
import { flowsOf } from './flows/declaration.ts';
import { CannotRunError } from '../base/errors.ts';

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

/** `handOverTo`: a directory of this run where a multi-file spec's bundle is left for the workers (handOver). */
export async function buildSpecModel(specPath: string, { handOverTo }: { handOverTo?: string } = {}): Promise<SpecModel> {
  const loaded = await loadSpec(specPath);
  if (handOverTo) handOver(loaded, handOverTo);
  const { doc } = loaded;
  const model = { doc, operations: indexOperations(doc), rules: readRules(doc), validators: new Validators(doc), provenance: new Provenance(doc) };
  // A declaration that cannot be read would be a rule that never fires: refused here, in one line.
  checkExtensions(model, specPath);
  // A flow rule reported under an id the suite does not publish: refused at load too, not when the flow runs.
  try {
    flowsOf(model);
  } catch (error) {
    if (error instanceof CannotRunError) throw new CannotRunError(`spec: ${specPath}: ${error.message}`);
    throw error;
  }
  return model;
}

/**
 * The mock's identities: one per security scheme the operations use, holding every scope (Prism checks only
 * that a credential is present), with the example values of every `x-identity-value` input.
 */
export function mockTokens(spec: SpecModel): TokenEntry[] {
  const schemes = [...new Set(spec.operations.flatMap(schemesOf))];
  return schemes.map((name) => {
    const scheme = spec.rules.schemes[name];
    const scopes = scheme?.scopes ?? [
      ...new Set(spec.operations.flatMap((op) => op.security.flatMap((r) => r.schemes.filter((s) => s.scheme === name).flatMap((s) => s.scopes)))),
    ];
    return {
      name: `mock-${name}`,
      token: `${scheme?.tokenPrefix ?? ''}mock_${name}_credential`,
      scheme: name,
      scopes,
      store: 'mock',
      values: identityExamples(spec),
    };
  });
}

/**
 * For the mock: each `x-identity-value` input's documented example stands for the identity's own value — a
 * parameter's example, a property's own example, or the value at its place in the request body's example.
 */
function identityExamples(spec: SpecModel): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const op of spec.operations) {
    for (const p of op.parameters) {
      const key = p.extensions['x-identity-value'] ?? (p.schema as Record<string, unknown>)['x-identity-value'];
      if (typeof key === 'string' && p.example !== undefined) out[key] ??= p.example;
    }
    if (!op.body || op.body.unsupported) continue;
    const visit = (pointer: string, at: string, depth: number): void => {
      const node = schemaAt(spec, pointer);
      if (!node || depth > 4) return;
      const key = node.schema['x-identity-value'];
      if (typeof key === 'string') {
        const example = node.schema['example'] ?? getAt(op.body!.example, at);
        if (example !== undefined) out[key] ??= example;
        return;
      }
      for (const name of Object.keys((node.schema['properties'] as object | undefined) ?? {})) {
        const sub = propertyAt(spec, pointer, name);
        if (sub) visit(sub, `${at}/${escapeToken(name)}`, depth + 1);
      }
    };
    visit(op.body.schemaPointer, '', 0);
  }
  return out;
}

export function createContext<Paths extends object = object>(args: {
  spec: SpecModel;
  target: Target;
  settings: RunSettings;
  runSeed: number;
  tokens: TokenEntry[];
  /** Remember judgements (default: yes). */
  verdictCache?: boolean;
}): RunContext {
  const { verdictCache, ...given } = args;
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

/** One Redactor for a run: the matrix's values, and anything shaped like a credential of the spec's schemes. */
export function redactorFor(tokens: ReadonlyArray<{ name: string; token: string }>, spec: Pick<SpecModel, 'rules'>): Redactor {
  return new Redactor(
    tokens,
    Object.values(spec.rules.schemes)
      .map((s) => s.tokenPrefix)
      .filter((p): p is string => !!p),
  );
}

export function tokenAuth(ctx: Pick<RunContext, 'spec'>, t: TokenEntry): Auth {
  const scheme = ctx.spec.rules.schemes[t.scheme] ?? { name: t.scheme, kind: 'bearer' as const, pointer: '' };
  return { kind: 'token', name: t.name, token: t.token, scheme };
}
