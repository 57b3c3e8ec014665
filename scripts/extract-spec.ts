/**
 * npm run extract -- --api <name>           writes that contract from its vendor spec and its overlay
 * npm run extract -- --overlay <file> --out <spec>
 * npm run extract -- --check [--api <name>] fails when a committed contract is not what this script produces now
 * Options: --source <file> extracts from another vendor file than the overlay's `extends` (a newer one, to diff).
 *
 * A contract taken from a vendor's own OpenAPI document is extracted, never retyped: the operations our
 * overlay selects (`x-extract.include` / `exclude`), exactly the components they reference (transitively), and
 * then our rules on top, as OpenAPI Overlay 1.0 actions (a JSONPath `target` and an `update` or `remove`).
 * The overlay of `spec/<name>.yaml` is `spec/<name>.overlay.yaml`; its `extends` names the vendored file.
 * Exit: 0 written or fresh · 1 stale (--check) · 2 bad input (one line).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { exec } from 'jsonpath-rfc9535';
import { parseDocument, stringify } from 'yaml';
import { knownApis } from '../src/config/apis.ts';
import { CannotRunError, EXIT, oneLine } from '../src/base/errors.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** What the overlay's `x-extract` selects: `"GET /v0/kyc/**"`, `"/v0/kyc/*"` (any method). */
export interface Selection {
  include: string[];
  exclude: string[];
}

export interface OverlayAction {
  target: string;
  description?: string;
  update?: Json;
  remove?: boolean;
}

export interface Overlay {
  /** The vendored document, relative to the overlay file (Overlay 1.0 `extends`). */
  extends?: string;
  selection: Selection;
  actions: OverlayAction[];
}

const isObject = (v: unknown): v is JsonObject => !!v && typeof v === 'object' && !Array.isArray(v);
const posix = (p: string) => p.split(sep).join('/');
/** A path as the header and messages show it: relative inside the project, absolute outside it. */
const shown = (file: string) => {
  const rel = relative(process.cwd(), resolve(file));
  return rel && !rel.startsWith('..') ? posix(rel) : posix(resolve(file));
};

// ---------------------------------------------------------------------------------------------------- reading

/** A JSON or YAML file, or one line naming the file and what is wrong with it. */
export function readDocument(file: string, what: string): JsonObject {
  if (!existsSync(file)) throw new CannotRunError(`${what}: ${file} does not exist`);
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.json')) {
    // A vendored spec is megabytes of JSON: JSON.parse reads it in milliseconds, the YAML parser in a second.
    try {
      const doc = JSON.parse(text) as unknown;
      if (isObject(doc)) return doc;
    } catch {
      // fall through: the YAML parser names the line and column
    }
  }
  const parsed = parseDocument(text, { prettyErrors: false });
  const syntax = parsed.errors[0];
  if (syntax) {
    const at = syntax.linePos?.[0];
    throw new CannotRunError(`${what}: ${file}${at ? `:${at.line}:${at.col}` : ''} is not valid YAML/JSON — ${syntax.message.split('\n')[0]}`);
  }
  const doc = parsed.toJS() as unknown;
  if (!isObject(doc)) throw new CannotRunError(`${what}: ${file} is not a JSON/YAML object`);
  return doc;
}

