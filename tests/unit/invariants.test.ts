import { describe, expect, test } from 'vitest';
import { evaluateInvariant, type Invariant } from '../../src/checks/invariants.ts';

/**
 * x-invariants name fields by key or by a pointer into the object (`/rejection/reason`); the load check accepts
 * both, so each rule must read both — a pointer read as a key would be "absent" on every object.
 */
describe('each invariant rule, by key and by pointer: fires on an object that breaks it, silent on one that keeps it', () => {
  const cases: Array<[string, Invariant, Record<string, unknown>, Record<string, unknown>]> = [
    [
      'nonNullWhen by pointer',
      { id: 'reason', rule: 'nonNullWhen', field: '/rejection/reason', when: { field: 'status', equals: 'rejected' } },
      { status: 'rejected', rejection: { reason: 'bad document' } },
      { status: 'rejected', rejection: { reason: null } },
    ],
    [
      'nonNullIff, condition by pointer',
      { id: 'at', rule: 'nonNullIff', field: 'rejected_at', when: { field: '/rejection/code', nonNull: true } },
      { rejected_at: '2026-01-01T00:00:00Z', rejection: { code: 'R1' } },
      { rejected_at: null, rejection: { code: 'R1' } },
    ],
    [
      'notAfter by pointer',
      { id: 'order', rule: 'notAfter', field: '/times/created', other: '/times/updated' },
      { times: { created: '2026-01-01T00:00:00Z', updated: '2026-01-02T00:00:00Z' } },
      { times: { created: '2026-01-03T00:00:00Z', updated: '2026-01-02T00:00:00Z' } },
    ],
    [
      'notAfter by key, epoch seconds against RFC 3339',
      { id: 'order', rule: 'notAfter', field: 'created', other: 'updated' },
      { created: 1_767_225_600, updated: '2026-01-02T00:00:00Z' },
      { created: 1_767_398_400, updated: '2026-01-02T00:00:00Z' },
    ],
    [
      'implies by pointer',
      { id: 'retry', rule: 'implies', when: { field: 'status', equals: 'rejected' }, then: { field: '/rejection/can_retry', nonNull: true } },
      { status: 'rejected', rejection: { can_retry: false } },
      { status: 'rejected', rejection: { can_retry: null } },
    ],
  ];
  test.each(cases)('%s', (_name, invariant, keeps, breaks) => {
    expect(evaluateInvariant(invariant, keeps)).toBeUndefined();
    expect(evaluateInvariant(invariant, breaks)).toMatchObject({ expected: expect.stringContaining(`[${invariant.id}]`) });
  });

  test("a pointer through a missing parent holds vacuously for implies (the parent is another rule's)", () => {
    const inv: Invariant = {
      id: 'retry',
      rule: 'implies',
      when: { field: 'status', equals: 'rejected' },
      then: { field: '/rejection/can_retry', nonNull: true },
    };
    expect(evaluateInvariant(inv, { status: 'rejected', rejection: null })).toBeUndefined();
  });
});
