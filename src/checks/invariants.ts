import { documentedVisits, responseSchemasHave } from './schema-walk.ts';
import { show } from './show.ts';
import { defineCheck, type Finding } from './types.ts';

/**
 * Semantic rules the docs state and JSON Schema cannot, declared on a schema as `x-invariants` (see the spec's
 * KycStatus) rather than written into tests, so another API brings its own.
 */
export type Invariant =
  | { id: string; rule: 'nonNullIff'; field: string; when: { field: string; equals?: unknown; nonNull?: boolean }; source?: string }
  | { id: string; rule: 'notAfter'; field: string; other: string; source?: string };

export function evaluateInvariant(inv: Invariant, object: Record<string, unknown>): Omit<Finding, 'location'> | undefined {
  if (inv.rule === 'nonNullIff') {
    const subject = object[inv.when.field];
    const condition = inv.when.nonNull ? subject !== null && subject !== undefined : subject === inv.when.equals;
    const value = object[inv.field];
    const nonNull = value !== null && value !== undefined;
    if (nonNull === condition) return undefined;
    const when = inv.when.nonNull ? `${inv.when.field} is non-null` : `${inv.when.field} is ${show(inv.when.equals)}`;
    return {
      expected: `${inv.field} non-null exactly when ${when} [${inv.id}]`,
      actual: `${inv.field}=${show(value)} while ${inv.when.field}=${show(subject)}`,
    };
  }
  const first = object[inv.field];
  const second = object[inv.other];
  if (typeof first !== 'string' || typeof second !== 'string') return undefined;
  const [a, b] = [Date.parse(first), Date.parse(second)];
  if (Number.isNaN(a) || Number.isNaN(b) || a <= b) return undefined;
  return { expected: `${inv.field} ≤ ${inv.other} [${inv.id}]`, actual: `${inv.field}=${first}, ${inv.other}=${second}` };
}

const declaresInvariants = (s: Record<string, unknown>) => Array.isArray(s['x-invariants']);

export const invariantViolated = defineCheck({
  id: 'invariant-violated',
  family: 'timestamps',
  severity: 'error',
  summary: 'a response breaks a semantic rule the spec declares with x-invariants (e.g. verifiedAt set exactly when approved)',
  appliesTo: (op, spec) => (responseSchemasHave(op, spec, declaresInvariants) ? true : 'no x-invariants on any documented response schema'),
  run(op, exchange, spec) {
    const findings: Finding[] = [];
    for (const { schema, value, location, present } of documentedVisits(op, exchange, spec)) {
      if (!present || !declaresInvariants(schema) || !value || typeof value !== 'object' || Array.isArray(value)) continue;
      for (const inv of schema['x-invariants'] as Invariant[]) {
        const broken = evaluateInvariant(inv, value as Record<string, unknown>);
        if (broken) findings.push({ location, ...broken });
      }
    }
    return findings;
  },
});
