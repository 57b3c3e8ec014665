import type { Operation } from './operations.ts';
import { getAt, pointer } from './pointer.ts';
import { deref, refOf } from './refs.ts';
import type { OpenApiDocument } from './types.ts';

/**
 * Where real ids for an operation are read: the list operation, the place of the ids in its answer, and where they
 * go (a path parameter, or a body field).
 */
export interface IdSource {
  operationId: string;
  /** The source operation's key, when known exactly (a link): an operationId need not be unique in a spec. */
  sourceKey?: string;
  idPointer: string;
  param?: string;
  bodyPointer?: string;
}

/**
 * The operation's `x-resource-list`, or else the first OpenAPI link that says where its path parameter comes from.
 * `declaredOnly`: the extension alone — what a probe that needs more than "ids exist" (whose records a list shows)
 * may rest on.
 */
export function idSource(doc: OpenApiDocument, operations: readonly Operation[], op: Operation, { declaredOnly = false } = {}): IdSource | undefined {
  const declared = op.extensions['x-resource-list'] as IdSource | undefined;
  return declared ?? (declaredOnly ? undefined : linkedSources(doc, operations, op)[0]);
}

/** The operation an id source names: by key when the source knows it, else by operationId. */
export function sourceOperation(operations: readonly Operation[], source: IdSource): Operation | undefined {
  return source.sourceKey ? operations.find((o) => o.key === source.sourceKey) : operations.find((o) => o.id === source.operationId);
}

/** Where a path parameter's values can be read: a safe operation and the place in its answer. */
export interface LinkedSource {
  operationId: string;
  sourceKey: string;
  idPointer: string;
  param: string;
  /** The link, as a JSON pointer into the document (what a report names). */
  at: string;
}

/**
 * The operations an OpenAPI `link` says a path parameter of `target` comes from: a read (it writes nothing, and
 * needs no path parameter of its own to be called) whose documented 2xx answer links to `target` by `operationId`
 * or `operationRef`, with the parameter given as `$response.body#<pointer>`. What `x-resource-list` declares, said
 * in OpenAPI's own terms — a spec without our extensions still gets real ids on a live run. Only for a `target` that
 * writes nothing: a link to a DELETE is no licence to delete a real record, which an explicit `x-resource-list`
 * still is. In document order.
 */
export function linkedSources(doc: OpenApiDocument, operations: readonly Operation[], target: Operation): LinkedSource[] {
  let index = indexes.get(doc);
  if (!index) indexes.set(doc, (index = indexLinks(doc, operations)));
  return index.get(target.key) ?? [];
}

const indexes = new WeakMap<OpenApiDocument, Map<string, LinkedSource[]>>();

/** Every usable link of the document, by the key of the operation it leads to: read once per document. */
function indexLinks(doc: OpenApiDocument, operations: readonly Operation[]): Map<string, LinkedSource[]> {
  // An operationId two operations share names neither.
  const ids = operations.map((o) => o.id);
  const byId = new Map(operations.filter((o) => o.id && ids.indexOf(o.id) === ids.lastIndexOf(o.id)).map((o) => [o.id, o]));
  const byPointer = new Map(operations.map((o) => [o.pointer, o]));
  const out = new Map<string, LinkedSource[]>();
  for (const source of operations) {
    // Called with no id of its own: a read that needs one would be sent a made-up id, and find nothing.
    if (source.writes || source.parameters.some((p) => p.in === 'path')) continue;
    for (const [status, response] of Object.entries(rawResponses(doc, source))) {
      if (!/^2/.test(status)) continue;
      const links = deref<Record<string, unknown>>(doc, deref<Record<string, unknown>>(doc, response)?.['links']);
      if (!links || typeof links !== 'object') continue;
      for (const [name, rawLink] of Object.entries(links)) {
        const link = deref<Record<string, unknown>>(doc, rawLink);
        const target = link && linkTarget(link, byId, byPointer);
        if (!target || target === source || target.writes) continue;
        const pathParams = new Set(target.parameters.filter((p) => p.in === 'path').map((p) => p.name));
        const parameters = (link['parameters'] ?? {}) as Record<string, unknown>;
        for (const [key, expression] of Object.entries(parameters)) {
          // `path.id` names the location; a bare `id` is the parameter of that name, wherever it is.
          const param = key.startsWith('path.') ? key.slice(5) : key;
          if (!pathParams.has(param) || typeof expression !== 'string') continue;
          const at = /^\$response\.body#(\/.*)$/.exec(expression)?.[1];
          if (at === undefined) continue;
          // A plain RFC 6901 pointer (the runtime-expression grammar): `%` is a character, not an escape.
          const entry = { operationId: source.id, sourceKey: source.key, idPointer: at, param, at: `${source.pointer}/responses/${status}/links/${name}` };
          out.set(target.key, [...(out.get(target.key) ?? []), entry]);
        }
      }
    }
  }
  return out;
}

function rawResponses(doc: OpenApiDocument, op: Operation): Record<string, unknown> {
  // Through the path item, which may itself be a $ref.
  const item = deref<Record<string, unknown> | undefined>(doc, getAt(doc, pointer('paths', op.path)));
  const node = deref<Record<string, unknown> | undefined>(doc, item?.[op.method]);
  return (node?.['responses'] as Record<string, unknown> | undefined) ?? {};
}

/** The operation a link names: by operationId, or by an operationRef to its place in this document. */
function linkTarget(link: Record<string, unknown>, byId: Map<string, Operation>, byPointer: Map<string, Operation>): Operation | undefined {
  if (typeof link['operationId'] === 'string') return byId.get(link['operationId']);
  const ref = link['operationRef'];
  if (typeof ref !== 'string') return undefined;
  const at = refOf({ $ref: ref });
  return at === undefined ? undefined : byPointer.get(at);
}
