import { documentedResponse } from '../spec/operations.ts';
import { getAt } from '../spec/pointer.ts';
import { eitherInferred, type Basis } from '../spec/provenance.ts';
import { walk } from '../spec/schema-walk.ts';
import type { SchemaError } from '../spec/validators.ts';
import { show } from './show.ts';
import { defineCheck, type SpecModel } from './types.ts';

/** "The response validates against the spec's schema" — for the documented schema of the status received. */
export const responseSchemaMismatch = defineCheck({
  id: 'response-schema-mismatch',
  family: 'schema',
  severity: 'error',
  summary: 'the body does not validate against the schema documented for its status code',
  appliesTo: (op) => ([...op.responses.values()].some((r) => r.schemaPointer) ? true : 'no response documents a JSON schema'),
  run(op, exchange, spec) {
    const response = exchange.response;
    if (!response || response.json === undefined) return null;
    const documented = documentedResponse(op, response.status);
    if (!documented?.schemaPointer) return null;
    const schemaPointer = documented.schemaPointer;
    return spec.validators.validate(schemaPointer, response.json).map((e) => ({
      location: e.location,
      expected: `${e.keyword}: ${e.message}${e.params['allowedValues'] ? ` ${show(e.params['allowedValues'])}` : ''} (${e.schemaPath})`,
      actual: show(getAt(response.json, e.location)),
      basis: schemaErrorBasis(spec, schemaPointer, response.json, e),
    }));
  },
});

/**
 * The basis of a schema error: the marking on the failing keyword or anything above it in the document (Ajv's
 * schemaPath: absolute for a `$ref`'d schema, relative to the validated root otherwise), or one inherited along
 * the body's path (a `$ref` site, an enclosing schema marked as a whole).
 */
export function schemaErrorBasis(spec: SpecModel, rootPointer: string, body: unknown, e: SchemaError): Basis {
  const path = e.schemaPath.replace(/^#/, '');
  const first = path.split('/')[1] ?? '';
  const absolute = first in (spec.doc as object) && !['properties', 'items', 'allOf', 'anyOf', 'oneOf'].includes(first);
  const keyword = spec.provenance.at(absolute ? path : `${rootPointer}${path}`);
  const visit = walk(spec, rootPointer, body).find((v) => v.location === e.location);
  return visit ? eitherInferred(keyword, visit.inherited) : keyword;
}