/** An Overlay 1.0 document plus our `x-extract` selection; anything else in it is refused, not ignored. */
export function parseOverlay(doc: JsonObject, file: string): Overlay {
  const fail = (why: string) => new CannotRunError(`overlay: ${file} — ${why}`);
  if (typeof doc['overlay'] !== 'string' || !/^1\.0\.\d+$/.test(doc['overlay'])) throw fail('expected `overlay: 1.0.0` (OpenAPI Overlay 1.0)');
  const info = doc['info'];
  if (!isObject(info) || typeof info['title'] !== 'string' || typeof info['version'] !== 'string') throw fail('`info` needs a title and a version');
  for (const key of Object.keys(doc)) {
    if (!['overlay', 'info', 'extends', 'actions'].includes(key) && !key.startsWith('x-')) throw fail(`unknown field \`${key}\``);
  }
  const extract = doc['x-extract'];
  if (!isObject(extract) || !Array.isArray(extract['include']) || !extract['include'].length) {
    throw fail('`x-extract.include` must list the operations to keep, e.g. ["GET /v0/kyc/**"]');
  }
  const patterns = (key: string): string[] => {
    const list = extract[key] ?? [];
    if (!Array.isArray(list) || list.some((p) => typeof p !== 'string')) throw fail(`\`x-extract.${key}\` must be a list of "METHOD /path/glob" strings`);
    for (const p of list as string[]) parsePattern(p, file);
    return list as string[];
  };
  const unknownExtract = Object.keys(extract).filter((k) => k !== 'include' && k !== 'exclude');
  if (unknownExtract.length) throw fail(`unknown field x-extract.${unknownExtract[0]} (include, exclude)`);
  const actions = doc['actions'];
  if (!Array.isArray(actions) || !actions.length) throw fail('`actions` must be a non-empty list');
  return {
    ...(typeof doc['extends'] === 'string' ? { extends: doc['extends'] } : {}),
    selection: { include: patterns('include'), exclude: patterns('exclude') },
    actions: actions.map((raw, i) => {
      const where = `action ${i + 1}`;
      if (!isObject(raw)) throw fail(`${where} is not an object`);
      for (const key of Object.keys(raw)) {
        if (!['target', 'description', 'update', 'remove'].includes(key) && !key.startsWith('x-')) throw fail(`${where}: unknown field \`${key}\``);
      }
      if (typeof raw['target'] !== 'string' || !raw['target'].startsWith('$')) throw fail(`${where}: \`target\` must be a JSONPath starting with $`);
      if (raw['update'] === undefined && raw['remove'] !== true) throw fail(`${where}: needs \`update\` or \`remove: true\``);
      return raw as unknown as OverlayAction;
    }),
  };
}

// -------------------------------------------------------------------------------------------------- selecting

interface Pattern {
  method?: string;
  path: RegExp;
}

/** `GET /v0/kyc/*`: `*` is one path segment (or part of one), `**` any number of segments. */
function parsePattern(text: string, file: string): Pattern {
  const m = /^(?:([A-Za-z]+|\*)\s+)?(\/\S*)$/.exec(text.trim());
  if (!m || (m[1] && m[1] !== '*' && !(METHODS as readonly string[]).includes(m[1].toLowerCase()))) {
    throw new CannotRunError(`overlay: ${file} — ${JSON.stringify(text)} is not "METHOD /path/glob" (e.g. "GET /v0/kyc/**")`);
  }
  const source = m[2]!
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return { ...(m[1] && m[1] !== '*' ? { method: m[1].toLowerCase() } : {}), path: new RegExp(`^${source}$`) };
}

const matches = (p: Pattern, method: string, path: string) => (!p.method || p.method === method) && p.path.test(path);

/**
 * The vendor document cut down to the selected operations and exactly what they reference. Order is the
 * vendor's throughout, so a re-pin diffs as the vendor's own change did.
 */
export function extract(vendor: JsonObject, selection: Selection, file = 'overlay'): JsonObject {
  const include = selection.include.map((p) => parsePattern(p, file));
  const exclude = selection.exclude.map((p) => parsePattern(p, file));
  const used = new Set<number>();
  const paths: JsonObject = {};
  for (const [path, item] of Object.entries(isObject(vendor['paths']) ? vendor['paths'] : {})) {
    if (!isObject(item)) continue;
    const kept: JsonObject = {};
    for (const [key, value] of Object.entries(item)) {
      if (!(METHODS as readonly string[]).includes(key)) continue;
      const hits = include.flatMap((p, i) => (matches(p, key, path) ? [i] : []));
      if (!hits.length || exclude.some((p) => matches(p, key, path))) continue;
      for (const i of hits) used.add(i);
      kept[key] = value;
    }
    if (!Object.keys(kept).length) continue;
    // Path-level fields (shared parameters, summary, servers) travel with the kept operations, in vendor order.
    paths[path] = Object.fromEntries(Object.entries(item).filter(([k]) => !(METHODS as readonly string[]).includes(k) || k in kept));
  }
  const unused = selection.include.filter((_, i) => !used.has(i));
  if (unused.length)
    throw new CannotRunError(
      `extract: ${unused.map((u) => JSON.stringify(u)).join(', ')} selects no operation of the vendor spec — the vendor removed or moved it; update x-extract in ${file}`,
    );

  const components = isObject(vendor['components']) ? vendor['components'] : {};
  const wanted = referencedComponents(paths, components, vendor['security']);
  const keptComponents: JsonObject = {};
  for (const [section, entries] of Object.entries(components)) {
    if (!isObject(entries)) continue;
    const names = Object.keys(entries).filter((name) => wanted.has(`${section}/${name}`));
    if (names.length) keptComponents[section] = Object.fromEntries(names.map((n) => [n, entries[n]!]));
  }

  const usedTags = new Set(
    Object.values(paths).flatMap((item) => Object.values(item as JsonObject).flatMap((op) => (isObject(op) && Array.isArray(op['tags']) ? op['tags'] : []))),
  );
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(vendor)) {
    if (key === 'paths') out[key] = paths;
    else if (key === 'components') {
      if (Object.keys(keptComponents).length) out[key] = keptComponents;
    } else if (key === 'tags' && Array.isArray(value)) {
      const tags = value.filter((t) => isObject(t) && usedTags.has(t['name'] as string));
      if (tags.length) out[key] = tags;
    } else if (key !== 'webhooks') out[key] = value; // openapi, info, servers, security, externalDocs, x-…
  }
  return structuredClone(out);
}

