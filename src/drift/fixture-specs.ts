/**
 * Minimal OpenAPI 3.1 documents for the rule table's fixture pairs: one operation (`POST /things`) and the
 * few pieces a rule looks at, so each pair shows exactly the edit its rule is about.
 */
export type Doc = Record<string, unknown>;
export interface FixturePair {
  from: Doc;
  to: Doc;
}

export const OP = '/paths/~1things/post';
export const BODY = `${OP}/requestBody/content/application~1json/schema`;
export const OK = `${OP}/responses/200/content/application~1json/schema`;

export function spec(parts: Doc = {}): Doc {
  return { openapi: '3.1.0', info: { title: 'Things', version: '1.0.0' }, paths: {}, ...parts };
}

/** A spec whose one operation is `POST /things`, with `op` merged over a bare 200 response. */
export function opSpec(op: Doc = {}, parts: Doc = {}): Doc {
  return spec({ ...parts, paths: { '/things': { post: { responses: { '200': { description: 'ok' } }, ...op } } } });
}

export const body = (schema: unknown, required = true): Doc => ({ requestBody: { required, content: { 'application/json': { schema } } } });
export const ok = (schema: unknown): Doc => ({ responses: { '200': { description: 'ok', content: { 'application/json': { schema } } } } });
export const param = (p: Doc): Doc => ({ parameters: [{ name: 'q', in: 'query', schema: { type: 'string' }, ...p }] });

export const pair = (from: Doc, to: Doc): FixturePair => ({ from, to });
export const opPair = (from: Doc, to: Doc, parts: Doc = {}): FixturePair => pair(opSpec(from, parts), opSpec(to, parts));
export const requestPair = (from: unknown, to: unknown): FixturePair => opPair(body(from), body(to));
export const responsePair = (from: unknown, to: unknown): FixturePair => opPair(ok(from), ok(to));
/** A pair whose operation takes the query parameter `q`, edited. */
export const paramPair = (from: Doc, to: Doc): FixturePair => opPair(param(from), param(to));
export const docPair = (from: Doc, to: Doc): FixturePair => pair(opSpec({}, from), opSpec({}, to));
export const object = (properties: Doc, required: string[] = []): Doc => ({ type: 'object', properties, ...(required.length ? { required } : {}) });
