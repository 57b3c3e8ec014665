import { pointer } from './pointer.ts';
import { deref, refOf } from './refs.ts';
import { textOf } from './text.ts';
import { HTTP_METHODS, type HttpMethod, type JsonSchema, type OpenApiDocument } from './types.ts';

export interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required: boolean;
  schema: JsonSchema;
  /** JSON pointer of the parameter object in the bundled document (its basis, its schema at `/schema`). */
  pointer: string;
  allowEmptyValue?: boolean;
  example?: unknown;
  extensions: Record<string, unknown>;
}

export interface RequestBody {
  required: boolean;
  contentType: string;
  /** A body documented only in media types the generator does not write (multipart, form, binary): none is sent. */
  unsupported?: string[];
  schema: JsonSchema;
  /** JSON pointer of the body schema in the bundled document (for validating generated bodies). */
  schemaPointer: string;
  example?: unknown;
}

export interface ResponseSpec {
  status: string;
  description: string;
  /** JSON pointer of the response object in the bundled document. */
  pointer: string;
  /** JSON pointer into the bundled document of the response's JSON schema, if it has one. */
  schemaPointer?: string;
  contentTypes: string[];
  /** Named examples (a single `example` is named `default`). */
  examples: Record<string, unknown>;
  /** Where each named example's value is in the document. */
  examplePointers: Record<string, string>;
  extensions: Record<string, unknown>;
}

/** One security requirement of an operation (an OR-alternative): every scheme named, with its scopes. */
export interface SecurityRequirement {
  /** Its position in the operation's (or the document's) `security` list. */
  index: number;
  schemes: Array<{ scheme: string; scopes: string[] }>;
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
  /** The security requirements, OR-alternatives in document order; `[]` (or one empty requirement): none needed. */
  security: SecurityRequirement[];
  /** Whether the operation requires authentication at all. */
  authenticated: boolean;
  /** Changes state on the server (non-GET, or `x-writes`). */
  writes: boolean;
  extensions: Record<string, unknown>;
  /** JSON pointer of the operation object in the bundled document. */
  pointer: string;
  /** Where the operation's security requirements are (its own `security`, else the document's). */
  securityPointer: string;
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
  const parameters = mergeParameters(doc, sharedParameters, (op['parameters'] as unknown[] | undefined) ?? [], base);
  const responses = new Map<string, ResponseSpec>();
  for (const [status, raw] of Object.entries((op['responses'] as Record<string, unknown>) ?? {})) {
    const responsePointer = refOf(raw) ?? `${base}${pointer('responses', status)}`;
    const response = deref(doc, raw);
    const content = (response['content'] as Record<string, Record<string, unknown>> | undefined) ?? {};
    const json = Object.keys(content).find(isJsonMediaType);
    const media = json ? content[json] : undefined;
    const mediaPointer = json ? `${responsePointer}${pointer('content', json)}` : '';
    const { examples, examplePointers } = examplesOf(doc, media, mediaPointer);
    responses.set(status, {
      status,
      description: textOf(response['description']),
      pointer: responsePointer,
      schemaPointer: media?.['schema'] !== undefined ? `${mediaPointer}/schema` : undefined,
      contentTypes: Object.keys(content),
      examples,
      examplePointers,
      extensions: Object.fromEntries(Object.entries(response).filter(([k]) => k.startsWith('x-'))),
    });
  }
  const security = (op['security'] as Array<Record<string, string[]>> | undefined) ?? doc.security ?? [];
  const scopeAlternatives = security.map((req) => Object.values(req).flat());
  const body = requestBodyOf(doc, op['requestBody'], refOf(op['requestBody']) ?? `${base}/requestBody`);
  return {
    id: textOf(op['operationId'] ?? `${method}${path}`),
    key: `${method.toUpperCase()} ${path}`,
    method,
    path,
    tags: (op['tags'] as string[] | undefined) ?? [],
    parameters,
    ...(body ? { body } : {}),
    responses,
    scopeAlternatives,
    security: security.map((req, index) => ({ index, schemes: Object.entries(req).map(([scheme, scopes]) => ({ scheme, scopes: scopes ?? [] })) })),
    authenticated: security.length > 0 && !security.some((req) => Object.keys(req).length === 0),
    // x-writes: false marks a POST that only reads (a search with a body); true a GET that changes state.
    writes: op['x-writes'] === true || (op['x-writes'] !== false && !['get', 'head', 'options'].includes(method)),
    extensions: Object.fromEntries(Object.entries(op).filter(([k]) => k.startsWith('x-'))),
    pointer: base,
    securityPointer: op['security'] !== undefined ? `${base}/security` : '/security',
  };
}

