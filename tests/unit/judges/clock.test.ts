import { describe, test } from 'vitest';
import type { ClockField } from '../../../src/arbitraries/clock.ts';
import type { Exchange } from '../../../src/client/exchange.ts';
import { judgeClockRefusal } from '../../../src/checks/judges/clock.ts';
import { answered, expectFindings, INFERRED, unanswered, type Want } from '../support/judges.ts';

const created: Pick<ClockField, 'in' | 'at' | 'rule'> = { in: 'body', at: '/header/created', rule: { unit: 'epoch-seconds', maxAgeSeconds: 300 } };
const aheadAllowed: Pick<ClockField, 'in' | 'at' | 'rule'> = { in: 'header', at: 'X-Timestamp', rule: { unit: 'rfc3339', maxAgeSeconds: 60, future: true } };

type Row = [string, { given: { e: Exchange; field: Pick<ClockField, 'in' | 'at' | 'rule'>; probe: string }; want: Want[] }];

describe('judgeClockRefusal (clock-bound-not-enforced)', () => {
  test.each<Row>([
    ['a 4xx refusing a stale value is silent', { given: { e: answered(400), field: created, probe: '360 s old' }, want: [] }],
    ['a 401 is a refusal too', { given: { e: answered(401), field: created, probe: '5 minutes in the future' }, want: [] }],
    [
      'accepting a stale value fires at the field',
      {
        given: { e: answered(200), field: created, probe: '360 s old' },
        want: [
          {
            location: '/header/created',
            expected: 'a 4xx refusing body /header/created 360 s old (epoch-seconds, at most 300 s old, never ahead)',
            actual: 'HTTP 200',
            basis: INFERRED,
          },
        ],
      },
    ],
    [
      'a rule that allows the future does not say "never ahead"',
      {
        given: { e: answered(201), field: aheadAllowed, probe: '120 s old' },
        want: [{ location: 'X-Timestamp', expected: '(rfc3339, at most 60 s old)', actual: 'HTTP 201' }],
      },
    ],
    ['a 5xx is no refusal', { given: { e: answered(500), field: created, probe: '360 s old' }, want: [{ actual: 'HTTP 500' }] }],
    [
      'no answer fires, saying why',
      { given: { e: unanswered('socket hang up'), field: created, probe: '360 s old' }, want: [{ actual: 'no response (socket hang up)' }] },
    ],
  ])('%s', (_, { given, want }) => {
    expectFindings(judgeClockRefusal(given.e, given.field, given.probe, INFERRED), want);
  });
});
