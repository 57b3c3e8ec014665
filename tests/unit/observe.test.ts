import { beforeAll, describe, expect, test } from 'vitest';
import type { Exchange } from '../../src/client/exchange.ts';
import type { SpecModel } from '../../src/checks/types.ts';
import { liveDriftMarkdown, observe, ObservationLog } from '../../src/drift/observe.ts';
import { buildSpecModel } from '../../src/run/spec-model.ts';
import fc from 'fast-check';
import { escapeToken, foldIndices, pointer } from '../../src/spec/pointer.ts';
import { fieldName } from '../../src/spec/timestamps.ts';

/**
 * What the live server does beyond the spec (reports/drift.md) is one row per field, not one per array element: a
 * list of fifty roles each carrying the same undocumented field is one thing to act on, counted fifty times.
 */
let spec: SpecModel;
beforeAll(async () => {
  spec = await buildSpecModel('spec/salesive-account.yaml');
});

const role = (i: number, extra: Record<string, unknown> = {}) => ({
  _id: `66b1f0a3c2d4e5f6a7b8c9d${i}`,
  name: `Role ${i}`,
  shop: '6680aabbccddeeff00112200',
  pages: [{ id: 'overview', name: 'Overview', required: true }],
  permissions: ['orders:view'],
  active: true,
  createdAt: '2026-01-10T09:00:00.000Z',
  updatedAt: '2026-05-02T11:30:00.000Z',
  ...extra,
});

function rolesAnswer(roles: unknown[]): Exchange {
  const body = {
    status: 200,
    success: true,
    message: 'Roles retrieved',
    data: { roles, pagination: { total: roles.length, page: 1, limit: 10, pages: 1, hasNext: false, hasPrev: false, nextPage: null, prevPage: null } },
  };
  return {
    request: { operation: 'GET /roles', method: 'GET', url: 'http://127.0.0.1/api/v1/roles', headers: {} },
    response: { status: 200, headers: { 'content-type': 'application/json' }, text: JSON.stringify(body), json: body },
    ms: 1,
  };
}

describe('live drift observations', () => {
  test('foldIndices folds array indices of a body location and nothing else', () => {
    expect(foldIndices('/data/roles/12/pages/0/id')).toBe('/data/roles/*/pages/*/id');
    expect(foldIndices('/data/v2name/x10')).toBe('/data/v2name/x10');
    expect(foldIndices('')).toBe('');
  });

  test('an undocumented field on every element of a list is one row, counted per element', () => {
    const op = spec.operations.find((o) => o.key === 'GET /roles')!;
    const exchange = rolesAnswer([0, 1, 2].map((i) => role(i, { color: 'teal' })));
    const log = new ObservationLog();
    log.add(observe(op, exchange, spec), exchange);
    const unknown = log.list().filter((t) => t.kind === 'field-unknown');
    expect(unknown).toEqual([expect.objectContaining({ location: '/data/roles/*/color', value: 'color', count: 3 })]);
    const timestamps = log.list().filter((t) => t.kind === 'timestamp-format');
    expect(timestamps.map((t) => [t.location, t.value, t.count])).toEqual([
      ['/data/roles/*/createdAt', 'rfc3339', 3],
      ['/data/roles/*/updatedAt', 'rfc3339', 3],
    ]);
    const md = liveDriftMarkdown(log.list(), 'live');
    expect(md).toMatch(/^1 thing\(s\) the server did that the spec does not say\.$/m);
    expect(md).toContain('/data/roles/*/color');
  });

  test('a conforming answer is observed as nothing beyond the spec', () => {
    const op = spec.operations.find((o) => o.key === 'GET /roles')!;
    const exchange = rolesAnswer([role(0), role(1)]);
    const log = new ObservationLog();
    log.add(observe(op, exchange, spec), exchange);
    expect(log.list().filter((t) => t.kind !== 'timestamp-format')).toEqual([]);
    expect(liveDriftMarkdown(log.list(), 'live')).toMatch(/The server did nothing the spec does not say\./);
  });

  test('an undocumented status is observed once per operation and status, whatever the body', () => {
    const op = spec.operations.find((o) => o.key === 'GET /roles')!;
    const teapot: Exchange = { ...rolesAnswer([]), response: { status: 418, headers: {}, text: 'teapot', json: undefined } };
    const log = new ObservationLog();
    log.add(observe(op, teapot, spec), teapot);
    log.add(observe(op, teapot, spec), teapot);
    expect(log.list()).toEqual([expect.objectContaining({ kind: 'status-undocumented', value: '418', count: 2 })]);
  });
});

/** Both are asked of every place of every body observed, so they are written for speed: held to their definitions. */
test('fieldName is the last token that is not an array index; foldIndices writes every index as * (property)', () => {
  const token = fc.oneof(fc.string({ maxLength: 6 }), fc.nat({ max: 99 }).map(String), fc.constantFrom('a~b', 'x/y', '~0', '~1', '', '07'));
  fc.assert(
    fc.property(fc.array(token, { maxLength: 6 }), (tokens) => {
      const location = pointer(...tokens);
      expect(fieldName(location)).toBe([...tokens].reverse().find((t) => !/^\d+$/.test(t)));
      expect(foldIndices(location)).toBe(tokens.map((t) => `/${/^\d+$/.test(t) ? '*' : escapeToken(t)}`).join(''));
      expect(foldIndices(location)).toBe(foldIndices(location));
    }),
    { numRuns: 3000 },
  );
});
