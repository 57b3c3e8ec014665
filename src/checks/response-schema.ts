import { documentedResponse } from '../spec/operations.ts';
import { getAt } from '../spec/pointer.ts';
import { eitherInferred, type Basis } from '../spec/provenance.ts';
import { keywordBasis, walk } from '../spec/schema-walk.ts';
import { toDefaultForm } from '../spec/timestamps.ts';
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
    // A negotiated form (X-Timestamp-Format: iso8601 …) is held to the same schema, read back into the default.
    const body = toDefaultForm(spec.doc, response.json, exchange.request.headers);
    return spec.validators.validate(schemaPointer, body).map((e) => ({
      location: e.location,
      expected: `${e.keyword}: ${e.message}${e.params['allowedValues'] ? ` ${show(e.params['allowedValues'])}` : ''} (${e.schemaPath})`,
      actual: show(getAt(body, e.location)),
      basis: schemaErrorBasis(spec, schemaPointer, response.json, e),
    }));
  },
});

/**
 * The basis of a schema error, found along the body's path: the schema visited where the error is, the place in
 * the document its failing keyword is written (an `allOf` branch, a `$ref` target — the `required` list that names
 * the missing property), and everything it inherits (ref sites, enclosing schemas marked as a whole). Ajv's
 * schemaPath is relative to whichever schema it compiled separately, so it is read only when it names the
 * document itself.
 */
export function schemaErrorBasis(spec: SpecModel, rootPointer: string, body: unknown, e: SchemaError): Basis {
  const visit = walk(spec, rootPointer, body).find((v) => v.location === e.location);
  const missing = e.keyword === 'required' ? String(e.params['missingProperty']) : undefined;
  const walked = visit ? keywordBasis(spec, visit, e.keyword, missing) : spec.provenance.at(rootPointer);
  const path = e.schemaPath.replace(/^#/, '');
  const first = path.split('/')[1] ?? '';
  const absolute = (first === 'components' || first === 'paths') && getAt(spec.doc, path.slice(0, path.lastIndexOf('/'))) !== undefined;
  return absolute ? eitherInferred(spec.provenance.at(path), walked) : walked;
}
