import type { Exchange } from '../client/exchange.ts';
import { documentedResponse, type Operation } from '../spec/operations.ts';
import { schemasHave, walk, type Visit } from '../spec/schema-walk.ts';
import type { SpecModel } from './types.ts';

/**
 * The visits of an exchange's JSON body against the schema documented for its status; `null` when the body is
 * not JSON or the status documents no schema — nothing a field-level check could judge.
 */
export function documentedVisits(op: Operation, exchange: Exchange, spec: SpecModel): readonly Visit[] | null {
  const r = exchange.response;
  const documented = r && documentedResponse(op, r.status);
  if (!r || r.json === undefined || !documented?.schemaPointer) return null;
  return walk(spec, documented.schemaPointer, r.json);
}

/** Whether any documented response schema of the operation has a node matching `test`. */
export function responseSchemasHave(op: Operation, spec: SpecModel, test: (s: Record<string, unknown>) => boolean): boolean {
  const pointers = [...op.responses.values()].map((r) => r.schemaPointer).filter((p): p is string => p !== undefined);
  return schemasHave(spec.doc, pointers, test);
}

/**
 * Runs `judge` over the visits of a body; `null` (judged nothing) when no visit was one `relevant` selects.
 * The shared shape of every field-level check.
 */
export function judgeVisits<F>(visits: readonly Visit[] | null, relevant: (v: Visit) => boolean, judge: (v: Visit) => F | undefined): F[] | null {
  if (!visits) return null;
  let judged = false;
  const out: F[] = [];
  for (const v of visits) {
    if (!relevant(v)) continue;
    judged = true;
    const f = judge(v);
    if (f !== undefined) out.push(f);
  }
  return judged ? out : null;
}
