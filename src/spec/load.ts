import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { getAt } from './pointer.ts';
import { CannotRunError } from '../errors.ts';
import { normalizeOpenApi30 } from './openapi30.ts';
import type { OpenApiDocument } from './types.ts';

export interface LoadedSpec {
  /** Absolute path of the root file. */
  path: string;
  /** The document with external `$ref`s bundled in; internal `$ref`s are kept (cycles stay finite). */
  doc: OpenApiDocument;
}

/**
 * Reads a spec from disk and turns every way it can be unusable into one CannotRunError line:
 * missing file, YAML/JSON syntax (with line), not OpenAPI 3.x, unresolvable `$ref`.
 */
export async function loadSpec(file: string): Promise<LoadedSpec> {
  const path = resolve(file);
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
  const doc = externalRefs(raw) ? await bundled(file, path) : checkedInternalRefs(file, raw as unknown as OpenApiDocument);
  normalizeOpenApi30(doc);
  return { path, doc };
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
