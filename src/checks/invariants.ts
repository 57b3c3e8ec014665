import { escapeToken, getAt } from '../spec/pointer.ts';
import { eitherInferred } from '../spec/provenance.ts';
import { instantOf } from '../spec/timestamps.ts';
import { documentedVisits, judgeVisits, responseSchemasHave } from './visits.ts';
import { show } from './show.ts';
import { defineCheck, type Finding } from './types.ts';

/**
 * Semantic rules the docs state and JSON Schema cannot, declared on a schema as `x-invariants` (see the spec's
 * KycStatus) rather than written into tests, so another API brings its own.
 */
/** A condition on one field: equal to a value, one of some values, or (non-)null. */
export interface Condition {
  field: string;
  equals?: unknown;
  in?: unknown[];
  nonNull?: boolean;
}

export type Invariant =
  | { id: string; rule: 'nonNullIff' | 'nonNullWhen'; field: string; when: Condition; source?: string }
  | { id: string; rule: 'implies'; when: Condition; then: Condition; source?: string }
  | { id: string; rule: 'notAfter'; field: string; other: string; source?: string };

/** A field by name, or by a pointer relative to the object (`/rejection/can_retry`); `undefined` through a missing parent. */
function fieldOf(object: Record<string, unknown>, field: string): unknown {
  return field.startsWith('/') ? getAt(object, field) : object[field];
}

export function holds(c: Condition, object: Record<string, unknown>): boolean {
  const v = fieldOf(object, c.field);
  if (c.nonNull !== undefined) return (v !== null && v !== undefined) === c.nonNull;
  if (c.in) return c.in.includes(v);
  return v === c.equals;
}

function describeCondition(c: Condition): string {
  if (c.nonNull !== undefined) return `${c.field} is ${c.nonNull ? 'non-null' : 'null'}`;
  if (c.in) return `${c.field} is one of ${show(c.in)}`;
  return `${c.field} is ${show(c.equals)}`;
}

export function evaluateInvariant(inv: Invariant, object: Record<string, unknown>): Omit<Finding, 'location'> | undefined {
  if (inv.rule === 'implies') {
    if (!holds(inv.when, object)) return undefined;
    // Through a null or absent parent the rule holds vacuously: whether the parent must be there is another rule's.
    if (inv.then.field.startsWith('/')) {
      const parent = getAt(object, inv.then.field.slice(0, inv.then.field.lastIndexOf('/')));
      if (inv.then.field.lastIndexOf('/') > 0 && (parent === null || parent === undefined)) return undefined;
    }
    if (holds(inv.then, object)) return undefined;
    const whenObserved = `${inv.when.field}=${show(fieldOf(object, inv.when.field))}`;
    return {
      expected: `${describeCondition(inv.then)} whenever ${describeCondition(inv.when)} [${inv.id}]`,
      actual: `${inv.then.field}=${show(fieldOf(object, inv.then.field))} while ${whenObserved}`,
    };
  }
  if (inv.rule === 'nonNullIff' || inv.rule === 'nonNullWhen') {
    const subject = fieldOf(object, inv.when.field);
    const condition =
      inv.when.nonNull !== undefined || inv.when.in || 'equals' in inv.when ? holds(inv.when, object) : subject !== null && subject !== undefined;
    const value = fieldOf(object, inv.field);
    const nonNull = value !== null && value !== undefined;
    // nonNullWhen is one direction of nonNullIff: set whenever the condition holds, free otherwise.
    if (nonNull === condition || (inv.rule === 'nonNullWhen' && !condition)) return undefined;
    const when = describeCondition(inv.when);
    return {
      expected: `${inv.field} non-null ${inv.rule === 'nonNullWhen' ? 'whenever' : 'exactly when'} ${when} [${inv.id}]`,
      actual: `${inv.field}=${show(value)} while ${inv.when.field}=${show(subject)}`,
    };
  }
  if (inv.rule !== 'notAfter') return undefined;
  // Any representation: RFC 3339 strings, epoch seconds or milliseconds (told apart by magnitude).
  const [first, second] = [fieldOf(object, inv.field), fieldOf(object, inv.other)];
  const [a, b] = [instantOf(first), instantOf(second)];
  if (a === undefined || b === undefined || a <= b) return undefined;
  return { expected: `${inv.field} ≤ ${inv.other} [${inv.id}]`, actual: `${inv.field}=${show(first)}, ${inv.other}=${show(second)}` };
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
