import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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
  /** It had `$ref`s into other files (bundling it took time: see handOver). */
  bundled?: boolean;
}

/**
 * Reads a spec from disk and turns every way it can be unusable into one CannotRunError line:
 * missing file, YAML/JSON syntax (with line), not OpenAPI 3.x, unresolvable `$ref`.
 */
export async function loadSpec(file: string): Promise<LoadedSpec> {
  const path = resolve(file);
  const handed = handedOver(path);
  if (handed) return { path, doc: handed };
  if (!existsSync(path)) throw new CannotRunError(`spec: ${file} does not exist (set CONTRACT_SPEC or pass a path)`);
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
    throw new CannotRunError(
      `spec: ${file} is not an OpenAPI 3.0/3.1 document (found openapi: ${JSON.stringify(version ?? null)})`,
    );
  }
  const multiFile = externalRefs(raw);
  const doc = multiFile ? await bundled(file, path) : checkedInternalRefs(file, raw as unknown as OpenApiDocument);
  normalizeOpenApi30(doc);
  return { path, doc, ...(multiFile ? { bundled: true } : {}) };
}

/**
 * A spec spread over many files (DigitalOcean's: ~2,000) takes seconds to bundle; `npm run contract` bundles it
 * once and hands the bundle to its vitest workers through CONTRACT_SPEC_BUNDLE (a file of this run, removed with
 * it), so no worker bundles it again. One-file specs are not handed over: parsing them is as quick as reading one.
 */
export function handOver(spec: LoadedSpec, dir: string): string | undefined {
  if (!spec.bundled) return undefined;
  const file = join(dir, 'spec-bundle.json');
  writeFileSync(file, JSON.stringify({ source: spec.path, doc: spec.doc }));
  process.env['CONTRACT_SPEC_BUNDLE'] = file;
  return file;
}

function handedOver(path: string): OpenApiDocument | undefined {
  const file = process.env['CONTRACT_SPEC_BUNDLE'];
  if (!file || !existsSync(file)) return undefined;
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
