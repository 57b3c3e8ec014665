import { documentedResponse } from '../spec/operations.ts';
import { walk } from './schema-walk.ts';
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
    const response = exchange.response;
    const documented = response && documentedResponse(op, response.status);
    if (!response || response.json === undefined || !documented?.schemaPointer) return [];
    const findings = [];
    for (const { schema, value, location, present } of walk(spec.doc, documented.schemaPointer, response.json)) {
      const allowed = schema['enum'];
      if (!present || !Array.isArray(allowed) || value === null || typeof value === 'object') continue;
      if (!allowed.includes(value)) findings.push({ location, expected: `one of ${show(allowed)}`, actual: show(value) });
    }
    return findings;
  },
});

import type { Operation } from '../spec/operations.ts';
import type { SpecModel } from './types.ts';
import { getAt } from '../spec/pointer.ts';

/** Whether any documented response schema of the operation has a node matching `test` (walks without a body). */
export function responseSchemasHave(op: Operation, spec: SpecModel, test: (s: Record<string, unknown>) => boolean): boolean {
  const seen = new Set<unknown>();
  const visit = (node: unknown, depth: number): boolean => {
    if (!node || typeof node !== 'object' || depth > 24 || seen.has(node)) return false;
    seen.add(node);
    let schema = node as Record<string, unknown>;
    if (typeof schema['$ref'] === 'string') return visit(getAt(spec.doc, (schema['$ref'] as string).slice(1)), depth + 1);
    if (test(schema)) return true;
    return Object.values(schema).some((child) =>
      Array.isArray(child) ? child.some((c) => visit(c, depth + 1)) : typeof child === 'object' && visit(child, depth + 1),
    );
  };
  return [...op.responses.values()].some((r) => r.schemaPointer && visit(getAt(spec.doc, r.schemaPointer), 0));
}
