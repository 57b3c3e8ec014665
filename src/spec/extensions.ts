import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { CannotRunError } from '../base/errors.ts';
import { escapeToken, getAt, unescapeToken } from './pointer.ts';
import { schemaAt, type WalkContext } from './schema-walk.ts';
import { deref } from './refs.ts';

/**
 * The shape of every `x-` extension the engine reads (docs/extensions.md), checked at load: a misspelt key or rule
 * would otherwise be a rule that never fires — a silent pass. Unknown `x-` names that are not near one of these
 * (a vendor's own) are left alone.
 */
const reason = { type: 'string', minLength: 1 };
const inferred = { oneOf: [reason, { type: 'object', minProperties: 1, additionalProperties: reason }] };
const pointer = { type: 'string', pattern: '^(/.*)?$' };
const representation = { enum: ['rfc3339', 'rfc3339-seconds', 'epoch-ms', 'epoch-seconds'] };
const strict = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', additionalProperties: false, required, properties: { ...properties, 'x-inferred': inferred } });

const condition = strict({ field: reason, equals: {}, in: { type: 'array', minItems: 1 }, nonNull: { type: 'boolean' } }, ['field']);

export const EXTENSION_SCHEMAS: Record<string, object> = {
  'x-inferred': inferred,
  'x-envelope': strict({ statusField: reason, successField: reason, messageField: reason, dataField: reason, nullDataOnError: { type: 'boolean' } }),
  'x-problem-details': strict({
    statuses: { oneOf: [{ const: 'errors' }, { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[1-5](\\d\\d|XX)$' } }] },
    mediaType: reason,
    instance: { enum: ['request-path', 'request-uri', 'any'] },
    type: { enum: ['absolute-uri', 'any'] },
  }),
  'x-tenant': strict({
    ownerField: reason,
    crossTenantStatus: { type: 'integer', minimum: 400, maximum: 499 },
    smuggledInputs: { type: 'array', items: strict({ in: { enum: ['header', 'query', 'body'] }, name: reason }, ['in', 'name']) },
  }),
  'x-scope-implications': { type: 'object', properties: { 'x-inferred': inferred }, additionalProperties: { type: 'array', items: reason } },
  'x-token-prefix': reason,
  'x-also-accepted': { type: 'array', items: strict({ in: { enum: ['header', 'query', 'cookie'] }, name: reason, prefix: { type: 'string' } }, ['in', 'name']) },
  'x-scopes': { type: 'array', items: reason, minItems: 1 },
  'x-production': { type: 'boolean' },
  'x-writes': { type: 'boolean' },
  'x-identity-value': reason,
  'x-timestamp': representation,
  'x-timestamps': strict({ representation, fields: { type: 'array', minItems: 1, items: reason } }, ['representation', 'fields']),
  'x-negotiated-representations': {
    type: 'array',
    items: strict({ header: reason, default: representation, values: { type: 'object', minProperties: 1, additionalProperties: representation }, fields: { type: 'array', minItems: 1, items: reason } }, ['header', 'default', 'values', 'fields']),
  },
  'x-known-values': { type: 'array', minItems: 1 },
  'x-volatile': { type: 'array', minItems: 1, items: pointer },
  'x-filter': strict({ items: pointer, field: pointer, match: { enum: ['contains', 'equals', 'prefix'] }, caseInsensitive: { type: 'boolean' } }, ['field', 'match']),
  'x-links': { type: 'array', items: strict({ pointer, sameResource: { type: 'boolean' }, volatile: { type: 'array', items: pointer } }, ['pointer']) },
  'x-resource-list': strict({ operationId: reason, idPointer: pointer, param: reason, bodyPointer: pointer }, ['operationId', 'idPointer']),
  'x-pagination': strict(
    { pageParam: reason, limitParam: reason, itemsPointer: pointer, totalPointer: pointer, pagesPointer: pointer, hasNextPointer: pointer, hasPrevPointer: pointer, pagePointer: pointer, nextPagePointer: pointer, prevPagePointer: pointer, pastEnd: { enum: ['empty', 'any'] } },
    ['pageParam', 'limitParam', 'itemsPointer', 'totalPointer', 'pagesPointer', 'hasNextPointer'],
  ),
  'x-invariants': {
    type: 'array',
    items: {
      oneOf: [
        strict({ id: reason, rule: { enum: ['nonNullIff', 'nonNullWhen'] }, field: reason, when: condition, source: reason }, ['id', 'rule', 'field', 'when']),
        strict({ id: reason, rule: { const: 'implies' }, when: condition, then: strict({ field: reason, equals: {}, nonNull: { type: 'boolean' } }, ['field']), source: reason }, ['id', 'rule', 'when', 'then']),
        strict({ id: reason, rule: { const: 'notAfter' }, field: reason, other: reason, source: reason }, ['id', 'rule', 'field', 'other']),
      ],
    },
  },
  'x-clock': strict({ unit: { enum: ['epoch-seconds', 'epoch-ms', 'rfc3339'] }, maxAgeSeconds: { type: 'integer', minimum: 1 }, future: { type: 'boolean' } }, ['unit', 'maxAgeSeconds']),
  'x-negative-cases': {
    type: 'array',
    items: strict(
      {
        name: reason,
        patch: { type: 'object' },
        query: { type: 'object' },
        status: { oneOf: [{ type: 'integer', minimum: 400, maximum: 499 }, { type: 'array', minItems: 1, items: { type: 'integer', minimum: 400, maximum: 499 } }] },
        message: reason,
        source: reason,
      },
      ['name', 'status'],
    ),
  },
  'x-flows': {
    type: 'array',
    items: strict(
      {
        id: reason,
        statePointer: pointer,
        idPointer: pointer,
        keyPointer: pointer,
        states: { type: 'array', minItems: 1, items: reason },
        active: { type: 'array', items: reason },
        terminal: { type: 'array', items: reason },
        edges: { type: 'object', properties: { 'x-inferred': inferred }, additionalProperties: { type: 'array', items: reason } },
        notFound: { type: 'integer' },
        create: strict({ operationId: reason, body: {}, flag: strict({ when: { type: 'array', items: reason }, pointer, equals: {}, check: reason }, ['when', 'pointer', 'equals']) }, ['operationId']),
        read: strict({ operationId: reason, idParam: reason }, ['operationId']),
        transitions: {
          type: 'array',
          items: strict(
            {
              operationId: reason,
              idParam: reason,
              from: { oneOf: [{ const: 'any' }, { type: 'array', items: reason }] },
              to: reason,
              refusal: { type: 'integer', minimum: 400, maximum: 499 },
              preserves: { type: 'array', items: reason },
              body: { type: 'object' },
              keyBody: pointer,
              syncsFirst: reason,
            },
            ['operationId'],
          ),
        },
        checks: strict({ readAgrees: reason, resume: reason, flag: reason, refused: reason, wrongState: reason, terminalChanged: reason, notFound: reason, undeclaredEdge: reason }),
      },
      ['id', 'statePointer', 'states'],
    ),
  },
};

const ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false });
const compiled = new Map<string, ValidateFunction>();
function validatorFor(name: string): ValidateFunction {
  let fn = compiled.get(name);
  if (!fn) compiled.set(name, (fn = ajv.compile(EXTENSION_SCHEMAS[name]!)));
  return fn;
}

const KNOWN = Object.keys(EXTENSION_SCHEMAS);

/** Objects whose keys are names chosen by the API, not keywords. */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'dependentSchemas', '$defs', 'definitions', 'headers', 'schemas', 'responses', 'parameters', 'requestBodies', 'securitySchemes', 'callbacks', 'links', 'pathItems', 'paths', 'webhooks', 'content', 'encoding', 'mapping', 'variables']);

