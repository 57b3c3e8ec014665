import { describe, expect, test } from 'vitest';
import { exchange } from '../support/judges.ts';
import { foreignRecordRefused, ownersAreOwn, smuggledReadIgnored, smuggledWriteIgnored, type Smuggling } from '../../../src/checks/judges/tenant.ts';
import { DOCUMENTED, type Basis } from '../../../src/spec/provenance.ts';

/** The tenant judges, one table each: [name, { given, want }] — `want` is what the findings match, `[]` silent. */
type Row<J extends (given: never) => unknown> = [string, { given: Parameters<J>[0]; want: Array<Record<string, unknown>> }];

const GUESS: Basis = { basis: 'inferred', reason: 'the docs do not say which status', marking: '/x-tenant#crossTenantStatus' };
const RULE: Basis = { basis: 'inferred', reason: 'the docs imply stores are bound to tokens', marking: '/x-tenant' };

describe('foreignRecordRefused', () => {
  const declared = { basis: RULE, status: { code: 403, basis: GUESS } };
  const pair = { owner: 'B', reader: 'A' };
  test.each<Row<typeof foreignRecordRefused>>([
    [
      "another tenant's record read fires, on the tenant rule",
      {
        given: { ...pair, exchange: exchange(200, { id: 'o1' }), rule: declared },
        want: [{ location: '', expected: "403 for tenant B's record requested with tenant A's token", actual: 'HTTP 200', basis: RULE }],
      },
    ],
    [
      'refused with another status than the declared one fires, on crossTenantStatus',
      {
        given: { ...pair, exchange: exchange(404, {}), rule: declared },
        want: [{ expected: "403 for tenant B's record requested with tenant A's token", basis: GUESS }],
      },
    ],
    [
      "a flow's resource read fires, naming it and the token",
      {
        given: { ...pair, exchange: exchange(200, {}), rule: { basis: DOCUMENTED }, resource: { id: 'v_1', token: 'other' } },
        want: [{ expected: "404 for tenant B's resource v_1 read with tenant A's token 'other'", actual: 'HTTP 200', basis: DOCUMENTED }],
      },
    ],
    [
      'no answer fires as no response',
      { given: { ...pair, exchange: exchange(), rule: { basis: DOCUMENTED } }, want: [{ actual: 'no response', basis: DOCUMENTED }] },
    ],
    ['404 when none is declared is silent', { given: { ...pair, exchange: exchange(404, {}), rule: { basis: DOCUMENTED } }, want: [] }],
    ['the declared status is silent', { given: { ...pair, exchange: exchange(403, {}), rule: declared }, want: [] }],
  ])('%s', (_name, { given, want }) => {
    expect(foreignRecordRefused(given)).toMatchObject(want);
  });
});

describe('ownersAreOwn', () => {
  const tenants = { field: 'shop', store: 'A', otherStore: 'B', pages: 1, basis: DOCUMENTED };
  test.each<Row<typeof ownersAreOwn>>([
    [
      'two owners in one list fires',
      {
        given: { ...tenants, owners: ['shop_a', 'shop_x'], otherOwners: [], otherOwner: 'shop_b' },
        want: [{ location: '', expected: "every shop is tenant A's own", actual: 'shop values ["shop_a","shop_x"] (tenant B is "shop_b")', basis: DOCUMENTED }],
      },
    ],
    [
      "the other tenant's owner id fires, and says on every page",
      {
        given: { ...tenants, owners: ['shop_b'], otherOwners: [], otherOwner: 'shop_b', pages: 3 },
        want: [{ expected: "every shop is tenant A's own, on every page" }],
      },
    ],
    [
      "an owner the other tenant's read carried fires",
      { given: { ...tenants, owners: ['shop_c'], otherOwners: ['shop_c'], otherOwner: undefined }, want: [{ location: '' }] },
    ],
    [
      "the tenant's own owner id throughout is silent",
      { given: { ...tenants, owners: ['shop_a', 'shop_a'], otherOwners: ['shop_b'], otherOwner: 'shop_b' }, want: [] },
    ],
  ])('%s', (_name, { given, want }) => {
    expect(ownersAreOwn(given)).toMatchObject(want);
  });
});

