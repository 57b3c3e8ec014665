import { documentedResponse, isJsonMediaType, type Operation } from '../../spec/operations.ts';
import type { Exchange } from '../../client/exchange.ts';
import type { EnvelopeRule } from '../../spec/rules.ts';
import { show } from '../show.ts';
import { conventionBasis, exampleShows } from './basis.ts';
import { DOCUMENTED } from '../../spec/provenance.ts';
import { defineCheck, type Finding, type SpecModel } from '../types.ts';

/**
 * The envelope convention (`x-envelope`): every JSON body is an object carrying some of status / success /
 * message / data, each declared by name. One profile among the response conventions; a bare-object API declares
 * none and these checks are not applicable to it.
 */
type Member = 'statusField' | 'successField' | 'messageField' | 'dataField';

/** The envelope a response is held to: its own `x-envelope` (a response may narrow the document's), else the document's. */
export function envelopeFor(spec: SpecModel, op: Operation, status: number): { rule: EnvelopeRule; at: string } | undefined {
  const documented = documentedResponse(op, status);
  const own = documented?.extensions['x-envelope'] as EnvelopeRule | undefined;
  if (own) return { rule: own, at: `${documented!.pointer}/x-envelope` };
  return spec.rules.envelope ? { rule: spec.rules.envelope, at: '/x-envelope' } : undefined;
}

const needs = (member: Member) => (op: Operation, spec: SpecModel) => {
  const rules = [spec.rules.envelope, ...[...op.responses.values()].map((r) => r.extensions['x-envelope'] as EnvelopeRule | undefined)].filter(
    (e): e is EnvelopeRule => !!e,
  );
  return !rules.length ? 'the spec declares no x-envelope' : rules.some((e) => e[member]) ? true : `the x-envelope declares no ${member}`;
};

/** Runs `judge` on an envelope-shaped JSON body; a body that is not an object is the other checks' to report. */
function onEnvelope(
  op: Operation,
  exchange: Exchange,
  spec: SpecModel,
  judge: (body: Record<string, unknown>, status: number, e: EnvelopeRule, at: string) => Finding[] | null,
): Finding[] | null {
  const r = exchange.response;
  const e = r && envelopeFor(spec, op, r.status);
  if (!r || !e || !r.json || typeof r.json !== 'object' || Array.isArray(r.json)) return null;
  return judge(r.json as Record<string, unknown>, r.status, e.rule, e.at);
}

/** "`status`: HTTP status code, echoed in the body." */
export const envelopeStatusMismatch = defineCheck({
  id: 'envelope-status-mismatch',
  family: 'envelope',
  severity: 'error',
  summary: 'the envelope `status` is not the HTTP status code as an integer',
  appliesTo: needs('statusField'),
  run: (op, exchange, spec) =>
    onEnvelope(op, exchange, spec, (body, status, e, at) =>
      !e.statusField
        ? null
        : body[e.statusField] === status
          ? []
          : [
              {
                location: `/${e.statusField}`,
                expected: `${status} (the HTTP status, an integer)`,
                actual: show(body[e.statusField]),
                basis: conventionBasis(spec, op, status, `${at}/statusField`),
              },
            ],
    ),
});

/** "`success`: Whether the request succeeded." — true exactly for 2xx. */
export const envelopeSuccessMismatch = defineCheck({
  id: 'envelope-success-mismatch',
  family: 'envelope',
  severity: 'error',
  summary: '`success` is not true exactly for 2xx responses',
  appliesTo: needs('successField'),
  run: (op, exchange, spec) =>
    onEnvelope(op, exchange, spec, (body, status, e, at) => {
      if (!e.successField) return null;
      const expected = status >= 200 && status < 300;
      return body[e.successField] === expected
        ? []
        : [
            {
              location: `/${e.successField}`,
              expected: `${expected} for HTTP ${status}`,
              actual: show(body[e.successField]),
              basis: conventionBasis(spec, op, status, `${at}/successField`),
            },
          ];
    }),
});

