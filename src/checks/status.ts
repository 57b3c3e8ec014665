import { documentedResponse } from '../spec/operations.ts';
import { defineCheck } from './types.ts';

/** No request, however odd, may crash the server. */
export const serverError = defineCheck({
  id: 'server-error',
  family: 'status',
  severity: 'error',
  summary: 'the server answered 5xx',
  appliesTo: () => true,
  run: (_op, exchange) => {
    const r = exchange.response;
    if (!r) return null;
    return r.status >= 500 ? [{ location: '', expected: 'a non-5xx response', actual: `HTTP ${r.status}` }] : [];
  },
});

/**
 * A status the operation does not document. A 2xx/3xx the client was never told about is an error; an
 * undocumented 4xx is drift (the docs lag the server), reported as a warning. 429 is flow control, not contract.
 */
export const statusCodeUndocumented = defineCheck({
  id: 'status-code-undocumented',
  family: 'status',
  severity: 'error',
  summary: 'the status code is not documented for the operation (2xx/3xx: error; 4xx: warning)',
  appliesTo: () => true,
  run: (op, exchange) => {
    const r = exchange.response;
    if (!r || r.status >= 500 || r.status === 429) return null;
    if (documentedResponse(op, r.status)) return [];
    return [
      {
        location: '',
        expected: `one of ${[...op.responses.keys()].join(', ')}`,
        actual: `HTTP ${r.status}`,
        ...(r.status >= 400 ? { severity: 'warning' as const } : {}),
      },
    ];
  },
});
