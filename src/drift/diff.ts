import type { SpecModel } from '../checks/types.ts';
import type { Operation, Parameter } from '../spec/operations.ts';
import { getAt } from '../spec/pointer.ts';
import type { JsonSchema } from '../spec/types.ts';
import { flatten, type FieldFacts } from './flatten.ts';
import { DRIFT_RULES, type DriftChange, type DriftRuleId } from './rules.ts';

export interface DiffOptions {
  /** Compare only the operations the new spec has (a partial candidate, e.g. rebuilt from doc excerpts). */
  partial?: boolean;
}

/** Every change from one spec version to the next, classified by DRIFT_RULES. Pure. */
export function diffSpecs(from: SpecModel, to: SpecModel, options: DiffOptions = {}): DriftChange[] {
  const changes: DriftChange[] = [];
  const add = (rule: DriftRuleId, operation: string, location: string, before?: unknown, after?: unknown) =>
    changes.push({ rule, level: DRIFT_RULES[rule].level, operation, location, ...(before !== undefined ? { from: show(before) } : {}), ...(after !== undefined ? { to: show(after) } : {}) });
  const next = new Map(to.operations.map((op) => [op.key, op]));
  const prev = new Map(from.operations.map((op) => [op.key, op]));
  for (const [key, op] of prev) {
    const other = next.get(key);
    if (!other) {
      if (!options.partial) add('operation-removed', key, 'operation');
      continue;
    }
    compareOperation(from, to, op, other, (rule, location, a, b) => add(rule, key, location, a, b));
  }
  for (const key of next.keys()) if (!prev.has(key)) add('operation-added', key, 'operation');
  return changes;
}

type Add = (rule: DriftRuleId, location: string, before?: unknown, after?: unknown) => void;

function compareOperation(from: SpecModel, to: SpecModel, a: Operation, b: Operation, add: Add): void {
  for (const status of a.responses.keys()) {
    if (!b.responses.has(status)) add(/^2/.test(status) ? 'success-status-removed' : 'error-status-removed', `response ${status}`);
  }
  for (const status of b.responses.keys()) {
    if (!a.responses.has(status)) add(/^2/.test(status) ? 'success-status-added' : 'error-status-added', `response ${status}`);
  }
  // A side that names no scope says nothing about scopes (docs pages often state them only in prose).
  const scopes = (op: Operation) => op.scopeAlternatives.map((alt) => [...alt].sort().join('+')).sort();
  if (a.scopeAlternatives.some((x) => x.length) && b.scopeAlternatives.some((x) => x.length) && scopes(a).join(' | ') !== scopes(b).join(' | ')) {
    add('scope-requirement-changed', 'security', scopes(a).join(' or '), scopes(b).join(' or '));
  }
  compareParameters(from, to, a.parameters, b.parameters, add);
  if (a.body || b.body) compareBody(flatten(from.doc, a.body?.schema), flatten(to.doc, b.body?.schema), add);
  for (const [status, ra] of a.responses) {
    const rb = b.responses.get(status);
    if (!rb?.schemaPointer || !ra.schemaPointer) continue;
    compareResponse(flatten(from.doc, getAt(from.doc, ra.schemaPointer) as JsonSchema), flatten(to.doc, getAt(to.doc, rb.schemaPointer) as JsonSchema), `response ${status}`, add);
  }
  if (describe(from, a) !== describe(to, b)) add('description-changed', 'description');
}

function describe(spec: SpecModel, op: Operation): string {
  const raw = getAt(spec.doc, `/paths/${op.path.replace(/~/g, '~0').replace(/\//g, '~1')}/${op.method}`) as Record<string, unknown> | undefined;
  return `${raw?.['summary'] ?? ''}\n${raw?.['description'] ?? ''}`;
}