/**
 * `section/name` of every component the kept operations reach, following `$ref`s (and discriminator mappings)
 * through the components themselves, plus the security schemes their requirements name.
 */
function referencedComponents(paths: JsonObject, components: JsonObject, rootSecurity: Json | undefined): Set<string> {
  const wanted = new Set<string>();
  const queue: Json[] = [paths];
  const want = (ref: string) => {
    if (!ref.startsWith('#')) throw new CannotRunError(`extract: the vendor spec refers to another file (${ref}) — vendor a bundled, self-contained document`);
    const m = /^#\/components\/([^/]+)\/([^/]+)/.exec(ref);
    if (!m) throw new CannotRunError(`extract: $ref ${ref} points outside components — only component references can be carried into an extract`);
    const [section, name] = [m[1]!, decodeURIComponent(m[2]!).replace(/~1/g, '/').replace(/~0/g, '~')];
    const key = `${section}/${name}`;
    if (wanted.has(key)) return;
    const target = isObject(components[section]) ? components[section][name] : undefined;
    if (target === undefined) throw new CannotRunError(`extract: $ref ${ref} does not exist in the vendor spec`);
    wanted.add(key);
    queue.push(target);
  };
  const securityOf = (requirements: Json | undefined) => {
    if (!Array.isArray(requirements)) return;
    for (const r of requirements) if (isObject(r)) for (const name of Object.keys(r)) want(`#/components/securitySchemes/${name}`);
  };
  let anyOperationWithoutSecurity = false;
  for (const item of Object.values(paths)) {
    for (const [key, op] of Object.entries(item as JsonObject)) {
      if (!(METHODS as readonly string[]).includes(key) || !isObject(op)) continue;
      if (op['security'] === undefined) anyOperationWithoutSecurity = true;
      securityOf(op['security']);
    }
  }
  if (anyOperationWithoutSecurity) securityOf(rootSecurity);
  while (queue.length) {
    const node = queue.pop();
    if (Array.isArray(node)) queue.push(...node);
    else if (isObject(node)) {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string') want(v);
        else if (k === 'mapping' && isObject(v) && isObject(node) && 'propertyName' in node) {
          for (const m of Object.values(v)) if (typeof m === 'string' && m.startsWith('#')) want(m);
        } else queue.push(v);
      }
    }
  }
  return wanted;
}

// ----------------------------------------------------------------------------------------------- the overlay

/**
 * Overlay 1.0 applied in order: `remove` takes each selected node out of its object or array; `update` is merged
 * into each selected object (objects recursively, anything else replaced) or appended to each selected array.
 * An action that selects nothing is an error, not a no-op: the vendor moved something one of our rules rests on,
 * and a rule that silently stops applying is exactly the drift this suite exists to catch.
 */