/** "`message`: Human-readable result message." */
export const envelopeMessageEmpty = defineCheck({
  id: 'envelope-message-empty',
  family: 'envelope',
  severity: 'error',
  summary: '`message` is missing, not a string, or blank',
  appliesTo: needs('messageField'),
  run: (op, exchange, spec) =>
    onEnvelope(op, exchange, spec, (body, status, e, at) => {
      if (!e.messageField) return null;
      const m = body[e.messageField];
      return typeof m === 'string' && m.trim() !== ''
        ? []
        : [{ location: `/${e.messageField}`, expected: 'a non-empty string', actual: show(m), basis: conventionBasis(spec, op, status, `${at}/messageField`) }];
    }),
});

/** Every documented error example carries `data: null`; clients branch on it. */
export const envelopeDataNotNullOnError = defineCheck({
  id: 'envelope-data-not-null-on-error',
  family: 'envelope',
  severity: 'error',
  summary: '`data` is not null on a 4xx/5xx response',
  appliesTo: (op, spec) =>
    [spec.rules.envelope, ...[...op.responses.values()].map((r) => r.extensions['x-envelope'] as EnvelopeRule | undefined)].some(
      (e) => e?.nullDataOnError && e.dataField,
    )
      ? true
      : 'the envelope does not require null data on errors',
  run: (op, exchange, spec) =>
    onEnvelope(op, exchange, spec, (body, status, e, at) => {
      if (status < 400 || !e.nullDataOnError || !e.dataField) return null;
      if (body[e.dataField] === null) return [];
      // The general rule may be a guess; a documented example of this very status showing `data: null` is not.
      const basis = exampleShows(spec, op, status, e.dataField, null) ? DOCUMENTED : conventionBasis(spec, op, status, `${at}/nullDataOnError`);
      return [{ location: `/${e.dataField}`, expected: `null on HTTP ${status}`, actual: show(body[e.dataField]), basis }];
    }),
});

/** The documented bodies are JSON: anything else breaks every client's parser. */
export const contentTypeNotJson = defineCheck({
  id: 'content-type-not-json',
  family: 'envelope',
  severity: 'error',
  summary: 'the Content-Type of a documented JSON response is not a JSON media type',
  appliesTo: (op) => ([...op.responses.values()].some((r) => r.contentTypes.some(isJsonMediaType)) ? true : 'no JSON response documented'),
  run(op, exchange, spec) {
    const r = exchange.response;
    if (!r || r.status === 204 || r.text.length === 0) return null;
    const documented = documentedResponse(op, r.status);
    if (!documented?.contentTypes.some(isJsonMediaType)) return null;
    const type = r.headers['content-type'] ?? '';
    return isJsonMediaType(type)
      ? []
      : [
          {
            location: '',
            expected: `Content-Type: ${documented.contentTypes.find(isJsonMediaType)}`,
            actual: type ? show(type) : 'no Content-Type header',
            basis: spec.provenance.at(`${documented.pointer}/content`),
          },
        ];
  },
});

/** A body that does not parse (HTML from a proxy, truncated JSON) is a violation, never a crash of the run. */
export const bodyNotJson = defineCheck({
  id: 'body-not-json',
  family: 'envelope',
  severity: 'error',
  summary: 'the body of a documented JSON response is not JSON (empty, truncated, an HTML error page)',
  appliesTo: (op) => ([...op.responses.values()].some((r) => r.contentTypes.some(isJsonMediaType)) ? true : 'no JSON response documented'),
  run(op, exchange, spec) {
    const r = exchange.response;
    if (!r || r.status === 204 || (r.status >= 300 && r.status < 400)) return null;
    const documented = documentedResponse(op, r.status);
    if (documented && !documented.contentTypes.some(isJsonMediaType)) return null;
    if (r.json !== undefined) return [];
    return [
      {
        location: '',
        expected: 'a JSON body',
        actual: `${r.jsonError}: ${show(r.text, 80)}`,
        ...(documented ? { basis: spec.provenance.at(`${documented.pointer}/content`) } : {}),
      },
    ];
  },
});