function compareParameters(from: SpecModel, to: SpecModel, a: Parameter[], b: Parameter[], add: Add): void {
  const key = (p: Parameter) => `${p.in}:${p.name}`;
  const before = new Map(a.map((p) => [key(p), p]));
  const after = new Map(b.map((p) => [key(p), p]));
  for (const [k, p] of before) {
    const q = after.get(k);
    const where = `${p.in} parameter ${p.name}`;
    if (!q) {
      add('request-parameter-removed', where);
      continue;
    }
    if (!p.required && q.required) add('request-parameter-became-required', where);
    const fa = flatten(from.doc, p.schema).get('');
    const fb = flatten(to.doc, q.schema).get('');
    if (fa && fb) compareInput(fa, fb, where, add);
  }
  for (const [k, q] of after) {
    if (!before.has(k)) add(q.required ? 'request-parameter-added-required' : 'request-parameter-added-optional', `${q.in} parameter ${q.name}`);
  }
}

function compareBody(a: Map<string, FieldFacts>, b: Map<string, FieldFacts>, add: Add): void {
  for (const [path, fb] of b) {
    if (path === '') continue;
    const fa = a.get(path);
    const where = `body field ${path}`;
    if (!fa) {
      if (!b.get(parentOf(path)) || !a.has(parentOf(path))) continue; // inside a new optional object: its parent is the change
      add(fb.required ? 'request-property-added-required' : 'request-property-added-optional', where);
      continue;
    }
    if (!fa.required && fb.required) add('request-property-became-required', where);
    compareInput(fa, fb, where, add);
  }
}

function compareInput(fa: FieldFacts, fb: FieldFacts, where: string, add: Add): void {
  if (fa.types.join() !== fb.types.join() || fa.format !== fb.format) add('request-type-changed', where, typeText(fa), typeText(fb));
  if (fa.enum && fb.enum) {
    for (const v of fa.enum) if (!fb.enum.includes(v)) add('request-enum-value-removed', where, v);
    for (const v of fb.enum) if (!fa.enum.includes(v)) add('request-enum-value-added', where, undefined, v);
  }
}

function compareResponse(a: Map<string, FieldFacts>, b: Map<string, FieldFacts>, prefix: string, add: Add): void {
  const at = (path: string) => `${prefix} ${path || '(body)'}`;
  for (const [path, fa] of a) {
    const fb = b.get(path);
    if (!fb) {
      if (a.has(parentOf(path)) && !b.has(parentOf(path)) && path !== '') continue; // its parent's removal says it
      add('response-property-removed', at(path));
      continue;
    }
    if (fa.required && !fb.required) add('response-property-became-optional', at(path));
    if (!fa.required && fb.required) add('response-property-became-required', at(path));
    if (!fa.types.includes('null') && !fa.types.includes('any') && fb.types.includes('null')) add('response-property-became-nullable', at(path), typeText(fa), typeText(fb));
    // Narrowing what the server may send breaks no client; only a type the client never saw does.
    if (fb.types.some((t) => t !== 'null' && !covers(fa.types, t))) add('response-type-changed', at(path), typeText(fa), typeText(fb));
    else if (fa.format !== fb.format) add('response-format-changed', at(path), fa.format ?? 'no format', fb.format ?? 'no format');
    if (fb.enum) {
      for (const v of fb.enum) if (!fa.enum?.includes(v)) add('response-enum-value-added', at(path), undefined, v);
    }
    if (fa.enum) for (const v of fa.enum) if (fb.enum && !fb.enum.includes(v)) add('response-enum-value-removed', at(path), v);
    if (fa.description !== fb.description) add('description-changed', at(path));
  }
  for (const path of b.keys()) {
    if (!a.has(path) && a.has(parentOf(path))) add('response-property-added', at(path));
  }
}

function covers(types: string[], t: string): boolean {
  return types.includes('any') || types.includes(t) || (t === 'integer' && types.includes('number'));
}

function parentOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('.'), path.endsWith('[]') ? path.length - 2 : -1, path.lastIndexOf('<'));
  return cut > 0 ? path.slice(0, cut) : '';
}

function typeText(f: FieldFacts): string {
  return `${f.types.join('|')}${f.format ? ` (${f.format})` : ''}`;
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
