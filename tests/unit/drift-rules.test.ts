import { describe, expect, test } from 'vitest';
import { diffDocuments } from '../../src/drift/diff.ts';
import { driftExitCode } from '../../src/drift/report.ts';
import { DRIFT_RULES, type DriftRule, type DriftRuleId } from '../../src/drift/rules.ts';
import type { OpenApiDocument } from '../../src/spec/types.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const clone = <T>(v: T): T => structuredClone(v);
const diff = (from: unknown, to: unknown) => diffDocuments(clone(from) as OpenApiDocument, clone(to) as OpenApiDocument, { now: NOW });

/** [rule, { given, want }] — the fixture pair every rule carries in the table (the type makes one mandatory). */
const TABLE = Object.entries(DRIFT_RULES) as Array<[DriftRuleId, DriftRule]>;

describe('each rule fires on its fixture pair, at its pointer, with its level', () => {
  test.each(TABLE)('%s', (rule, { given, want, level }) => {
    const changes = diff(given.from, given.to);
    expect(
      changes.filter((c) => c.rule === rule).map((c) => c.pointer),
      JSON.stringify(changes, null, 1),
    ).toContain(want.pointer);
    // The pair shows exactly its edit: no other rule fires, so the verdict (exit code) is this rule's level.
    expect(changes.filter((c) => c.rule !== rule)).toEqual([]);
    expect(changes.find((c) => c.rule === rule)!.level).toBe(level);
    expect(driftExitCode({ changes, failOn: 'breaking' })).toBe(level === 'breaking' ? 1 : 0);
    expect(driftExitCode({ changes, failOn: 'warning' })).toBe(level === 'info' ? 0 : 1);
  });

  test.each(TABLE)('%s: its fixture pair read backwards is never "No changes"', (_rule, { given }) => {
    expect(diff(given.to, given.from).length).toBeGreaterThan(0);
  });
});

test('rule ids are stable kebab-case', () => {
  for (const id of Object.keys(DRIFT_RULES)) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
});
