import type { SpecModel } from '../checks/types.ts';
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
import { flowsOf } from './flows/declaration.ts';
import { CannotRunError } from '../base/errors.ts';

/*
 * The spec as a run uses it, apart from the run's context (context.ts): \`npm run contract\` reads and checks the spec
 * with this alone, without loading the transport, the arbitraries and the checks its workers load.
 */

/**
 * `handOverTo`: the file (src/spec/load.ts handOverTo) where `npm run contract` leaves the spec it read and checked
 * for its workers; a spec read from there was checked already.
 */
export async function buildSpecModel(specPath: string, { handOverTo }: { handOverTo?: string } = {}): Promise<SpecModel> {
  const loaded = await loadSpec(specPath, { own: !!handOverTo });
  const { doc } = loaded;
  const model = { doc, operations: indexOperations(doc), rules: readRules(doc), validators: new Validators(doc), provenance: new Provenance(doc) };
  // A declaration that cannot be read would be a rule that never fires: refused here, in one line.
  if (!loaded.handedOver) checkExtensions(model, specPath);
  // A flow rule reported under an id the suite does not publish: refused at load too, not when the flow runs.
  try {
    flowsOf(model);
  } catch (error) {
    if (error instanceof CannotRunError) throw new CannotRunError(`spec: ${specPath}: ${error.message}`);
    throw error;
  }
  if (handOverTo) handOver(loaded, handOverTo);
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

/** One Redactor for a run: the matrix's values, and anything shaped like a credential of the spec's schemes. */
export function redactorFor(tokens: ReadonlyArray<{ name: string; token: string }>, spec: Pick<SpecModel, 'rules'>): Redactor {
  return new Redactor(
    tokens,
    Object.values(spec.rules.schemes)
      .map((s) => s.tokenPrefix)
      .filter((p): p is string => !!p),
  );
}
