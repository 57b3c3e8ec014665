import { keywordBasis } from '../spec/schema-walk.ts';
import { documentedVisits, judgeVisits, responseSchemasHave } from './visits.ts';
import { show } from './show.ts';
import { defineCheck, type Finding } from './types.ts';

/**
 * Enum closure: a response value outside its documented enum — the commonest drift (a status gains `expired`).
 * Reported with the allowed set, so the reader sees at once what the spec would need.
 */
export const enumValueUndocumented = defineCheck({
  id: 'enum-value-undocumented',
  family: 'enum',
  severity: 'error',
  summary: 'a response field carries a value outside its documented enum',
  appliesTo: (op, spec) => (responseSchemasHave(op, spec, (s) => Array.isArray(s['enum'])) ? true : 'no enum in any documented response'),
  run: (op, exchange, spec) =>
    judgeVisits(
      documentedVisits(op, exchange, spec),
      (v) => v.present && Array.isArray(v.schema['enum']) && v.value !== null && typeof v.value !== 'object',
      (v): Finding | undefined => {
        const allowed = v.schema['enum'] as unknown[];
        return allowed.includes(v.value)
          ? undefined
          : { location: v.location, expected: `one of ${show(allowed)}`, actual: show(v.value), basis: keywordBasis(spec, v, 'enum') };
      },
    ),
});

/**
 * An open field (`x-known-values`: a string the docs list values for without closing the set) with a value
 * outside the list: drift to know about, never a failure — the docs promise clients new values may come.
 */
export const openEnumValueUnknown = defineCheck({
  id: 'open-enum-value-unknown',
  family: 'enum',
  severity: 'warning',
  summary: 'a field documented as open (x-known-values) carries a value outside the known ones (a warning)',
  appliesTo: (op, spec) => (responseSchemasHave(op, spec, (s) => Array.isArray(s['x-known-values'])) ? true : 'no x-known-values in any documented response'),
  run: (op, exchange, spec) =>
    judgeVisits(
      documentedVisits(op, exchange, spec),
      (v) => v.present && Array.isArray(v.schema['x-known-values']) && v.value !== null && typeof v.value !== 'object',
      (v): Finding | undefined => {
        const known = v.schema['x-known-values'] as unknown[];
        return known.includes(v.value)
          ? undefined
          : {
              location: v.location,
              expected: `one of the known values ${show(known)} (open: new values may come)`,
              actual: show(v.value),
              basis: keywordBasis(spec, v, 'x-known-values'),
            };
      },
    ),
});
