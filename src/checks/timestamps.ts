import { unescapeToken } from '../spec/pointer.ts';
import { allowsNull } from '../spec/schema.ts';
import { keywordBasis, type Visit } from '../spec/schema-walk.ts';
import { timestampRepresentation, type RepresentationRule } from '../spec/timestamps.ts';
import { eitherInferred, type Basis } from '../spec/provenance.ts';
import { exampleShowsField } from './conventions/basis.ts';
import { documentedVisits, judgeVisits, responseSchemasHave } from './visits.ts';
import { show } from './show.ts';
import { defineCheck, type Finding, type SpecModel } from './types.ts';
import type { Exchange } from '../client/exchange.ts';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Names the shape of a timestamp, so the report says *what* the server sent. */
export function timestampShape(value: unknown): 'rfc3339' | 'epoch-seconds' | 'epoch-ms' | 'empty' | 'date-only' | 'naive' | 'other' {
  if (typeof value === 'number') return Math.abs(value) >= 1e11 ? 'epoch-ms' : 'epoch-seconds';
  if (typeof value !== 'string') return 'other';
  if (value === '') return 'empty';
  if (RFC3339.test(value) && !Number.isNaN(Date.parse(value))) return 'rfc3339';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'date-only';
  if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return 'naive';
  if (/^\d{10,13}$/.test(value)) return value.length > 11 ? 'epoch-ms' : 'epoch-seconds';
  return 'other';
}

/** The representation a visited field must have in this exchange (negotiated by a request header, or declared). */
export function representationOf(spec: SpecModel, exchange: Exchange, v: Visit): RepresentationRule | undefined {
  return timestampRepresentation(spec.doc, v.schema, v.location, exchange.request.headers);
}

/** What a representation finding rests on: the schema keyword, or the document-level declaration. */
function representationBasis(spec: SpecModel, v: Visit, rule: RepresentationRule): Basis {
  return rule.keyword ? keywordBasis(spec, v, rule.keyword) : eitherInferred(v.inherited, spec.provenance.at(rule.place!));
}

const isTimestampField = (spec: SpecModel, exchange: Exchange) => (v: Visit) =>
  v.present && v.value !== null && representationOf(spec, exchange, v) !== undefined;

/** A documented date-time is an RFC 3339 string (or null where the spec allows): not epoch, not naive, not "". */
export const timestampNotRfc3339 = defineCheck({
  id: 'timestamp-not-rfc3339',
  family: 'timestamps',
  severity: 'error',
  summary: 'a date-time field is not an RFC 3339 timestamp (epoch number, empty string, date only, no offset)',
  appliesTo: (op, spec) =>
    responseSchemasHave(op, spec, (s) => s['format'] === 'date-time' || s['x-timestamp'] === 'rfc3339') || spec.doc['x-negotiated-representations']
      ? true
      : 'no date-time field in any documented response',
  run: (op, exchange, spec) =>
    judgeVisits(
      documentedVisits(op, exchange, spec),
      (v) => isTimestampField(spec, exchange)(v) && representationOf(spec, exchange, v)!.representation.startsWith('rfc3339'),
      (v): Finding | undefined => {
        const rule = representationOf(spec, exchange, v)!;
        const { representation } = rule;
        const shape = timestampShape(v.value);
        const seconds = representation === 'rfc3339-seconds';
        if (shape === 'rfc3339' && (!seconds || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(String(v.value)))) return undefined;
        return {
          location: v.location,
          expected: seconds
            ? 'an RFC 3339 timestamp of the form YYYY-MM-DDTHH:MM:SSZ (negotiated)'
            : `RFC 3339 date-time${allowsNull(v.schema) ? ' or null' : ''}`,
          actual: `${show(v.value)} (${shape})`,
          basis: representationBasis(spec, v, rule),
        };
      },
    ),
});

/**
 * An epoch timestamp in the documented unit: a value in seconds where milliseconds are documented reads as a
 * date in January 1970 to every client, and the reverse as a date thousands of years ahead.
 */
export const timestampWrongUnit = defineCheck({
  id: 'timestamp-wrong-unit',
  family: 'timestamps',
  severity: 'error',
  summary: 'an epoch timestamp is in the other unit (seconds where milliseconds are documented, or the reverse)',
  appliesTo: (op, spec) =>
    responseSchemasHave(op, spec, (s) => typeof s['x-timestamp'] === 'string' && s['x-timestamp'] !== 'rfc3339') || spec.doc['x-timestamps']
      ? true
      : 'no epoch timestamp declared (x-timestamp / x-timestamps)',
  run: (op, exchange, spec) =>
    judgeVisits(
      documentedVisits(op, exchange, spec),
      (v) => isTimestampField(spec, exchange)(v) && representationOf(spec, exchange, v)!.representation.startsWith('epoch') && typeof v.value === 'number',
      (v): Finding | undefined => {
        const rule = representationOf(spec, exchange, v)!;
        const { representation } = rule;
        const shape = timestampShape(v.value);
        if (shape === representation) return undefined;
        const other = new Date(representation === 'epoch-ms' ? (v.value as number) * 1000 : (v.value as number) / 1000);
        return {
          location: v.location,
          expected: `epoch ${representation === 'epoch-ms' ? 'milliseconds' : 'seconds'}`,
          actual: `${show(v.value)} — reads as ${new Date(representation === 'epoch-ms' ? (v.value as number) : (v.value as number) * 1000).toISOString().slice(0, 10)}; in ${shape === 'epoch-ms' ? 'milliseconds' : 'seconds'} it is ${Number.isNaN(other.getTime()) ? '?' : other.toISOString()}`,
          basis: representationBasis(spec, v, rule),
        };
      },
    ),
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
  appliesTo: (op, spec) => (responseSchemasHave(op, spec, allowsNull) ? true : 'no nullable field in any documented response'),
  run(op, exchange, spec, options) {
    if (options.nullable === 'lenient') return null;
    const visits = documentedVisits(op, exchange, spec);
    return judgeVisits(
      visits,
      (v) => v.location !== '' && allowsNull(v.schema),
      (v): Finding | undefined => {
        if (v.present) return undefined;
        // The schema lets the field be absent. Present is documented where an example shows it there; where an
        // example leaves it out, the docs show it may be absent (no finding); otherwise strictness is a guess.
        const cut = v.location.lastIndexOf('/');
        const parent = visits!.find((p) => p.location === v.location.slice(0, cut) && p.keywordAt.has('properties'));
        const shown = exampleShowsField(spec, parent?.keywordAt.get('properties'), unescapeToken(v.location.slice(cut + 1)));
        if (shown === 'absent') return undefined;
        const basis: Basis =
          shown === 'present'
            ? keywordBasis(spec, v, 'type')
            : {
                basis: 'inferred',
                reason:
                  'the schema lets this nullable field be absent and no documented example shows it; CONTRACT_NULLABLE=strict expects it present (null when empty)',
                marking: '(CONTRACT_NULLABLE=strict)',
              };
        return { location: v.location, expected: 'present (null when there is no value)', actual: 'absent', basis };
      },
    );
  },
});
