import fc from 'fast-check';
import { propertyAt, schemaAt, type WalkContext } from '../spec/schema-walk.ts';

/** `x-clock` (docs/extensions.md): a request field that must say "now", within a window. */
export interface ClockRule {
  unit: 'epoch-seconds' | 'epoch-ms' | 'rfc3339';
  maxAgeSeconds: number;
  future?: boolean;
}

export function clockOf(ctx: WalkContext, pointer: string): ClockRule | undefined {
  const rule = schemaAt(ctx, pointer)?.schema['x-clock'];
  return rule && typeof rule === 'object' ? (rule as ClockRule) : undefined;
}

/**
 * A clock-bound value: it reads the clock when the request is serialized (sent), not when it was generated, so a
 * request shrunk or replayed minutes later is still fresh. `offsetSeconds` makes the probes: stale and future.
 */
export class ClockValue {
  constructor(
    readonly rule: ClockRule,
    readonly offsetSeconds = 0,
  ) {}

  now(at = Date.now()): number | string {
    const ms = at + this.offsetSeconds * 1000;
    if (this.rule.unit === 'epoch-seconds') return Math.floor(ms / 1000);
    if (this.rule.unit === 'epoch-ms') return ms;
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  toJSON(): number | string {
    return this.now();
  }

  toString(): string {
    return String(this.now());
  }

  /** What the replay shows: the rule, not a frozen instant that would be stale when replayed. */
  describe(): string {
    return this.offsetSeconds === 0 ? 'now' : this.offsetSeconds < 0 ? `${-this.offsetSeconds} s ago` : `${this.offsetSeconds} s ahead`;
  }
}

export function clockArbitrary(rule: ClockRule): fc.Arbitrary<ClockValue> {
  return fc.constant(new ClockValue(rule));
}

/** The probes of a clock-bound field: past the window by a minute, and (unless future values are allowed) ahead. */
export function clockProbes(rule: ClockRule): Array<{ label: string; value: ClockValue }> {
  const out = [{ label: `${rule.maxAgeSeconds + 60} s old`, value: new ClockValue(rule, -(rule.maxAgeSeconds + 60)) }];
  if (!rule.future) out.push({ label: '5 minutes in the future', value: new ClockValue(rule, 300) });
  return out;
}

/** A clock-bound input of an operation: a parameter by name, or a body field by pointer. */
export interface ClockField {
  in: 'body' | 'query' | 'header' | 'path';
  /** The parameter's name, or the body pointer (`/header/created`). */
  at: string;
  rule: ClockRule;
  /** Where the x-clock is declared (its basis). */
  schemaPointer: string;
}

export function clockFields(
  ctx: WalkContext,
  op: { parameters: Array<{ in: string; name: string; pointer: string }>; body?: { schemaPointer: string; unsupported?: string[] } },
): ClockField[] {
  const out: ClockField[] = [];
  for (const p of op.parameters) {
    const rule = clockOf(ctx, `${p.pointer}/schema`);
    if (rule && p.in !== 'cookie') out.push({ in: p.in as ClockField['in'], at: p.name, rule, schemaPointer: `${p.pointer}/schema` });
  }
  if (op.body && !op.body.unsupported) {
    const visit = (pointer: string, at: string, depth: number): void => {
      if (depth > 4) return;
      const rule = clockOf(ctx, pointer);
      if (rule && at) {
        out.push({ in: 'body', at, rule, schemaPointer: pointer });
        return;
      }
      for (const name of Object.keys((schemaAt(ctx, pointer)?.schema['properties'] as object | undefined) ?? {})) {
        const sub = propertyAt(ctx, pointer, name);
        if (sub) visit(sub, `${at}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1);
      }
    };
    visit(op.body.schemaPointer, '', 0);
  }
  return out;
}
