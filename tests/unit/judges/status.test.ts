import { describe, expect, test } from 'vitest';
import type { Exchange } from '../../../src/client/exchange.ts';
import {
  answer,
  expectAdmitted,
  expectForbidden,
  expectNotRejectedAsInvalid,
  expectRejected,
  expectStatus,
  expectUnauthorized,
  noting,
  type Judge,
} from '../../../src/checks/judges/status.ts';
import { DOCUMENTED, type Basis } from '../../../src/spec/provenance.ts';
import { answered, expectFindings, INFERRED, unanswered, type Want } from '../support/judges.ts';

type Row = [string, { given: { judge: Judge; exchange: Exchange; basis?: Basis }; want: Want[] }];

const rows: Row[] = [
  ['expectUnauthorized: 401 is silent', { given: { judge: expectUnauthorized, exchange: answered(401) }, want: [] }],
  [
    'expectUnauthorized: 200 fires, documented by default',
    {
      given: { judge: expectUnauthorized, exchange: answered(200) },
      want: [{ location: '', expected: '401 Unauthorized', actual: 'HTTP 200', basis: DOCUMENTED }],
    },
  ],
  [
    'expectUnauthorized: 403 fires on the basis given',
    { given: { judge: expectUnauthorized, exchange: answered(403), basis: INFERRED }, want: [{ actual: 'HTTP 403', basis: INFERRED }] },
  ],
  ['expectRejected: 422 is silent', { given: { judge: expectRejected, exchange: answered(422) }, want: [] }],
  ['expectRejected: a 5xx is left to server-error', { given: { judge: expectRejected, exchange: answered(500) }, want: [] }],
  ['expectRejected: no answer is left to the transport checks', { given: { judge: expectRejected, exchange: unanswered() }, want: [] }],
  [
    'expectRejected: 201 fires',
    {
      given: { judge: expectRejected, exchange: answered(201) },
      want: [{ expected: 'a 4xx rejecting the invalid input', actual: 'HTTP 201', basis: DOCUMENTED }],
    },
  ],
  ['expectNotRejectedAsInvalid: 200 is silent', { given: { judge: expectNotRejectedAsInvalid, exchange: answered(200) }, want: [] }],
  ['expectNotRejectedAsInvalid: 404 is silent (not a validation error)', { given: { judge: expectNotRejectedAsInvalid, exchange: answered(404) }, want: [] }],
  [
    'expectNotRejectedAsInvalid: 400 fires',
    { given: { judge: expectNotRejectedAsInvalid, exchange: answered(400) }, want: [{ expected: 'not a validation error', actual: 'HTTP 400' }] },
  ],
  [
    'expectNotRejectedAsInvalid: 422 fires',
    { given: { judge: expectNotRejectedAsInvalid, exchange: answered(422), basis: INFERRED }, want: [{ actual: 'HTTP 422', basis: INFERRED }] },
  ],
  ['expectForbidden: 403 is silent', { given: { judge: expectForbidden, exchange: answered(403) }, want: [] }],
  [
    'expectForbidden: 401 fires (the token was valid)',
    { given: { judge: expectForbidden, exchange: answered(401) }, want: [{ expected: '403 Forbidden (token lacks the scope)', actual: 'HTTP 401' }] },
  ],
  [
    'expectForbidden: no answer fires, saying why',
    { given: { judge: expectForbidden, exchange: unanswered('no answer in 5 ms') }, want: [{ actual: 'no response (no answer in 5 ms)' }] },
  ],
  ['expectAdmitted: 200 is silent', { given: { judge: expectAdmitted, exchange: answered(200) }, want: [] }],
  ['expectAdmitted: 404 is silent (admitted, then not found)', { given: { judge: expectAdmitted, exchange: answered(404) }, want: [] }],
  [
    'expectAdmitted: 403 fires',
    { given: { judge: expectAdmitted, exchange: answered(403) }, want: [{ expected: 'admitted (the token holds a granting scope)', actual: 'HTTP 403' }] },
  ],
  ['expectStatus(409): 409 is silent', { given: { judge: expectStatus(409), exchange: answered(409) }, want: [] }],
  [
    'expectStatus(409): 400 fires',
    { given: { judge: expectStatus(409), exchange: answered(400) }, want: [{ expected: 'HTTP 409', actual: 'HTTP 400', basis: DOCUMENTED }] },
  ],
];

describe('status judges', () => {
  test.each(rows)('%s', (_, { given, want }) => {
    expectFindings(given.judge(given.exchange, given.basis), want);
  });
});

describe('noting and answer', () => {
  test.each([
    [
      'noting appends the note to every finding',
      { given: { findings: expectForbidden(answered(200)), note: 'token "ops"' }, want: ['403 Forbidden (token lacks the scope) — token "ops"'] },
    ],
    ['noting leaves no findings as none', { given: { findings: expectForbidden(answered(403)), note: 'token "ops"' }, want: [] }],
  ] as const)('%s', (_, { given, want }) => {
    expect(noting(given.findings, given.note).map((f) => f.expected)).toEqual(want);
  });

  test.each([
    ['an answer shows its status', { given: answered(204), want: 'HTTP 204' }],
    ['no answer shows why', { given: unanswered('socket hang up'), want: 'no response (socket hang up)' }],
  ] as const)('%s', (_, { given, want }) => {
    expect(answer(given)).toBe(want);
  });
});
