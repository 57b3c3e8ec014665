import type { Exchange } from '../client/exchange.ts';
import type { SpecModel } from '../checks/types.ts';
import { documentedVisits } from '../checks/visits.ts';
import { allowsNull } from '../spec/schema.ts';
import { timestampRepresentation } from '../spec/timestamps.ts';
import { textOf } from '../spec/text.ts';
import { foldIndices } from '../spec/pointer.ts';
import { timestampShape } from '../checks/timestamps.ts';
import { documentedResponse, type Operation } from '../spec/operations.ts';

export type ObservationKind = 'enum-value-unknown' | 'field-unknown' | 'status-undocumented' | 'timestamp-format' | 'nullable-omitted';

/** One thing the server did, stated against the spec: facts, not verdicts (the checks give those). */
export interface Observation {
  kind: ObservationKind;
  operation: string;
  location: string;
  /** The enum value, field name, status code or timestamp shape seen. */
  value: string;
}

export interface ObservationTally extends Observation {
  count: number;
  example: { request: string; value: unknown };
}

/** What one exchange shows that the spec does not say — and which timestamp formats it uses. Pure. */
export function observe(op: Operation, exchange: Exchange, spec: SpecModel): Array<Observation & { sample: unknown }> {
  const r = exchange.response;
  if (!r) return [];
  const out: Array<Observation & { sample: unknown }> = [];
  const documented = documentedResponse(op, r.status);
  if (!documented && r.status !== 429)
    out.push({ kind: 'status-undocumented', operation: op.key, location: '', value: String(r.status), sample: r.json ?? r.text.slice(0, 200) });
  for (const { schema, value, location: at, present } of documentedVisits(op, exchange, spec) ?? []) {
    // One row per field, not per array index: `/data/roles/*/createdAt`.
    const location = foldIndices(at);
    if (!present) {
      if (allowsNull(schema) && location)
        out.push({ kind: 'nullable-omitted', operation: op.key, location, value: location.split('/').pop()!, sample: undefined });
      continue;
    }
    const closed = Array.isArray(schema['enum']) ? schema['enum'] : Array.isArray(schema['x-known-values']) ? schema['x-known-values'] : undefined;
    if (closed && value !== null && typeof value !== 'object' && !closed.includes(value)) {
      out.push({ kind: 'enum-value-unknown', operation: op.key, location, value: textOf(value), sample: value });
    }
    if (value !== null && timestampRepresentation(spec.doc, schema, at, exchange.request.headers))
      out.push({ kind: 'timestamp-format', operation: op.key, location, value: timestampShape(value), sample: value });
    const props = schema['properties'] as Record<string, unknown> | undefined;
    if (
      props &&
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      !(schema['additionalProperties'] && typeof schema['additionalProperties'] === 'object')
    ) {
      for (const key of Object.keys(value))
        if (!(key in props))
          out.push({ kind: 'field-unknown', operation: op.key, location: `${location}/${key}`, value: key, sample: (value as Record<string, unknown>)[key] });
    }
  }
  return out;
}

/** Counts observations, keeping the first example of each. */
export class ObservationLog {
  private readonly tallies = new Map<string, ObservationTally>();

  add(observations: ReadonlyArray<Observation & { sample: unknown }>, exchange: Exchange): void {
    for (const { sample, ...o } of observations) {
      const key = `${o.kind}\u0000${o.operation}\u0000${o.location}\u0000${o.value}`;
      const tally = this.tallies.get(key);
      if (tally) tally.count++;
      else this.tallies.set(key, { ...o, count: 1, example: { request: `${exchange.request.method} ${exchange.request.url}`, value: sample } });
    }
  }

  merge(tallies: readonly ObservationTally[]): void {
    for (const t of tallies) {
      const key = `${t.kind}\u0000${t.operation}\u0000${t.location}\u0000${t.value}`;
      const prev = this.tallies.get(key);
      if (prev) prev.count += t.count;
      else this.tallies.set(key, { ...t });
    }
  }

  list(): ObservationTally[] {
    return [...this.tallies.values()].sort(
      (a, b) => a.operation.localeCompare(b.operation) || a.kind.localeCompare(b.kind) || a.location.localeCompare(b.location),
    );
  }
}

/** What each kind of observation is, as a heading (drift.md, the HTML report). */
export const HEADINGS: Record<ObservationKind, string> = {
  'enum-value-unknown': 'values outside a documented enum',
  'field-unknown': 'fields the spec does not document',
  'status-undocumented': 'status codes the spec does not document',
  'timestamp-format': 'timestamp formats seen',
  'nullable-omitted': 'nullable fields left out instead of null',
};

/** reports/drift.md: per operation, what the live server does beyond the spec — written whether the run passed or not. */
export function liveDriftMarkdown(tallies: readonly ObservationTally[], target: string): string {
  const out = [`# Live drift — ${target}`, ''];
  const surprising = tallies.filter((t) => !(t.kind === 'timestamp-format' && t.value === 'rfc3339'));
  out.push(surprising.length ? `${surprising.length} thing(s) the server did that the spec does not say.` : 'The server did nothing the spec does not say.');
  const byOp = new Map<string, ObservationTally[]>();
  for (const t of tallies) byOp.set(t.operation, [...(byOp.get(t.operation) ?? []), t]);
  for (const [op, list] of byOp) {
    out.push('', `## \`${op}\``);
    for (const kind of Object.keys(HEADINGS) as ObservationKind[]) {
      const rows = list.filter((t) => t.kind === kind);
      if (!rows.length) continue;
      out.push('', `**${HEADINGS[kind]}**`, '', '| where | seen | count | example |', '|---|---|---:|---|');
      for (const t of rows)
        out.push(
          `| \`${t.location || '(response)'}\` | \`${t.value}\` | ${t.count} | \`${JSON.stringify(t.example.value)?.slice(0, 60) ?? 'absent'}\` from \`${t.example.request.slice(0, 80)}\` |`,
        );
    }
  }
  return out.join('\n') + '\n';
}