/**
 * Validates every extension of ours found anywhere in the document, and refuses an `x-` name that is almost one of
 * ours. Then the cross-references a typo would silence: operationIds, invariant fields, flow operations and states.
 */
export function checkExtensions(ctx: WalkContext, file: string): void {
  const seen = new Set<object>();
  const visit = (node: unknown, at: string, keysAreNames = false): void => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${at}/${i}`));
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      const here = `${at}/${escapeToken(key)}`;
      // In a map of names (properties, headers, schemas …) a key is the API's own name, e.g. a header `x-request-id`.
      if (keysAreNames) {
        visit(value, here);
        continue;
      }
      if (NAME_MAPS.has(key)) {
        visit(value, here, true);
        continue;
      }
      if (key.startsWith('x-')) {
        if (EXTENSION_SCHEMAS[key]) {
          const fn = validatorFor(key);
          if (!fn(value)) throw new CannotRunError(`spec: ${file}: ${key} at ${here} ${describe(fn.errors?.[0], value)} — see docs/extensions.md`);
        } else {
          const near = KNOWN.find((k) => close(k, key));
          if (near) throw new CannotRunError(`spec: ${file}: ${key} at ${here} is not an extension this suite reads — did you mean ${near}? (a misspelt rule would never be checked)`);
        }
        continue;
      }
      // Examples are data, not contract: their keys are the API's, not ours.
      if (key === 'example' || key === 'examples' || key === 'default' || key === 'const' || key === 'enum') continue;
      visit(value, here);
    }
  };
  visit(ctx.doc, '');
  checkReferences(ctx, file);
}

function describe(error: ErrorObject | undefined, value: unknown): string {
  if (!error) return 'is not valid';
  const where = error.instancePath ? ` (at ${error.instancePath})` : '';
  if (error.keyword === 'additionalProperties') return `has an unknown key ${JSON.stringify(error.params['additionalProperty'])}${where}`;
  if (error.keyword === 'required') return `misses ${JSON.stringify(error.params['missingProperty'])}${where}`;
  if (error.keyword === 'enum') return `has ${error.instancePath || 'a value'} ${JSON.stringify(getAt(value, error.instancePath))}, not one of ${(error.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (error.keyword === 'const' || error.keyword === 'oneOf') return `is not one of the shapes it may take${where} (${error.message})`;
  return `${error.message}${where}`;
}

/** One edit apart, a plural away, or the same but for case, dashes and underscores. */
function close(known: string, name: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  if (norm(known) === norm(name) || norm(known) === `${norm(name)}s` || `${norm(known)}s` === norm(name)) return true;
  return distance(known, name) <= 2 && Math.min(known.length, name.length) > 6;
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0]![j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) dp[i]![j] = Math.min(dp[i - 1]![j]! + 1, dp[i]![j - 1]! + 1, dp[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return dp[a.length]![b.length]!;
}

/** The names in an x-flows entry, of the shape its schema above has checked by then (EXTENSION_SCHEMAS['x-flows']). */
interface FlowNames {
  id: string;
  states: string[];
  active?: string[];
  terminal?: string[];
  edges?: Record<string, unknown>;
  create?: { operationId: string; flag?: { when: string[] } };
  read?: { operationId: string };
  transitions?: Array<{ operationId: string; from?: 'any' | string[]; to?: string; preserves?: string[] }>;
}

/** What a typo in a name would silence: an operationId, an invariant's field, a flow's operation or state. */
function checkReferences(ctx: WalkContext, file: string): void {
  const doc = ctx.doc;
  const operationIds = new Set<string>();
  for (const item of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(deref<Record<string, unknown>>(doc, item))) if (op && typeof op === 'object' && 'operationId' in op) operationIds.add(String((op as Record<string, unknown>)['operationId']));
  }
  const needOperation = (id: string, at: string) => {
    if (!operationIds.has(id)) throw new CannotRunError(`spec: ${file}: ${at} names operationId ${JSON.stringify(id)}, which no operation has — one of ${[...operationIds].slice(0, 8).join(', ')}${operationIds.size > 8 ? ', …' : ''}`);
  };
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(deref<Record<string, unknown>>(doc, item))) {
      const list = (op as Record<string, unknown> | undefined)?.['x-resource-list'] as { operationId?: string } | undefined;
      if (list?.operationId) needOperation(list.operationId, `x-resource-list of ${method.toUpperCase()} ${path}`);
    }
  }
  for (const [name, raw] of Object.entries((doc.components?.['schemas'] as Record<string, unknown>) ?? {})) {
    const invariants = (raw as Record<string, unknown> | undefined)?.['x-invariants'] as Array<{ id: string; field?: string; other?: string; when?: { field: string }; then?: { field: string } }> | undefined;
    if (!invariants) continue;
    const props = new Set(Object.keys((schemaAt(ctx, `/components/schemas/${escapeToken(name)}`)?.schema['properties'] as object | undefined) ?? {}));
    for (const inv of invariants) {
      // A relative pointer (`/rejection/can_retry`) is checked on its first step.
      for (const field of [inv.field, inv.other, inv.when?.field, inv.then?.field].map((f) => (f?.startsWith('/') ? unescapeToken(f.split('/')[1]!) : f))) {
        if (field !== undefined && !props.has(field)) throw new CannotRunError(`spec: ${file}: x-invariants ${inv.id} of ${name} names field ${JSON.stringify(field)}, which ${name} does not have — one of ${[...props].join(', ')}`);
      }
    }
  }
  const flows = (doc['x-flows'] as FlowNames[] | undefined) ?? [];
  for (const flow of flows) {
    const states = new Set<string>(flow['states']);
    const named = (list: unknown, what: string) => {
      if (!Array.isArray(list)) return;
      for (const s of list as unknown[]) if (typeof s !== 'string' || !states.has(s)) throw new CannotRunError(`spec: ${file}: x-flows ${flow['id']} ${what} names state ${JSON.stringify(s)}, which is not in its states (${[...states].join(', ')})`);
    };
    named(flow['active'], 'active');
    named(flow['terminal'], 'terminal');
    for (const [from, to] of Object.entries(flow['edges'] ?? {})) {
      if (from === 'x-inferred') continue;
      named([from], 'edges');
      named(to, `edges.${from}`);
    }
    named(flow['create']?.flag?.when, 'create.flag.when');
    for (const part of ['create', 'read'] as const) if (flow[part]?.operationId) needOperation(flow[part].operationId, `x-flows ${flow['id']} ${part}`);
    for (const t of flow['transitions'] ?? []) {
      needOperation(t['operationId'], `x-flows ${flow['id']} transition`);
      if (t['from'] !== 'any') named(t['from'], `transition ${t['operationId']} from`);
      if (t['to'] !== undefined) named([t['to']], `transition ${t['operationId']} to`);
      named(t['preserves'], `transition ${t['operationId']} preserves`);
    }
  }
}
