import { describe, expect, test } from 'vitest';
import { isCheckId, type CheckId } from '../../src/checks/catalogue.ts';
import type { Finding, Violation } from '../../src/checks/types.ts';
import type { RunContext } from '../../src/run/context.ts';
import { groupFindings } from '../../src/run/findings.ts';
import { unenforcedByTheMock } from '../../src/run/scenarios/shared.ts';

const at = (severity: Violation['severity'], expected: string): Violation => ({
  check: 'invalid-input-accepted',
  severity,
  basis: 'documented',
  operation: 'POST /v2/tags',
  status: 201,
  location: '',
  expected,
  actual: 'HTTP 201',
});

describe('one place judged by several scenarios', () => {
  // Found on DigitalOcean's spec: the inputs scenario noted a rule the mock does not enforce (a warning) and the
  // boundaries scenario broke it (an error) at the same place — the verdict depended on which came first.
  test.each([
    ['the warning first', [at('warning', 'noted'), at('error', 'broken')]],
    ['the error first', [at('error', 'broken'), at('warning', 'noted')]],
  ])('is as severe as its most severe occurrence, %s; the error leads the examples', (_order, occurrences) => {
    const [finding, ...more] = groupFindings(occurrences);
    expect(more).toEqual([]);
    expect(finding).toMatchObject({ severity: 'error', count: 2 });
    expect(finding!.examples[0]!.expected).toBe('broken');
  });

  test('warnings alone stay a warning', () => {
    expect(groupFindings([at('warning', 'a'), at('warning', 'b')])[0]!.severity).toBe('warning');
  });
});

describe('a rule the mock does not enforce', () => {
  const accepted: Finding[] = [{ location: '', expected: 'a 4xx rejecting the invalid input', actual: 'HTTP 201' }];
  const on = (kind: 'mock' | 'live') => unenforcedByTheMock({ target: { kind } } as RunContext, accepted);

  test('on the mock, an invalid request answered 2xx is a note about Prism, never a finding about a server', () => {
    expect(on('mock')).toEqual([
      { ...accepted[0], severity: 'warning', expected: 'a 4xx rejecting the invalid input — the mock (Prism) does not enforce this rule' },
    ]);
  });

  test('live, it stays the finding it is', () => {
    expect(on('live')).toEqual(accepted);
  });
});

describe('check ids are a type', () => {
  test('an id of the catalogue compiles; a misspelt one does not (npm run typecheck fails if it did)', () => {
    const known: CheckId = 'auth-not-enforced';
    // @ts-expect-error — not an id of the catalogue
    const misspelt: CheckId = 'auth-not-enforcd';
    expect(isCheckId(known)).toBe(true);
    expect(isCheckId(misspelt)).toBe(false);
  });
});