export function applyOverlay(doc: JsonObject, actions: OverlayAction[], file = 'overlay'): JsonObject {
  actions.forEach((action, i) => {
    const where = `overlay: ${file} action ${i + 1}${action.description ? ` (${action.description.split('\n')[0]!.slice(0, 60)})` : ''}`;
    const hits: Array<{ path: Array<string | number>; value: Json }> = [];
    try {
      exec(doc, action.target, (value, path) => hits.push({ path: [...path], value: value }));
    } catch (error) {
      throw new CannotRunError(`${where}: target ${action.target} is not RFC 9535 JSONPath — ${(error as Error).message.split('\n')[0]}`);
    }
    if (!hits.length)
      throw new CannotRunError(`${where}: target ${action.target} selects nothing in the extracted spec — the vendor changed it; fix the target or the rule`);
    if (action.remove) {
      // Deepest and last first, so removing one array element never shifts the index of another still to remove.
      hits.sort((a, b) => b.path.length - a.path.length || compareIndex(b.path, a.path));
      for (const { path } of hits) {
        if (!path.length) throw new CannotRunError(`${where}: cannot remove the whole document`);
        const parent = nodeAt(doc, path.slice(0, -1)) as Json;
        const key = path[path.length - 1]!;
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete (parent as JsonObject)[key as string];
      }
      return;
    }
    for (const { path, value } of hits) {
      if (Array.isArray(value)) value.push(structuredClone(action.update!));
      else if (isObject(value)) {
        if (!isObject(action.update)) throw new CannotRunError(`${where}: target selects an object, so \`update\` must be an object`);
        merge(value, action.update);
      } else
        throw new CannotRunError(
          `${where}: target selects a ${typeof value} at $${path.map((p) => `[${JSON.stringify(p)}]`).join('')} — Overlay updates objects and arrays only`,
        );
    }
  });
  return doc;
}

function compareIndex(a: Array<string | number>, b: Array<string | number>): number {
  const [x, y] = [a[a.length - 1], b[b.length - 1]];
  return typeof x === 'number' && typeof y === 'number' ? x - y : 0;
}

function nodeAt(doc: Json, path: Array<string | number>): Json | undefined {
  let node: Json | undefined = doc;
  for (const key of path) node = Array.isArray(node) ? node[key as number] : isObject(node) ? node[key as string] : undefined;
  return node;
}

function merge(target: JsonObject, update: JsonObject): void {
  for (const [key, value] of Object.entries(update)) {
    const current = target[key];
    if (isObject(current) && isObject(value)) merge(current, value);
    else target[key] = structuredClone(value);
  }
}

/** Every internal `$ref` still resolves after the overlay (an action may add one to a component not kept). */
function assertRefsResolve(doc: JsonObject, file: string): void {
  const stack: Json[] = [doc];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (isObject(node)) {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string') {
          const path = v
            .replace(/^#\/?/, '')
            .split('/')
            .filter(Boolean)
            .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
          if (!v.startsWith('#') || nodeAt(doc, path) === undefined)
            throw new CannotRunError(
              `overlay: ${file} leaves a $ref to ${v}, which the extract does not contain — reference a component the kept operations use`,
            );
        } else stack.push(v);
      }
    }
  }
}

// ----------------------------------------------------------------------------------------------- the output

export interface Extraction {
  /** The overlay file. */
  overlay: string;
  /** The vendor file extracted from (the overlay's `extends` unless another was given). */
  source: string;
  /** The file written (or compared, with --check). */
  out: string;
  /** How to regenerate it, for the header. */
  command: string;
}

/** The vendor pin, when the vendored folder carries one (`PIN`: one line, the upstream commit). */
function pinOf(source: string): string | undefined {
  const pin = resolve(dirname(source), 'PIN');
  return existsSync(pin) ? readFileSync(pin, 'utf8').trim().split('\n')[0] : undefined;
}

