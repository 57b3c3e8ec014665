import { describe, test } from 'vitest';
import type { ReceivedResponse } from '../../../src/client/exchange.ts';
import { judgeSafeRead } from '../../../src/checks/judges/safety.ts';
import { answered, expectFindings, INFERRED, type Want } from '../support/judges.ts';

const response = (status: number, json?: unknown): ReceivedResponse => answered(status, { json }).response!;
const slot = { id: 's1', available: true, checkedAt: '2025-01-01T00:00:00Z' };

type Row = [string, { given: { first: ReceivedResponse; second: ReceivedResponse; volatile: string[] }; want: Want[] }];

describe('judgeSafeRead (read-not-safe)', () => {
  test.each<Row>([
    ['the same answer is silent', { given: { first: response(200, slot), second: response(200, slot), volatile: [] }, want: [] }],
    [
      'a change in a volatile place is silent',
      { given: { first: response(200, slot), second: response(200, { ...slot, checkedAt: '2025-01-01T00:00:01Z' }), volatile: ['/checkedAt'] }, want: [] },
    ],
    [
      'two error bodies are not compared',
      { given: { first: response(404, { traceId: 'a' }), second: response(404, { traceId: 'b' }), volatile: [] }, want: [] },
    ],
    [
      'another status fires on the whole answer',
      {
        given: { first: response(200, slot), second: response(409), volatile: [] },
        want: [{ location: '', expected: 'HTTP 200, as the same read answered just before', actual: 'HTTP 409', basis: INFERRED }],
      },
    ],
    [
      'another value fires at its place, naming the volatile ones',
      {
        given: { first: response(200, slot), second: response(200, { ...slot, available: false }), volatile: ['/checkedAt'] },
        want: [
          {
            location: '/available',
            expected: 'true, as the same read answered just before (a read changes nothing; volatile: /checkedAt)',
            actual: 'false',
            basis: INFERRED,
          },
        ],
      },
    ],
    [
      'at most three places are reported',
      {
        given: { first: response(200, { a: 1, b: 1, c: 1, d: 1 }), second: response(200, { a: 2, b: 2, c: 2, d: 2 }), volatile: [] },
        want: [{ location: '/a' }, { location: '/b' }, { location: '/c' }],
      },
    ],
  ])('%s', (_, { given, want }) => {
    expectFindings(judgeSafeRead(given.first, given.second, given.volatile, INFERRED), want);
  });
});
