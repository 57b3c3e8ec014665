import { describe, expect, test } from 'vitest';
import type { Exchange } from '../../../src/client/exchange.ts';
import { exchange } from '../support/judges.ts';
import { negotiatedFieldsOf, representationHonored, sameInstants, unknownFallsBack } from '../../../src/checks/judges/representations.ts';
import { DOCUMENTED, type Basis } from '../../../src/spec/provenance.ts';
import type { NegotiatedRepresentation } from '../../../src/spec/timestamps.ts';

/** The representation judges, one table each: [name, { given, want }] — `want` is what the findings match, `[]` silent. */
type Row<J extends (given: never) => unknown> = [string, { given: Parameters<J>[0]; want: Array<Record<string, unknown>> }];

const GUESS: Basis = { basis: 'inferred', reason: 'the docs show one example', marking: '/x-negotiated-representations/0' };

/** Sumvin's declaration: epoch milliseconds by default, ISO 8601 on request. */
const RULE: NegotiatedRepresentation = {
  header: 'X-Timestamp-Format',
  default: 'epoch-ms',
  values: { iso8601: 'rfc3339' },
  fields: ['createdAt', 'updatedAt'],
};

const MS = 1767225600123; // 2026-01-01T00:00:00.123Z
const fields = (entries: Record<string, unknown>) => new Map(Object.entries(entries));

describe('representationHonored', () => {
  const asked = { rule: RULE, value: 'iso8601', form: 'rfc3339' as const, basis: DOCUMENTED };
  test.each<Row<typeof representationHonored>>([
    [
      'every field still in the default form fires',
      {
        given: { ...asked, before: fields({ '/createdAt': MS, '/updatedAt': MS }), after: fields({ '/createdAt': MS, '/updatedAt': MS }) },
        want: [
          {
            location: '/createdAt',
            expected: 'rfc3339 with X-Timestamp-Format: iso8601',
            actual: `${MS} — the default form (2 field(s) unchanged)`,
            basis: DOCUMENTED,
          },
        ],
      },
    ],
    [
      'one field changed is silent',
      {
        given: {
          ...asked,
          before: fields({ '/createdAt': MS, '/updatedAt': MS }),
          after: fields({ '/createdAt': '2026-01-01T00:00:00.123Z', '/updatedAt': MS }),
        },
        want: [],
      },
    ],
    ['null fields only are silent', { given: { ...asked, before: fields({ '/createdAt': null }), after: fields({ '/createdAt': null }) }, want: [] }],
  ])('%s', (_name, { given, want }) => {
    expect(representationHonored(given)).toMatchObject(want);
  });
});

describe('sameInstants', () => {
  test.each<Row<typeof sameInstants>>([
    [
      'another instant fires',
      {
        given: { rule: RULE, form: 'rfc3339', before: fields({ '/createdAt': MS }), after: fields({ '/createdAt': '2026-01-01T01:00:00.123Z' }), basis: GUESS },
        want: [
          {
            location: '/createdAt',
            expected: `the same instant as the default form ${MS} (2026-01-01T00:00:00.123Z)`,
            actual: '"2026-01-01T01:00:00.123Z" (2026-01-01T01:00:00.123Z)',
            basis: GUESS,
          },
        ],
      },
    ],
    [
      'milliseconds lost where the forms carry them fires',
      {
        given: {
          rule: RULE,
          form: 'rfc3339',
          before: fields({ '/createdAt': MS }),
          after: fields({ '/createdAt': '2026-01-01T00:00:00Z' }),
          basis: DOCUMENTED,
        },
        want: [{ location: '/createdAt' }],
      },
    ],
    [
      'milliseconds lost to a form to the second is silent',
      {
        given: {
          rule: RULE,
          form: 'rfc3339-seconds',
          before: fields({ '/createdAt': MS }),
          after: fields({ '/createdAt': '2026-01-01T00:00:00Z' }),
          basis: DOCUMENTED,
        },
        want: [],
      },
    ],
    [
      'the same instant is silent',
      {
        given: {
          rule: RULE,
          form: 'rfc3339',
          before: fields({ '/createdAt': MS }),
          after: fields({ '/createdAt': '2026-01-01T00:00:00.123Z' }),
          basis: DOCUMENTED,
        },
        want: [],
      },
    ],
    [
      'an unreadable value is left to the schema checks',
      {
        given: { rule: RULE, form: 'rfc3339', before: fields({ '/createdAt': MS }), after: fields({ '/createdAt': 'yesterday' }), basis: DOCUMENTED },
        want: [],
      },
    ],
  ])('%s', (_name, { given, want }) => {
    expect(sameInstants(given)).toMatchObject(want);
  });
});

describe('unknownFallsBack', () => {
  const unknown = { rule: RULE, unknown: 'unknown-42', basis: DOCUMENTED };
  test.each<Row<typeof unknownFallsBack>>([
    [
      'an unknown value refused fires',
      {
        given: { ...unknown, exchange: exchange(400, { error: 'bad format' }) },
        want: [
          {
            location: '',
            expected: 'the default form (epoch-ms) for X-Timestamp-Format: unknown-42 — an unknown value falls back',
            actual: 'HTTP 400',
            basis: DOCUMENTED,
          },
        ],
      },
    ],
    ['no answer fires as no response', { given: { ...unknown, exchange: exchange() }, want: [{ location: '', actual: 'no response' }] }],
    [
      'another form than the default fires',
      {
        given: { ...unknown, exchange: exchange(200, { createdAt: '2026-01-01T00:00:00.123Z' }) },
        want: [{ location: '/createdAt', expected: 'epoch-ms for an unknown X-Timestamp-Format', actual: '"2026-01-01T00:00:00.123Z"', basis: DOCUMENTED }],
      },
    ],
    ['the default form is silent', { given: { ...unknown, exchange: exchange(200, { createdAt: MS, updatedAt: null }) }, want: [] }],
  ])('%s', (_name, { given, want }) => {
    expect(unknownFallsBack(given)).toMatchObject(want);
  });
});

describe('negotiatedFieldsOf', () => {
  test.each<[string, { given: Exchange; want: Map<string, unknown> | undefined }]>([
    ['the fields of a 2xx JSON answer, by location', { given: exchange(200, { createdAt: MS, other: 1 }), want: fields({ '/createdAt': MS }) }],
    ['nothing of a refusal', { given: exchange(404, { createdAt: MS }), want: undefined }],
    ['nothing without an answer', { given: exchange(), want: undefined }],
  ])('%s', (_name, { given, want }) => {
    expect(negotiatedFieldsOf(RULE, given)).toEqual(want);
  });
});
