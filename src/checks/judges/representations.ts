import type { Exchange } from '../../client/exchange.ts';
import { instantOf, negotiatedFields, type NegotiatedRepresentation, type TimestampRepresentation } from '../../spec/timestamps.ts';
import type { Basis } from '../../spec/provenance.ts';
import { show } from '../show.ts';
import type { Finding } from '../types.ts';

/**
 * Judges of negotiated representations (`x-negotiated-representations`, e.g. Sumvin's `X-Timestamp-Format:
 * iso8601`): the same read asked in the default form, in a listed form and with an unknown value, compared field by
 * field. The representations scenario (src/run/scenarios/representations.ts) decides what to ask; these compare.
 */

/** The negotiated fields of a 2xx JSON answer, by location; `undefined` when there is no such answer. */
export function negotiatedFieldsOf(rule: NegotiatedRepresentation, e: Exchange): Map<string, unknown> | undefined {
  const r = e.response;
  if (!r || r.status >= 300 || r.json === undefined) return undefined;
  return new Map(negotiatedFields(rule, r.json).map(({ location, value }) => [location, value]));
}

/** The two answers of one negotiation: the default form (`before`) and the form asked for (`after`), by location. */
export interface Negotiation {
  rule: Pick<NegotiatedRepresentation, 'header' | 'default'>;
  /** The header value sent, and the form the declaration says it asks for. */
  value: string;
  form: TimestampRepresentation;
  before: ReadonlyMap<string, unknown>;
  after: ReadonlyMap<string, unknown>;
  basis: Basis;
}

/**
 * `representation-not-honored`: a listed header value changes the form of the fields — a client that asks for it
 * reads them in that form. Every field still in the default form, and none changed, is the header ignored.
 */
export function representationHonored(given: Negotiation): Finding[] {
  const { rule, value, form, before, after, basis } = given;
  const unchanged = [...before].filter(([at, v]) => v !== null && after.get(at) === v && formOf(v) === rule.default);
  if (!unchanged.length || changed(before, after).length) return [];
  const [at, v] = unchanged[0]!;
  return [
    {
      location: at,
      expected: `${form} with ${rule.header}: ${value}`,
      actual: `${show(v)} — the default form (${unchanged.length} field(s) unchanged)`,
      basis,
    },
  ];
}

/**
 * `representation-instant-mismatch`: a field in the asked form names the same instant as in the default form — a
 * representation changes how time is written, never which time it is. The coarser form decides the precision: an
 * ISO string to the second cannot carry milliseconds.
 */
export function sameInstants(given: Omit<Negotiation, 'value'>): Finding[] {
  const { rule, form, before, after, basis } = given;
  const seconds = form === 'rfc3339-seconds' || form === 'epoch-seconds' || rule.default === 'epoch-seconds' || rule.default === 'rfc3339-seconds';
  return changed(before, after).flatMap(([at, v]): Finding[] => {
    const a = instantOf(v, rule.default);
    const b = instantOf(after.get(at), form);
    if (a === undefined || b === undefined) return [];
    const same = seconds ? Math.floor(a / 1000) === Math.floor(b / 1000) : a === b;
    return same
      ? []
      : [
          {
            location: at,
            expected: `the same instant as the default form ${show(v)} (${new Date(a).toISOString()})`,
            actual: `${show(after.get(at))} (${new Date(b).toISOString()})`,
            basis,
          },
        ];
  });
}

/**
 * `representation-fallback-broken`: a header value the declaration does not list is answered in the default form,
 * not refused — a client that sends a value a newer server knows still gets an answer it can read.
 */
export function unknownFallsBack(given: { rule: NegotiatedRepresentation; unknown: string; exchange: Exchange; basis: Basis }): Finding[] {
  const { rule, unknown, exchange, basis } = given;
  const status = exchange.response?.status;
  const back = negotiatedFieldsOf(rule, exchange);
  if (status === undefined || status >= 300 || !back)
    return [
      {
        location: '',
        expected: `the default form (${rule.default}) for ${rule.header}: ${unknown} — an unknown value falls back`,
        actual: status ? `HTTP ${status}` : 'no response',
        basis,
      },
    ];
  const notDefault = [...back].filter(([, v]) => v !== null && formOf(v) !== rule.default);
  return notDefault.length
    ? [{ location: notDefault[0]![0], expected: `${rule.default} for an unknown ${rule.header}`, actual: show(notDefault[0]![1]), basis }]
    : [];
}

/** The fields whose value the asked form changed (present in both answers, and not null in the default one). */
function changed(before: ReadonlyMap<string, unknown>, after: ReadonlyMap<string, unknown>): Array<[string, unknown]> {
  return [...before].filter(([at, v]) => v !== null && after.has(at) && after.get(at) !== v);
}

/** The form a value is in, as the declarations name them. */
function formOf(v: unknown): string {
  if (typeof v === 'number') return Math.abs(v) >= 1e11 ? 'epoch-ms' : 'epoch-seconds';
  if (typeof v === 'string') return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(v) ? 'rfc3339-seconds' : 'rfc3339';
  return 'other';
}
