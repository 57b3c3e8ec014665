import { documentedVisits, responseSchemasHave } from './schema-walk.ts';
import { show } from './show.ts';
import { defineCheck } from './types.ts';

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
  run(op, exchange, spec) {
    const findings = [];
    for (const { schema, value, location, present } of documentedVisits(op, exchange, spec)) {
      const allowed = schema['enum'];
      if (!present || !Array.isArray(allowed) || value === null || typeof value === 'object') continue;
      if (!allowed.includes(value)) findings.push({ location, expected: `one of ${show(allowed)}`, actual: show(value) });
    }
    return findings;
  },
});
