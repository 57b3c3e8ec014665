import { documentedResponse } from '../spec/operations.ts';
import { defineCheck } from './types.ts';
import { show } from './show.ts';
import { getAt } from '../spec/pointer.ts';

/** "The response validates against the spec's schema" — for the documented schema of the status received. */
export const responseSchemaMismatch = defineCheck({
  id: 'response-schema-mismatch',
  family: 'schema',
  severity: 'error',
  summary: 'the body does not validate against the schema documented for its status code',
  appliesTo: (op) => ([...op.responses.values()].some((r) => r.schemaPointer) ? true : 'no response documents a JSON schema'),
  run(op, exchange, spec) {
    const response = exchange.response;
    if (!response || response.json === undefined) return [];
    const documented = documentedResponse(op, response.status);
    if (!documented?.schemaPointer) return [];
    return spec.validators.validate(documented.schemaPointer, response.json).map((e) => ({
      location: e.location,
      expected: `${e.keyword}: ${e.message}${e.params['allowedValues'] ? ` ${show(e.params['allowedValues'])}` : ''} (${e.schemaPath})`,
      actual: show(getAt(response.json, e.location)),
    }));
  },
});
