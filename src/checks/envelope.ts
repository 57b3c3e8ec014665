import { documentedResponse, isJsonMediaType } from '../spec/operations.ts';
import type { Exchange } from '../client/exchange.ts';
import type { ContractRules } from '../spec/rules.ts';
import { show } from './show.ts';
import { defineCheck, type Finding, type SpecModel } from './types.ts';

type Envelope = NonNullable<ContractRules['envelope']>;

const needsEnvelope = (_op: unknown, spec: SpecModel) => (spec.rules.envelope ? true : 'the spec declares no x-envelope');

/** Runs `judge` on an envelope-shaped JSON body; the other checks already cover bodies that are not objects. */
function onEnvelope(exchange: Exchange, spec: SpecModel, judge: (body: Record<string, unknown>, status: number, e: Envelope) => Finding[]): Finding[] {
  const r = exchange.response;
  const e = spec.rules.envelope;
  if (!r || !e || !r.json || typeof r.json !== 'object' || Array.isArray(r.json)) return [];
  return judge(r.json as Record<string, unknown>, r.status, e);
}

const field = (name: string) => `/${name}`;

/** "`status`: HTTP status code, echoed in the body." */
export const envelopeStatusMismatch = defineCheck({
  id: 'envelope-status-mismatch',
  family: 'envelope',
  severity: 'error',
  summary: 'the envelope `status` is not the HTTP status code as an integer',
  appliesTo: needsEnvelope,
  run: (_op, exchange, spec) =>
    onEnvelope(exchange, spec, (body, status, e) =>
      body[e.statusField] === status ? [] : [{ location: field(e.statusField), expected: `${status} (the HTTP status, an integer)`, actual: show(body[e.statusField]) }],
    ),
});

/** "`success`: Whether the request succeeded." — true exactly for 2xx. */
export const envelopeSuccessMismatch = defineCheck({
  id: 'envelope-success-mismatch',
  family: 'envelope',
  severity: 'error',
  summary: '`success` is not true exactly for 2xx responses',
  appliesTo: needsEnvelope,
  run: (_op, exchange, spec) =>
    onEnvelope(exchange, spec, (body, status, e) => {
      const expected = status >= 200 && status < 300;
      return body[e.successField] === expected ? [] : [{ location: field(e.successField), expected: `${expected} for HTTP ${status}`, actual: show(body[e.successField]) }];
    }),
});

/** "`message`: Human-readable result message." */
export const envelopeMessageEmpty = defineCheck({
  id: 'envelope-message-empty',
  family: 'envelope',
  severity: 'error',
  summary: '`message` is missing, not a string, or blank',
  appliesTo: needsEnvelope,
  run: (_op, exchange, spec) =>
    onEnvelope(exchange, spec, (body, _status, e) => {
      const m = body[e.messageField];
      return typeof m === 'string' && m.trim() !== '' ? [] : [{ location: field(e.messageField), expected: 'a non-empty string', actual: show(m) }];
    }),
});

/** Every documented error example carries `data: null`; clients branch on it. */
export const envelopeDataNotNullOnError = defineCheck({
  id: 'envelope-data-not-null-on-error',
  family: 'envelope',
  severity: 'error',
  summary: '`data` is not null on a 4xx/5xx response',
  appliesTo: (op, spec) => (spec.rules.envelope?.nullDataOnError ? true : 'the envelope does not require null data on errors'),
  run: (_op, exchange, spec) =>
    onEnvelope(exchange, spec, (body, status, e) =>
      status < 400 || body[e.dataField] === null ? [] : [{ location: field(e.dataField), expected: `null on HTTP ${status}`, actual: show(body[e.dataField]) }],
    ),
});

/** The API documents only `application/json` bodies: anything else breaks every client's parser. */
export const contentTypeNotJson = defineCheck({
  id: 'content-type-not-json',
  family: 'envelope',
  severity: 'error',
  summary: 'the Content-Type of a documented JSON response is not application/json',
  appliesTo: (op) => ([...op.responses.values()].some((r) => r.contentTypes.some(isJsonMediaType)) ? true : 'no JSON response documented'),
  run(op, exchange) {
    const r = exchange.response;
    if (!r || r.status === 204 || r.text.length === 0) return [];
    const documented = documentedResponse(op, r.status);
    if (!documented?.contentTypes.some(isJsonMediaType)) return [];
    const type = r.headers['content-type'] ?? '';
    return isJsonMediaType(type) ? [] : [{ location: '', expected: 'Content-Type: application/json', actual: type ? show(type) : 'no Content-Type header' }];
  },
});

/** A body that does not parse (HTML from a proxy, truncated JSON) is a violation, never a crash of the run. */
export const bodyNotJson = defineCheck({
  id: 'body-not-json',
  family: 'envelope',
  severity: 'error',
  summary: 'the body of a documented JSON response is not JSON (empty, truncated, an HTML error page)',
  appliesTo: (op) => ([...op.responses.values()].some((r) => r.contentTypes.some(isJsonMediaType)) ? true : 'no JSON response documented'),
  run(op, exchange) {
    const r = exchange.response;
    if (!r || r.json !== undefined || r.status === 204 || (r.status >= 300 && r.status < 400)) return [];
    const documented = documentedResponse(op, r.status);
    if (documented && !documented.contentTypes.some(isJsonMediaType)) return [];
    return [{ location: '', expected: 'a JSON body', actual: `${r.jsonError}: ${show(r.text, 80)}` }];
  },
});
