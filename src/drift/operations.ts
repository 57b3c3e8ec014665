import { HTTP_METHODS } from '../spec/types.ts';
import { textOf } from '../spec/text.ts';
import { compareRequestBody, compareResponses } from './content.ts';
import { compareParameters } from './parameters.ts';
import type { At, DiffRun, KeyRule } from './run.ts';
import { docRule, type Direction } from './schema.ts';
import { compareSecurity } from './security.ts';
import { compareServers } from './servers.ts';
import { child, items, keysOf, synthetic, value, type Side } from './side.ts';

/** One operation of one document, with what it inherits (path-level parameters, the document's security). */
export interface OperationSide {
  /** `GET /kyc/status`, or `POST (webhook) newPet`. */
  key: string;
  /** The same operation whatever its path parameters are called: `get /roles/{}`. */
  match: string;
  path: string;
  item: Side;
  /** The operation object with `parameters` and `security` replaced by the effective ones. */
  side: Side;
  /** It states no `security` of its own: the document's applies. */
  inherits: boolean;
}

/** Every operation under `paths` (or `webhooks`), in document order. */
export function operationsOf(root: Side, container: 'paths' | 'webhooks' = 'paths'): OperationSide[] {
  const out: OperationSide[] = [];
  const paths = child(root, container);
  for (const path of keysOf(paths)) {
    const item = child(paths, path)!;
    for (const method of HTTP_METHODS) {
      const op = child(item, method);
      if (!op) continue;
      const key = container === 'paths' ? `${method.toUpperCase()} ${path}` : `${method.toUpperCase()} (webhook) ${path}`;
      out.push({ key, match: `${method} ${path.replace(/\{[^}]+\}/g, '{}')}`, path, item, side: effective(op, item, root), inherits: !child(op, 'security') });
    }
  }
  return out;
}

/** Path-level parameters merged under the operation's own (same location and name: the operation's wins), and the security that applies. */
function effective(op: Side, item: Side, root: Side): Side {
  const own = items(child(op, 'parameters'));
  const shared = items(child(item, 'parameters'));
  const keyOf = (p: Side) => `${String(value<Record<string, unknown>>(p)?.['in'])}:${String(value<Record<string, unknown>>(p)?.['name'])}`;
  const ownKeys = new Set(own.map(keyOf));
  const params = [...shared.filter((p) => !ownKeys.has(keyOf(p))), ...own];
  const security = child(op, 'security') ?? child(root, 'security');
  const node: Record<string, unknown> = { ...(op.node as Record<string, unknown>) };
  const origins = new Map<string, Side>(keysOf(op).map((k) => [k, child(op, k)!]));
  delete node['parameters'];
  origins.delete('parameters');
  if (params.length) {
    node['parameters'] = params.map((p) => p.node);
    origins.set('parameters', { ...synthetic(op, node['parameters'] as unknown[], new Map(params.map((p, i) => [String(i), p])), 'parameters'), set: true });
  }
  if (security) {
    node['security'] = security.node;
    origins.set('security', security);
  }
  return synthetic(op, node, origins);
}

export interface OperationsContext {
  root: { from: Side; to: Side };
  container: 'paths' | 'webhooks';
}

/**
 * Operations matched by method and path (path parameter names aside), compared both ways. An operation removed
 * breaks clients unless it was deprecated first — and then only once its announced sunset date has passed.
 */
export function compareOperations(run: DiffRun, ctx: OperationsContext): void {
  const before = operationsOf(ctx.root.from, ctx.container);
  const after = operationsOf(ctx.root.to, ctx.container);
  const exact = new Map(after.map((op) => [op.key, op]));
  const loose = new Map<string, OperationSide[]>();
  for (const op of after) loose.set(op.match, [...(loose.get(op.match) ?? []), op]);
  const matched = new Set<OperationSide>();
  const counterpart = (op: OperationSide) => {
    const hit = exact.get(op.key) ?? (loose.get(op.match)?.length === 1 ? loose.get(op.match)![0] : undefined);
    return hit && !matched.has(hit) ? hit : undefined;
  };
  // A webhook is a request the API sends: its body travels like a response, its responses like requests.
  const dirs: { body: Direction; responses: Direction } =
    ctx.container === 'webhooks' ? { body: 'response', responses: 'request' } : { body: 'request', responses: 'response' };
  for (const op of before) {
    const other = counterpart(op);
    if (!other) {
      if (!run.options.partial) removed(run, op);
      continue;
    }
    matched.add(other);
    compareOperation(run, op, other, dirs);
  }
  for (const op of after) if (!matched.has(op)) run.emit('operation-added', { operation: op.key, location: 'operation' }, { to: op.side });
  if (!run.options.partial) comparePathItems(run, before, after);
}

