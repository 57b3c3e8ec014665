import { describe, test } from 'vitest';
import type { Exchange } from '../../../src/client/exchange.ts';
import { judgeNegative, type NegativeCaseWant } from '../../../src/checks/judges/negatives.ts';
import { DOCUMENTED, type Basis } from '../../../src/spec/provenance.ts';
import { answered, expectFindings, INFERRED, unanswered, type Want } from '../support/judges.ts';

const AT = '/paths/~1things/post/x-negative-cases/0';
/** The case is documented; only its status is a guess (`x-inferred: {status: …}`). */
const spec = { provenance: { at: (place: string): Basis => (place === `${AT}/status` ? INFERRED : DOCUMENTED) } };

type Row = [string, { given: { c: NegativeCaseWant; e: Exchange }; want: Want[] }];

describe('judgeNegative (negative-case-not-refused)', () => {
  test.each<Row>([
    ['the documented status is silent', { given: { c: { name: 'amount below minimum', status: 422 }, e: answered(422) }, want: [] }],
    ['any of several documented statuses is silent', { given: { c: { name: 'duplicate', status: [409, 422] }, e: answered(409) }, want: [] }],
    [
      'accepting the request fires on the case itself (documented)',
      {
        given: { c: { name: 'amount below minimum', status: 422 }, e: answered(201) },
        want: [{ location: '', expected: 'HTTP 422 for "amount below minimum"', actual: 'HTTP 201 — accepted', basis: DOCUMENTED }],
      },
    ],
    [
      'another refusal fires on the status (here a guess)',
      {
        given: { c: { name: 'duplicate', status: [409, 422] }, e: answered(400) },
        want: [{ expected: 'HTTP 409 or 422 for "duplicate"', actual: 'HTTP 400', basis: INFERRED }],
      },
    ],
    [
      'no answer fires on the status, saying why',
      {
        given: { c: { name: 'duplicate', status: 409 }, e: unanswered('socket hang up') },
        want: [{ actual: 'no response (socket hang up)', basis: INFERRED }],
      },
    ],
  ])('%s', (_, { given, want }) => {
    expectFindings(judgeNegative(given.c, given.e, spec, AT), want);
  });
});
