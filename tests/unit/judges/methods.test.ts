import { describe, test } from 'vitest';
import type { Exchange } from '../../../src/client/exchange.ts';
import { judgeMethodServerError, judgeUndocumentedMethod, type MethodProbe } from '../../../src/checks/judges/methods.ts';
import { DOCUMENTED } from '../../../src/spec/provenance.ts';
import { answered, expectFindings, unanswered, type Want } from '../support/judges.ts';

const probe: MethodProbe = { path: '/things/{id}', method: 'delete', documented: ['get', 'patch'] };

type Row = [string, { given: Exchange; want: Want[] }];

describe('judgeUndocumentedMethod (undocumented-method-accepted)', () => {
  test.each<Row>([
    ['405 with Allow is silent', { given: answered(405, { headers: { allow: 'GET, PATCH' } }), want: [] }],
    ['another 4xx is silent', { given: answered(404), want: [] }],
    ['a 5xx is server-error’s, silent here', { given: answered(500), want: [] }],
    ['no answer is the transport checks’, silent here', { given: unanswered(), want: [] }],
    [
      '200 fires: the method was answered as a documented one',
      {
        given: answered(200),
        want: [
          { location: '', expected: '405 (Allow: GET, PATCH) or a 4xx: /things/{id} documents GET, PATCH, not DELETE', actual: 'HTTP 200', basis: DOCUMENTED },
        ],
      },
    ],
    ['a 3xx fires too', { given: answered(302), want: [{ actual: 'HTTP 302' }] }],
    [
      '405 without Allow fires',
      {
        given: answered(405),
        want: [
          {
            location: '',
            expected: '405 with an Allow header naming GET, PATCH (RFC 9110 §15.5.6) for DELETE',
            actual: 'HTTP 405 without Allow',
            basis: DOCUMENTED,
          },
        ],
      },
    ],
  ])('%s', (_, { given, want }) => {
    expectFindings(judgeUndocumentedMethod(given, probe), want);
  });
});

describe('judgeMethodServerError (server-error)', () => {
  test.each<Row>([
    ['a 4xx is silent', { given: answered(405, { headers: { allow: 'GET' } }), want: [] }],
    ['a 2xx is silent (undocumented-method-accepted’s)', { given: answered(200), want: [] }],
    ['no answer is silent', { given: unanswered(), want: [] }],
    [
      '503 fires, with no basis of its own (documented)',
      { given: answered(503), want: [{ location: '', expected: 'a non-5xx answer to DELETE /things/{id}', actual: 'HTTP 503', basis: undefined }] },
    ],
  ])('%s', (_, { given, want }) => {
    expectFindings(judgeMethodServerError(given, probe), want);
  });
});