function removed(run: DiffRun, op: OperationSide): void {
  const at = { operation: op.key, location: 'operation' };
  const node = value<Record<string, unknown>>(op.side) ?? {};
  if (node['deprecated'] !== true) return run.emit('operation-removed', at, { from: op.side });
  const sunset = Date.parse(textOf(node['x-sunset']));
  const now = (run.options.now ?? new Date()).getTime();
  if (!Number.isNaN(sunset) && sunset > now)
    return run.emit('operation-removed-before-sunset', at, { from: op.side }, undefined, `sunset ${String(node['x-sunset'])}`);
  run.emit('deprecated-operation-removed', at, { from: op.side });
}

function compareOperation(run: DiffRun, a: OperationSide, b: OperationSide, dirs: { body: Direction; responses: Direction }): void {
  const at: At = { operation: b.key, location: 'operation' };
  const rules: Array<KeyRule<At>> = [
    { keys: ['parameters'], compare: (r, x, y) => compareParameters(r, child(x, 'parameters'), child(y, 'parameters'), at, { from: a.path, to: b.path }) },
    { keys: ['security'], compare: (r, x, y) => compareSecurity(r, child(x, 'security'), child(y, 'security'), at, !!r.options.partial) },
    { keys: ['requestBody'], compare: (r, x, y) => compareRequestBody(r, child(x, 'requestBody'), child(y, 'requestBody'), at, dirs.body) },
    { keys: ['responses'], compare: (r, x, y) => compareResponses(r, child(x, 'responses'), child(y, 'responses'), at, dirs.responses) },
    {
      keys: ['deprecated'],
      compare: (r, x, y) =>
        r.emit(
          value(child(y, 'deprecated')) === true ? 'operation-deprecated' : 'operation-reactivated',
          { ...at, location: 'deprecated' },
          { from: child(x, 'deprecated'), to: child(y, 'deprecated') },
        ),
    },
    {
      keys: ['operationId'],
      compare: (r, x, y) =>
        r.emit(
          'operation-id-changed',
          { ...at, location: 'operationId' },
          { from: child(x, 'operationId'), to: child(y, 'operationId') },
          value(child(x, 'operationId')),
          value(child(y, 'operationId')),
        ),
    },
    { keys: ['servers'], compare: (r, x, y) => compareServers(r, child(x, 'servers'), child(y, 'servers'), at) },
    docRule(['tags'], 'tags-changed'),
    docRule(['summary', 'description', 'externalDocs'], 'description-changed'),
  ];
  run.net(at, a.side, b.side, () => run.byKeys(a.side, b.side, at, rules));
}

/** What a path item says besides its operations: summary, description, servers, `x-` rules. */
function comparePathItems(run: DiffRun, before: OperationSide[], after: OperationSide[]): void {
  const itemsOf = (ops: OperationSide[]) => new Map(ops.map((op) => [op.path.replace(/\{[^}]+\}/g, '{}'), op]));
  const ia = itemsOf(before);
  const ib = itemsOf(after);
  for (const [path, x] of ia) {
    const y = ib.get(path);
    if (!y) continue;
    const at = { operation: `(path ${y.path})`, location: 'path item' };
    const withOps = [...HTTP_METHODS, 'parameters'];
    run.byKeys(
      x.item,
      y.item,
      at,
      [
        { keys: ['servers'], compare: (r, p, q) => compareServers(r, child(p, 'servers'), child(q, 'servers'), at) },
        docRule(['summary', 'description'], 'description-changed'),
      ],
      { skip: withOps },
    );
  }
}
