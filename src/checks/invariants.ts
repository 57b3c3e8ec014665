import { escapeToken } from '../spec/pointer.ts';
import { eitherInferred } from '../spec/provenance.ts';
import { instantOf } from '../spec/timestamps.ts';
import { documentedVisits, judgeVisits, responseSchemasHave } from './visits.ts';
import { show } from './show.ts';
import { defineCheck, type Finding } from './types.ts';

/**
 * Semantic rules the docs state and JSON Schema cannot, declared on a schema as `x-invariants` (see the spec's
 * KycStatus) rather than written into tests, so another API brings its own.
 */
export type Invariant =
  | { id: string; rule: 'nonNullIff' | 'nonNullWhen'; field: string; when: { field: string; equals?: unknown; nonNull?: boolean }; source?: string }
  | { id: string; rule: 'notAfter'; field: string; other: string; source?: string };

export function evaluateInvariant(inv: Invariant, object: Record<string, unknown>): Omit<Finding, 'location'> | undefined {
  if (inv.rule === 'nonNullIff' || inv.rule === 'nonNullWhen') {
    const subject = object[inv.when.field];
    const condition = inv.when.nonNull ? subject !== null && subject !== undefined : subject === inv.when.equals;
    const value = object[inv.field];
    const nonNull = value !== null && value !== undefined;
    // nonNullWhen is one direction of nonNullIff: set whenever the condition holds, free otherwise.
    if (nonNull === condition || (inv.rule === 'nonNullWhen' && !condition)) return undefined;
    const when = inv.when.nonNull ? `${inv.when.field} is non-null` : `${inv.when.field} is ${show(inv.when.equals)}`;
    return {
      expected: `${inv.field} non-null ${inv.rule === 'nonNullWhen' ? 'whenever' : 'exactly when'} ${when} [${inv.id}]`,
      actual: `${inv.field}=${show(value)} while ${inv.when.field}=${show(subject)}`,
    };
  }
  if (inv.rule !== 'notAfter') return undefined;
  // Any representation: RFC 3339 strings, epoch seconds or milliseconds (told apart by magnitude).
  const [a, b] = [instantOf(object[inv.field]), instantOf(object[inv.other])];
  if (a === undefined || b === undefined || a <= b) return undefined;
  return { expected: `${inv.field} ≤ ${inv.other} [${inv.id}]`, actual: `${inv.field}=${show(object[inv.field])}, ${inv.other}=${show(object[inv.other])}` };
}

const declaresInvariants = (s: Record<string, unknown>) => Array.isArray(s['x-invariants']);

export const invariantViolated = defineCheck({
  id: 'invariant-violated',
  family: 'timestamps',
  severity: 'error',
  summary: 'a response breaks a semantic rule the spec declares with x-invariants (e.g. verifiedAt set exactly when approved)',
  appliesTo: (op, spec) => (responseSchemasHave(op, spec, declaresInvariants) ? true : 'no x-invariants on any documented response schema'),
  run(op, exchange, spec) {
    const found = judgeVisits(
      documentedVisits(op, exchange, spec),
      (v) => v.present && declaresInvariants(v.schema) && !!v.value && typeof v.value === 'object' && !Array.isArray(v.value),
      (v) => {
        const at = v.keywordAt.get('x-invariants');
        return (v.schema['x-invariants'] as Invariant[]).flatMap((inv, i): Finding[] => {
          const broken = evaluateInvariant(inv, v.value as Record<string, unknown>);
          if (!broken) return [];
          const basis = eitherInferred(v.inherited, at === undefined ? v.inherited : spec.provenance.at(`${at}/${escapeToken('x-invariants')}/${i}`));
          return [{ location: v.location, ...broken, basis }];
        });
      },
    );
    return found && found.flat();
  },
});
