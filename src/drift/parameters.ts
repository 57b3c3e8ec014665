import { textOf } from '../spec/text.ts';
import { compareContent } from './content.ts';
import type { At, DiffRun, KeyRule } from './run.ts';
import { compareSchema, deprecatedRule, docRule, schemaAt } from './schema.ts';
import { child, items, value, type Side } from './side.ts';

/**
 * Parameters, matched by location and name (header names without case), compared both ways and into their
 * schemas at any depth (a `deepObject` filter's enum is a request schema like any other).
 * @see https://spec.openapis.org/oas/v3.1.0#parameter-object
 */
export function compareParameters(run: DiffRun, a: Side | undefined, b: Side | undefined, at: At, paths: { from: string; to: string }): void {
  const before = byKey(items(a));
  const after = byKey(items(b));
  const renamed = pathRenames(before, after, paths);
  for (const [k, x] of before) {
    const y = after.get(k) ?? renamed.get(k);
    if (y) compareParameter(run, x, y, at);
  }
  const matchedAfter = new Set([...before.keys()].map((k) => after.get(k) ?? renamed.get(k)).filter(Boolean));
  const removed = [...before].filter(([k]) => !after.has(k) && !renamed.has(k)).map(([, x]) => x);
  const added = [...after.values()].filter((y) => !matchedAfter.has(y));
  for (const x of removed) {
    // The same name in another location: the parameter moved, which no client follows by itself.
    const moved = added.find((y) => lower(name(y)) === lower(name(x)));
    if (moved) {
      added.splice(added.indexOf(moved), 1);
      run.emit(
        'request-parameter-location-changed',
        where(at, moved),
        { from: x, to: moved },
        `${String(value(child(x, 'in')))} ${name(x)}`,
        `${String(value(child(moved, 'in')))} ${name(moved)}`,
      );
      continue;
    }
    run.emit('request-parameter-removed', where(at, x), { from: x });
  }
  for (const y of added) run.emit(isRequired(y) ? 'request-parameter-added-required' : 'request-parameter-added-optional', where(at, y), { to: y });
}

function compareParameter(run: DiffRun, x: Side, y: Side, at: At): void {
  run.pairVisit(x, y);
  const here = where(at, y);
  run.net(here, x, y, () => run.byKeys(x, y, here, PARAMETER_RULES));
}

type Rule = KeyRule<At>;

const PARAMETER_RULES: Rule[] = [
  {
    keys: ['required'],
    compare: (run, a, b, at) =>
      run.emit(isRequired(b!) ? 'request-parameter-became-required' : 'request-parameter-became-optional', at, {
        from: child(a, 'required'),
        to: child(b, 'required'),
      }),
  },
  { keys: ['name'], compare: (run, a, b, at) => run.emit('path-parameter-renamed', at, { from: child(a, 'name'), to: child(b, 'name') }, name(a!), name(b!)) },
  docRule(['style', 'explode', 'allowReserved', 'allowEmptyValue'], 'request-parameter-style-changed'),
  {
    keys: ['schema', 'content'],
    compare: (run, a, b, at) => {
      // A parameter described by `schema` on one side and `content` on the other is serialized another way.
      if (!!child(a, 'schema') !== !!child(b, 'schema'))
        return run.emit(
          'request-parameter-style-changed',
          at,
          { from: a, to: b },
          child(a, 'schema') ? 'schema' : 'content',
          child(b, 'schema') ? 'schema' : 'content',
        );
      const place = (path: string) => (path ? `${at.location}${path.startsWith('[') ? '' : '.'}${path}` : at.location);
      if (child(a, 'schema')) compareSchema(run, child(a, 'schema'), child(b, 'schema'), schemaAt(at, 'request', place, true));
      else compareContent(run, child(a, 'content'), child(b, 'content'), at, 'request', place);
    },
  },
  deprecatedRule(),
  docRule(['description'], 'description-changed'),
  docRule(['example', 'examples'], 'example-changed'),
];

const lower = (s: string) => s.toLowerCase();
const name = (p: Side) => textOf(value<Record<string, unknown>>(p)?.['name']);
const isRequired = (p: Side) => value<Record<string, unknown>>(p)?.['required'] === true || value<Record<string, unknown>>(p)?.['in'] === 'path';

function keyOf(p: Side): string {
  const location = textOf(value<Record<string, unknown>>(p)?.['in']);
  return `${location}:${location === 'header' ? lower(name(p)) : name(p)}`;
}

function byKey(list: Side[]): Map<string, Side> {
  return new Map(list.map((p) => [keyOf(p), p]));
}

function where(at: At, p: Side): At {
  return { ...at, location: `${textOf(value<Record<string, unknown>>(p)?.['in'])} parameter ${name(p)}` };
}

/** `/things/{id}` → `/things/{thingId}`: the same URL, so the path parameters pair by position. */
function pathRenames(before: Map<string, Side>, after: Map<string, Side>, paths: { from: string; to: string }): Map<string, Side> {
  const out = new Map<string, Side>();
  const names = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const na = names(paths.from);
  const nb = names(paths.to);
  na.forEach((n, i) => {
    const y = nb[i] !== undefined && nb[i] !== n ? after.get(`path:${nb[i]}`) : undefined;
    if (y && before.has(`path:${n}`) && !after.has(`path:${n}`)) out.set(`path:${n}`, y);
  });
  return out;
}
