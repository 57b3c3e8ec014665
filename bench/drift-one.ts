/**
 * One drift measurement in a process of its own (so peak RSS is this comparison's alone):
 *   tsx bench/drift-one.ts <spec> [edits] [write-edited-copy-to.json] → one JSON line
 * Loads (bundles) the spec, makes an edited copy of the loaded document — `edits` changes spread over it, of the
 * kinds reviewers make: a request bound tightened, a response enum value added, a required parameter added, a
 * response field removed, an operation deprecated, one operation removed — and times the diff of the two, and of
 * the document with an unedited copy of itself (the "No changes" path).
 */
import { writeFileSync } from 'node:fs';
import { diffDocuments } from '../src/drift/diff.ts';
import { loadSpec } from '../src/spec/load.ts';
import { HTTP_METHODS } from '../src/spec/types.ts';

const [specPath, editsArg, writeTo] = process.argv.slice(2);
const wanted = Number(editsArg ?? 60);
const ms = (t: number) => Math.round(performance.now() - t);

let t = performance.now();
const { doc } = await loadSpec(specPath!);
const load = ms(t);

type Node = Record<string, unknown>;
const editedDoc = structuredClone(doc);
const edited = editedDoc as unknown as Node; // the same copy, edited as plain JSON
const operations: Node[] = [];
for (const item of Object.values((edited['paths'] ?? {}) as Record<string, Node>)) for (const m of HTTP_METHODS) if (item[m]) operations.push(item[m] as Node);
const schemas: Node[] = [];
const walk = (node: unknown, seen = new Set<unknown>()): void => {
  if (!node || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  if (!Array.isArray(node) && ((node as Node)['type'] === 'string' || (node as Node)['type'] === 'object')) schemas.push(node as Node);
  for (const v of Object.values(node)) walk(v, seen);
};
walk(edited);

let made = 0;
const every = (list: unknown[], share: number) => Math.max(1, Math.floor(list.length / Math.max(1, Math.round(wanted * share))));
schemas.forEach((s, i) => {
  if (i % every(schemas, 0.5) !== 0 || made >= wanted) return;
  const properties = s['properties'] as Node | undefined;
  if (s['type'] === 'string') {
    if (s['enum']) (s['enum'] as unknown[]).push('bench-new-value');
    else s['maxLength'] = 7;
  } else if (properties && Object.keys(properties).length) delete properties[Object.keys(properties)[0]!];
  made++;
});
operations.forEach((op, i) => {
  if (i % every(operations, 0.5) !== 0 || made >= wanted) return;
  if (i % 2) op['deprecated'] = true;
  else ((op['parameters'] ??= []) as unknown[]).push({ name: 'benchRequired', in: 'query', required: true, schema: { type: 'string' } });
  made++;
});
const firstPath = Object.keys(edited['paths'] ?? {})[0];
if (firstPath) delete (edited['paths'] as Node)[firstPath];

if (writeTo) writeFileSync(writeTo, JSON.stringify(edited)); // for timing `npm run drift` itself on the pair

t = performance.now();
const changes = diffDocuments(doc, editedDoc);
const diff = ms(t);
t = performance.now();
const same = diffDocuments(doc, structuredClone(doc));
const identical = ms(t);
const levels = { breaking: 0, warning: 0, info: 0 };
for (const c of changes) levels[c.level]++;
console.log(
  JSON.stringify({
    spec: specPath,
    operations: operations.length,
    edits: made + (firstPath ? 1 : 0),
    load,
    diff,
    identical,
    identicalChanges: same.length,
    changes: changes.length,
    ...levels,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