/**
 * Header parameters the transport owns: "If in is header and the name is Accept, Content-Type or Authorization,
 * the parameter definition SHALL be ignored" — and an API key's own header is the credential, sent by the auth
 * scheme, never a generated value.
 * @see https://spec.openapis.org/oas/v3.1.0#fixed-fields-9
 */
function ownedHeaders(doc: OpenApiDocument): Set<string> {
  const out = new Set(['accept', 'content-type', 'authorization']);
  for (const s of Object.values((doc.components?.['securitySchemes'] as Record<string, Record<string, unknown>> | undefined) ?? {})) {
    if (s['type'] === 'apiKey' && s['in'] === 'header' && typeof s['name'] === 'string') out.add(s['name'].toLowerCase());
  }
  return out;
}

function mergeParameters(doc: OpenApiDocument, shared: unknown[], own: unknown[], base: string): Parameter[] {
  const byKey = new Map<string, Parameter>();
  const owned = ownedHeaders(doc);
  const itemBase = base.slice(0, base.lastIndexOf('/'));
  const located = [...shared.map((raw, i) => [raw, `${itemBase}/parameters/${i}`] as const), ...own.map((raw, i) => [raw, `${base}/parameters/${i}`] as const)];
  for (const [raw, at] of located) {
    const p = deref(doc, raw);
    const paramPointer = refOf(raw) ?? at;
    const name = String(p['name']);
    const location = p['in'] as Parameter['in'];
    if (location === 'header' && owned.has(name.toLowerCase())) continue;
    byKey.set(`${location}:${name}`, {
      name,
      in: location,
      required: p['required'] === true || location === 'path',
      schema: (p['schema'] as JsonSchema | undefined) ?? {},
      pointer: paramPointer,
      ...(p['allowEmptyValue'] === true ? { allowEmptyValue: true } : {}),
      ...(p['example'] !== undefined ? { example: p['example'] } : {}),
      extensions: Object.fromEntries(Object.entries(p).filter(([k]) => k.startsWith('x-'))),
    });
  }
  return [...byKey.values()];
}

function requestBodyOf(doc: OpenApiDocument, raw: unknown, bodyPointer: string): RequestBody | undefined {
  if (!raw) return undefined;
  const body = deref(doc, raw);
  const content = (body['content'] as Record<string, Record<string, unknown>> | undefined) ?? {};
  const contentType = Object.keys(content).find(isJsonMediaType);
  if (!contentType) {
    const types = Object.keys(content);
    return types.length ? { required: body['required'] === true, contentType: types[0]!, schema: {}, schemaPointer: `${bodyPointer}/content`, unsupported: types } : undefined;
  }
  const media = content[contentType]!;
  return {
    required: body['required'] === true,
    contentType,
    schema: (media['schema'] as JsonSchema | undefined) ?? {},
    schemaPointer: `${bodyPointer}${pointer('content', contentType, 'schema')}`,
    ...(media['example'] !== undefined ? { example: media['example'] } : {}),
  };
}

function examplesOf(doc: OpenApiDocument, media: Record<string, unknown> | undefined, mediaPointer: string): { examples: Record<string, unknown>; examplePointers: Record<string, string> } {
  const examples: Record<string, unknown> = {};
  const examplePointers: Record<string, string> = {};
  if (!media) return { examples, examplePointers };
  if (media['example'] !== undefined) {
    examples['default'] = media['example'];
    examplePointers['default'] = `${mediaPointer}/example`;
  }
  for (const [name, raw] of Object.entries((media['examples'] as Record<string, unknown> | undefined) ?? {})) {
    const example = deref(doc, raw);
    if ('value' in example) {
      examples[name] = example['value'];
      examplePointers[name] = `${refOf(raw) ?? `${mediaPointer}${pointer('examples', name)}`}/value`;
    }
  }
  return { examples, examplePointers };
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
