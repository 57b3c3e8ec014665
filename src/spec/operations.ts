import { pointer } from './pointer.ts';
import { deref, refOf } from './refs.ts';
import { HTTP_METHODS, type HttpMethod, type JsonSchema, type OpenApiDocument } from './types.ts';

export interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required: boolean;
  schema: JsonSchema;
  example?: unknown;
}

export interface RequestBody {
  required: boolean;
  contentType: string;
  schema: JsonSchema;
  /** JSON pointer of the body schema in the bundled document (for validating generated bodies). */
  schemaPointer: string;
  example?: unknown;
}

export interface ResponseSpec {
  status: string;
  description: string;
  /** JSON pointer into the bundled document of the response's JSON schema, if it has one. */
  schemaPointer?: string;
  contentTypes: string[];
  /** Named examples (a single `example` is named `default`). */
  examples: Record<string, unknown>;
}

/** One operation of a spec: everything the generators, checks and reports need, resolved once. */
export interface Operation {
  id: string;
  /** `GET /kyc/status`: how the operation is named in every report. */
  key: string;
  method: HttpMethod;
  path: string;
  tags: string[];
  parameters: Parameter[];
  body?: RequestBody;
  responses: Map<string, ResponseSpec>;
  /**
   * Scope alternatives from the security requirements: the operation is granted when a token holds every scope
   * of at least one alternative. `[]` means it needs no scope; `[[]]` means authenticated, any scope.
   */
  scopeAlternatives: string[][];
  /** Whether the operation requires authentication at all. */
  authenticated: boolean;
  /** Changes state on the server (non-GET, or `x-writes`). */
  writes: boolean;
  extensions: Record<string, unknown>;
}

/** Indexes every operation of the document, in document order. */
export function indexOperations(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, rawItem] of Object.entries(doc.paths ?? {})) {
    const item = deref<Record<string, unknown>>(doc, rawItem);
    const shared = (item['parameters'] as unknown[] | undefined) ?? [];
    for (const method of HTTP_METHODS) {
      const op = item[method] as Record<string, unknown> | undefined;
      if (!op) continue;
      const base = pointer('paths', path, method);
      operations.push(toOperation(doc, path, method, op, shared, base));
    }
  }
  return operations;
}

function toOperation(
  doc: OpenApiDocument,
  path: string,
  method: HttpMethod,
  op: Record<string, unknown>,
  sharedParameters: unknown[],
  base: string,
): Operation {
  const parameters = mergeParameters(doc, sharedParameters, (op['parameters'] as unknown[] | undefined) ?? []);
  const responses = new Map<string, ResponseSpec>();
  for (const [status, raw] of Object.entries((op['responses'] as Record<string, unknown>) ?? {})) {
    const responsePointer = refOf(raw) ?? `${base}${pointer('responses', status)}`;
    const response = deref(doc, raw);
    const content = (response['content'] as Record<string, Record<string, unknown>> | undefined) ?? {};
    const json = Object.keys(content).find(isJsonMediaType);
    const media = json ? content[json] : undefined;
    responses.set(status, {
      status,
      description: String(response['description'] ?? ''),
      schemaPointer: media?.['schema'] !== undefined ? `${responsePointer}${pointer('content', json!, 'schema')}` : undefined,
      contentTypes: Object.keys(content),
      examples: examplesOf(doc, media),
    });
  }
  const security = (op['security'] as Array<Record<string, string[]>> | undefined) ?? doc.security ?? [];
  const scopeAlternatives = security.map((req) => Object.values(req).flat());
  const body = requestBodyOf(doc, op['requestBody'], refOf(op['requestBody']) ?? `${base}/requestBody`);
  return {
    id: String(op['operationId'] ?? `${method}${path}`),
    key: `${method.toUpperCase()} ${path}`,
    method,
    path,
    tags: (op['tags'] as string[] | undefined) ?? [],
    parameters,
    ...(body ? { body } : {}),
    responses,
    scopeAlternatives,
    authenticated: security.length > 0 && !security.some((req) => Object.keys(req).length === 0),
    writes: op['x-writes'] === true || !['get', 'head', 'options'].includes(method),
    extensions: Object.fromEntries(Object.entries(op).filter(([k]) => k.startsWith('x-'))),
  };
}

function mergeParameters(doc: OpenApiDocument, shared: unknown[], own: unknown[]): Parameter[] {
  const byKey = new Map<string, Parameter>();
  for (const raw of [...shared, ...own]) {
    const p = deref(doc, raw);
    const name = String(p['name']);
    const location = p['in'] as Parameter['in'];
    byKey.set(`${location}:${name}`, {
      name,
      in: location,
      required: p['required'] === true || location === 'path',
      schema: (p['schema'] as JsonSchema | undefined) ?? {},
      ...(p['example'] !== undefined ? { example: p['example'] } : {}),
    });
  }
  return [...byKey.values()];
}

function requestBodyOf(doc: OpenApiDocument, raw: unknown, bodyPointer: string): RequestBody | undefined {
  if (!raw) return undefined;
  const body = deref(doc, raw);
  const content = (body['content'] as Record<string, Record<string, unknown>> | undefined) ?? {};
  const contentType = Object.keys(content).find(isJsonMediaType);
  if (!contentType) return undefined;
  const media = content[contentType]!;
  return {
    required: body['required'] === true,
    contentType,
    schema: (media['schema'] as JsonSchema | undefined) ?? {},
    schemaPointer: `${bodyPointer}${pointer('content', contentType, 'schema')}`,
    ...(media['example'] !== undefined ? { example: media['example'] } : {}),
  };
}

function examplesOf(doc: OpenApiDocument, media: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!media) return {};
  const out: Record<string, unknown> = {};
  if (media['example'] !== undefined) out['default'] = media['example'];
  for (const [name, raw] of Object.entries((media['examples'] as Record<string, unknown> | undefined) ?? {})) {
    const example = deref(doc, raw);
    if ('value' in example) out[name] = example['value'];
  }
  return out;
}

export function isJsonMediaType(type: string): boolean {
  return /^application\/([\w.+-]*\+)?json\b/i.test(type);
}

/** The documented response for a status: exact code, then `4XX`-style ranges, then `default`. */
export function documentedResponse(op: Operation, status: number): ResponseSpec | undefined {
  return op.responses.get(String(status)) ?? op.responses.get(`${String(status)[0]}XX`) ?? op.responses.get('default');
}

export function successStatuses(op: Operation): number[] {
  return [...op.responses.keys()].filter((s) => /^2\d\d$/.test(s)).map(Number);
}