/** The extracted contract, exactly as it is written: the header, then the YAML. */
export function render(job: Extraction): string {
  const overlay = parseOverlay(readDocument(job.overlay, 'overlay'), shown(job.overlay));
  const vendor = readDocument(job.source, 'vendor spec');
  if (typeof vendor['openapi'] !== 'string' || !isObject(vendor['paths'])) {
    throw new CannotRunError(`vendor spec: ${shown(job.source)} is not an OpenAPI document (no openapi version or paths)`);
  }
  const doc = applyOverlay(extract(vendor, overlay.selection, shown(job.overlay)), overlay.actions, shown(job.overlay));
  assertRefsResolve(doc, shown(job.overlay));
  const pin = pinOf(job.source);
  const header = [
    `Generated by scripts/extract-spec.ts — do not edit by hand; change the overlay and regenerate.`,
    `Vendor spec: ${shown(job.source)}${pin ? ` at upstream commit ${pin} (${shown(resolve(dirname(job.source), 'PIN'))})` : ''}`,
    `Kept operations and our x- rules: ${shown(job.overlay)} (OpenAPI Overlay 1.0)`,
    `Regenerate with: ${job.command}`,
  ];
  // lineWidth 0: no folding, so one vendor sentence changed is one line changed.
  return `${header.map((l) => `# ${l}`).join('\n')}\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/** The overlay beside a contract: spec/x.yaml → spec/x.overlay.yaml. */
export const overlayFor = (spec: string) => spec.replace(/\.ya?ml$/, '') + '.overlay.yaml';

function jobFor(overlay: string, out: string, source: string | undefined, command: string): Extraction {
  const parsed = parseOverlay(readDocument(overlay, 'overlay'), shown(overlay));
  const from = source ?? (parsed.extends ? resolve(dirname(overlay), parsed.extends) : undefined);
  if (!from) throw new CannotRunError(`overlay: ${shown(overlay)} has no \`extends\` — name the vendored spec there or pass --source <file>`);
  return { overlay, source: from, out, command };
}

/** The jobs a command line asks for: one API, one overlay, or (for --check) every registered API with an overlay. */
function jobsFor(o: { api?: string; overlay?: string; out?: string; source?: string; check?: boolean }): Extraction[] {
  if (o.api && o.overlay) throw new CannotRunError('extract: give --api <name> or --overlay <file>, not both');
  if (o.overlay) {
    const out = o.out ?? o.overlay.replace(/\.overlay\.ya?ml$/, '.yaml');
    if (out === o.overlay) throw new CannotRunError('extract: --overlay files are named <contract>.overlay.yaml, or pass --out <file>');
    // The header names one command per contract, however it was produced, so --check compares like with like.
    const registered = knownApis().find((a) => resolve(a.spec) === resolve(out));
    return [jobFor(o.overlay, out, o.source, registered ? `npm run extract -- --api ${registered.name}` : `npm run extract -- --overlay ${shown(o.overlay)}`)];
  }
  const apis = knownApis().filter((a) => existsSync(overlayFor(a.spec)));
  const chosen = o.api ? apis.filter((a) => a.name === o.api) : o.check ? apis : [];
  if (o.api && !chosen.length) {
    throw new CannotRunError(
      `extract: --api ${o.api} has no overlay — APIs extracted from a vendor spec: ${apis.map((a) => a.name).join(', ') || 'none'} (spec/apis.json + <spec>.overlay.yaml)`,
    );
  }
  if (!chosen.length) throw new CannotRunError(`extract: say what to extract: --api <${apis.map((a) => a.name).join('|') || 'name'}> or --overlay <file>`);
  if (o.out && chosen.length > 1) throw new CannotRunError('extract: --out needs one --api');
  return chosen.map((a) => jobFor(overlayFor(a.spec), o.out ?? a.spec, o.source, `npm run extract -- --api ${a.name}`));
}

function main(): number {
  const program = new Command()
    .name('npm run extract --')
    .option('--api <name>', 'a contract of spec/apis.json whose spec has an overlay beside it')
    .option('--overlay <file>', 'an overlay file (OpenAPI Overlay 1.0 with x-extract)')
    .option('--out <file>', 'where the contract goes (default: the registered spec, or the overlay name without .overlay)')
    .option('--source <file>', "the vendor spec to extract from (default: the overlay's extends)")
    .option('--check', 'fail when the committed contract differs from what this script produces now')
    .exitOverride();
  try {
    program.parse();
  } catch (error) {
    return (error as { code?: string }).code === 'commander.helpDisplayed' ? EXIT.holds : EXIT.cannotRun;
  }
  const o = program.opts<{ api?: string; overlay?: string; out?: string; source?: string; check?: boolean }>();
  let stale = 0;
  for (const job of jobsFor(o)) {
    const fresh = render(job);
    if (!o.check) {
      writeFileSync(job.out, fresh);
      console.log(`wrote ${shown(job.out)} from ${shown(job.source)} and ${shown(job.overlay)}`);
    } else if (!existsSync(job.out) || readFileSync(job.out, 'utf8') !== fresh) {
      console.error(`${shown(job.out)} is stale — run ${job.command}`);
      stale++;
    } else console.log(`${shown(job.out)} is up to date with ${shown(job.source)} and ${shown(job.overlay)}`);
  }
  return stale ? EXIT.violated : EXIT.holds;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let code: number;
  try {
    code = main();
  } catch (error) {
    console.error(`extract: ${oneLine(error).replace(/^extract: /, '')}`);
    code = EXIT.cannotRun;
  }
  process.exit(code);
}