const SMUGGLED: Basis = { basis: 'inferred', reason: 'the docs say nothing of a shop header', marking: '/x-tenant#smuggledInputs' };
const smuggling: Smuggling = { store: 'A', otherStore: 'B', input: { in: 'header', name: 'X-Shop-Id' }, value: 'shop_b', basis: SMUGGLED };
const honoured = (actual: string) => [{ location: '', expected: "tenant A's answer whatever header X-Shop-Id says", actual, basis: SMUGGLED }];

describe('smuggledReadIgnored', () => {
  const ownBody = { shop: 'shop_a', orders: [1], requestId: 'r1' };
  const reads = {
    ...smuggling,
    owners: [],
    own: exchange(200, ownBody),
    again: exchange(200, { ...ownBody, requestId: 'r2' }),
    other: exchange(200, { shop: 'shop_b', orders: [2], requestId: 'r3' }),
    otherOwner: 'shop_b',
    volatile: ['/requestId'],
  };
  test.each<Row<typeof smuggledReadIgnored>>([
    [
      "the other tenant's owner id back fires",
      {
        given: { ...reads, smuggled: exchange(200, { shop: 'shop_b' }), owners: ['shop_b'] },
        want: honoured("tenant B's data came back for header X-Shop-Id=shop_b"),
      },
    ],
    [
      "the other tenant's answer, apart from volatile places, fires",
      {
        given: { ...reads, smuggled: exchange(200, { shop: 'shop_b', orders: [2], requestId: 'r9' }) },
        want: honoured("tenant B's data came back for header X-Shop-Id=shop_b"),
      },
    ],
    [
      "the token's own record not found fires",
      {
        given: { ...reads, smuggled: exchange(404, {}) },
        want: honoured("HTTP 404: the token's own record was looked for in tenant B for header X-Shop-Id=shop_b"),
      },
    ],
    [
      'the declared cross-tenant status fires too',
      {
        given: { ...reads, smuggled: exchange(403, {}), crossTenantStatus: 403 },
        want: honoured("HTTP 403: the token's own record was looked for in tenant B for header X-Shop-Id=shop_b"),
      },
    ],
    [
      "the tenant's own answer, apart from volatile places, is silent",
      { given: { ...reads, smuggled: exchange(200, { ...ownBody, requestId: 'r9' }) }, want: [] },
    ],
    ['the input refused is silent', { given: { ...reads, smuggled: exchange(400, {}) }, want: [] }],
    ['not found where the plain read fails too is silent', { given: { ...reads, own: exchange(404, {}), smuggled: exchange(404, {}) }, want: [] }],
  ])('%s', (_name, { given, want }) => {
    expect(smuggledReadIgnored(given)).toMatchObject(want);
  });
});

describe('smuggledWriteIgnored', () => {
  const plain = { session: 's1', shop: 'shop_a', at: '2026-01-01T00:00:00Z' };
  const writes = {
    ...smuggling,
    owners: [],
    first: exchange(200, plain),
    again: exchange(200, { ...plain, at: '2026-01-01T00:00:05Z' }),
    otherOwner: 'shop_b',
    volatile: ['/at'],
  };
  test.each<Row<typeof smuggledWriteIgnored>>([
    [
      "the other tenant's owner id back fires",
      {
        given: { ...writes, smuggled: exchange(200, { shop: 'shop_b' }), owners: ['shop_b'] },
        want: honoured("tenant B's data came back for header X-Shop-Id=shop_b"),
      },
    ],
    [
      "the token's own resource not found fires",
      {
        given: { ...writes, smuggled: exchange(404, {}) },
        want: honoured("HTTP 404: the token's own record was looked for in tenant B for header X-Shop-Id=shop_b"),
      },
    ],
    [
      'another answer than two agreeing plain writes fires',
      { given: { ...writes, smuggled: exchange(200, { ...plain, session: 's2' }) }, want: honoured("tenant B's data came back for header X-Shop-Id=shop_b") },
    ],
    [
      'the plain answer, apart from volatile places, is silent',
      { given: { ...writes, smuggled: exchange(200, { ...plain, at: '2026-01-01T00:00:09Z' }) }, want: [] },
    ],
    [
      'another answer where the plain writes disagree is silent',
      { given: { ...writes, again: exchange(200, { ...plain, session: 's3' }), smuggled: exchange(200, { ...plain, session: 's2' }) }, want: [] },
    ],
    ['the input refused is silent', { given: { ...writes, smuggled: exchange(422, {}) }, want: [] }],
  ])('%s', (_name, { given, want }) => {
    expect(smuggledWriteIgnored(given)).toMatchObject(want);
  });
});
