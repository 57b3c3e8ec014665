import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { getAt } from './pointer.ts';
import { CannotRunError } from '../base/errors.ts';
import { normalizeOpenApi30 } from './openapi30.ts';
import type { OpenApiDocument } from './types.ts';

export interface LoadedSpec {
  /** Absolute path of the root file. */
  path: string;
  /** The document with external `$ref`s bundled in; internal `$ref`s are kept (cycles stay finite). */
  doc: OpenApiDocument;
  /** `npm run contract` read and checked it, and handed it to this worker (see handOver). */
  handedOver?: boolean;
}

/**
 * Reads a spec from disk and turns every way it can be unusable into one CannotRunError line:
 * missing file, YAML/JSON syntax (with line), not OpenAPI 3.x, unresolvable `$ref`.
 */
export async function loadSpec(file: string, { own = false }: { own?: boolean } = {}): Promise<LoadedSpec> {
  const path = resolve(file);
  const handed = own ? undefined : await handedOver(path);
  if (handed) return { path, doc: handed, handedOver: true };
  if (!existsSync(path)) throw new CannotRunError(`spec: ${file} does not exist — check the path`);
  // A multi-file spec lives in a folder, and the folder is what people reach for; reading it is a bare EISDIR.
  if (statSync(path).isDirectory()) throw new CannotRunError(`spec: ${file} is a directory — give the spec's root file (e.g. ${join(file, 'openapi.yaml')})`);
  const text = readFileSync(path, 'utf8');
  const lines = new LineCounter();
  const parsed = parseDocument(text, { prettyErrors: false, uniqueKeys: false, lineCounter: lines });
  const syntax = parsed.errors[0];
  if (syntax) {
    const line = syntax.linePos?.[0] ?? lines.linePos(syntax.pos[0]);
    throw new CannotRunError(
      `spec: ${file}${line ? `:${line.line}:${line.col}` : ''} is not valid YAML/JSON — ${syntax.message.split('\n')[0]}`,
    );
  }
  let raw: Record<string, unknown> | null;
  try {
    // Specs use anchors legitimately; the cap still stops a billion-laughs file from exhausting memory.
    raw = parsed.toJS({ maxAliasCount: 100_000 }) as Record<string, unknown> | null;
  } catch (error) {
    throw new CannotRunError(`spec: ${file} cannot be read — ${(error as Error).message.split('\n')[0]}`);
  }
  const version = raw && typeof raw === 'object' ? raw['openapi'] : undefined;
  if (typeof version !== 'string' || !/^3\.[01]\./.test(version)) {
    if (raw === null || raw === undefined) throw new CannotRunError(`spec: ${file} is empty`);
    if (typeof raw === 'object' && 'swagger' in raw)
      throw new CannotRunError(
        `spec: ${file} is Swagger ${String(raw['swagger'])}, not OpenAPI 3.0/3.1 — convert it first (for instance with swagger2openapi) and give the converted file`,
      );
    throw new CannotRunError(
      `spec: ${file} is not an OpenAPI 3.0/3.1 document (found openapi: ${JSON.stringify(version ?? null)})`,
    );
  }
  const multiFile = externalRefs(raw);
  const doc = multiFile ? await bundled(file, path) : checkedInternalRefs(file, raw as unknown as OpenApiDocument);
  normalizeOpenApi30(doc);
  return { path, doc };
}

/**
 * `npm run contract` reads and checks the spec once and hands the document to its vitest workers through
 * CONTRACT_SPEC_BUNDLE (a file of this run, removed with it): a worker then neither parses YAML again (~0.1 s for the
 * Account spec) nor bundles a multi-file spec again (DigitalOcean's ~2,000 files: seconds), nor repeats the checks.
 * The file is named before vitest starts — the workers boot while the CLI reads the spec — and written, whole, once
 * the spec has passed the checks; until then a worker waits for it.
 */
export function handOverTo(dir: string): string {
  const file = join(dir, 'spec-bundle.json');
  process.env['CONTRACT_SPEC_BUNDLE'] = file;
  return file;
}

export function handOver(spec: LoadedSpec, file: string): void {
  // Renamed into place: a worker never reads half a file.
  writeFileSync(`${file}.partial`, JSON.stringify({ source: spec.path, doc: spec.doc }));
  renameSync(`${file}.partial`, file);
}

/** How long a worker waits for the CLI's hand-over: as long as reading and checking the largest spec may take. */
const HAND_OVER_WAIT_MS = 120_000;

async function handedOver(path: string): Promise<OpenApiDocument | undefined> {
  const file = process.env['CONTRACT_SPEC_BUNDLE'];
  if (!file) return undefined;
  for (const started = Date.now(); !existsSync(file); await new Promise((r) => setTimeout(r, 10)))
    if (Date.now() - started > HAND_OVER_WAIT_MS)
      throw new CannotRunError(`spec: ${path} was not handed over by npm run contract within ${HAND_OVER_WAIT_MS / 1000} s (CONTRACT_SPEC_BUNDLE=${file})`);
  const handed = JSON.parse(readFileSync(file, 'utf8')) as { source: string; doc: OpenApiDocument };
  return handed.source === path ? handed.doc : undefined;
}

/**
 * Redocly's bundler resolves `$ref`s into other files. It is imported only when a spec has such refs: loading it
 * costs ~0.3 s, paid by every process that reads the spec (the CLI, vitest's global setup, each worker).
 */
async function bundled(file: string, path: string): Promise<OpenApiDocument> {
  const { bundle, createConfig } = await import('@redocly/openapi-core');
  const config = await createConfig({ rules: {} });
  const result = await bundle({ ref: path, config, dereference: false });
  const unresolved = result.problems.find((p) => /resolve \$ref|Can't resolve/i.test(p.message));
  if (unresolved) {
    const where = unresolved.location[0]?.pointer ?? '';
    throw new CannotRunError(`spec: ${file} has an unresolvable $ref at ${where} — ${unresolved.message}`);
  }
  return result.bundle.parsed as OpenApiDocument;
}

function externalRefs(node: unknown): boolean {
  return someRef(node, (ref) => !ref.startsWith('#'));
}

/** A one-file spec is its own bundle; what the bundler would still catch is a `$ref` to nowhere. */
function checkedInternalRefs(file: string, doc: OpenApiDocument): OpenApiDocument {
  let missing: string | undefined;
  someRef(doc, (ref) => getAt(doc, ref) === undefined && (missing = ref) !== undefined);
  if (missing) throw new CannotRunError(`spec: ${file} has an unresolvable $ref — ${missing} does not exist in the document`);
  return doc;
}

/** Whether any `$ref` string in the tree meets `test` (YAML aliases make a DAG: each node is visited once). */
function someRef(root: unknown, test: (ref: string) => boolean): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        if (test(v)) return true;
      } else stack.push(v);
    }
  }
  return false;
}
