import { allowsNull, documentedVisits, responseSchemasHave } from './schema-walk.ts';
import { show } from './show.ts';
import { defineCheck } from './types.ts';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Names the shape of a non-RFC 3339 timestamp, so the report says *what* the server sent. */
export function timestampShape(value: unknown): 'rfc3339' | 'epoch-seconds' | 'epoch-ms' | 'empty' | 'date-only' | 'naive' | 'other' {
  if (typeof value === 'number') return value > 1e11 ? 'epoch-ms' : 'epoch-seconds';
  if (typeof value !== 'string') return 'other';
  if (value === '') return 'empty';
  if (RFC3339.test(value) && !Number.isNaN(Date.parse(value))) return 'rfc3339';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'date-only';
  if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return 'naive';
  if (/^\d{10,13}$/.test(value)) return value.length > 11 ? 'epoch-ms' : 'epoch-seconds';
  return 'other';
}

const hasTimestamp = (s: Record<string, unknown>) => s['format'] === 'date-time';
const isNullable = (s: Record<string, unknown>) => allowsNull(s);

/** A documented date-time is an RFC 3339 string (or null where the spec allows): not epoch, not naive, not "". */
export const timestampNotRfc3339 = defineCheck({
  id: 'timestamp-not-rfc3339',
  family: 'timestamps',
  severity: 'error',
  summary: 'a date-time field is not an RFC 3339 timestamp (epoch number, empty string, date only, no offset)',
  appliesTo: (op, spec) => (responseSchemasHave(op, spec, hasTimestamp) ? true : 'no date-time field in any documented response'),
  run(op, exchange, spec) {
    const findings = [];
    for (const { schema, value, location, present } of documentedVisits(op, exchange, spec)) {
      if (!present || !hasTimestamp(schema) || (value === null && allowsNull(schema))) continue;
      const shape = timestampShape(value);
      if (shape !== 'rfc3339') {
        findings.push({ location, expected: `RFC 3339 date-time${allowsNull(schema) ? ' or null' : ''}`, actual: `${show(value)} (${shape})` });
      }
    }
    return findings;
  },
});

/**
 * A documented nullable field is present, holding null, rather than left out: clients written against the
 * docs read `data.verifiedAt === null`, and `undefined` slips past that. `CONTRACT_NULLABLE=lenient` relaxes it.
 */
export const nullableFieldOmitted = defineCheck({
  id: 'nullable-field-omitted',
  family: 'timestamps',
  severity: 'error',
  summary: 'a documented nullable field is missing instead of null',
  appliesTo: (op, spec) => (responseSchemasHave(op, spec, isNullable) ? true : 'no nullable field in any documented response'),
  run(op, exchange, spec, options) {
    if (options.nullable === 'lenient') return [];
    const findings = [];
    for (const { schema, location, present } of documentedVisits(op, exchange, spec)) {
      if (!present && location !== '' && allowsNull(schema)) {
        findings.push({ location, expected: 'present (null when there is no value)', actual: 'absent' });
      }
    }
    return findings;
  },
});
