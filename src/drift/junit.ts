import { fails, type DriftReport } from './report.ts';
import { describeChange } from './report.ts';
import type { DriftChange } from './rules.ts';

/**
 * JUnit XML for CI test tabs: one test suite per operation, one test case per change. A change that fails the run
 * (`--fail-on`) is a failure; the others pass with their text; accepted ones (drift-ignore) are skipped with the reason.
 */
export function driftJunit(report: Pick<DriftReport, 'title' | 'changes' | 'ignored' | 'failOn'>): string {
  const all: Array<DriftChange & { reason?: string }> = [...report.changes, ...report.ignored];
  const byOp = new Map<string, typeof all>();
  for (const c of all) byOp.set(c.operation, [...(byOp.get(c.operation) ?? []), c]);
  const failures = report.changes.filter((c) => fails(c, report.failOn)).length;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${xml(report.title)}" tests="${all.length}" failures="${failures}">`];
  for (const [op, list] of byOp) {
    const failed = list.filter((c) => c.reason === undefined && fails(c, report.failOn)).length;
    out.push(`  <testsuite name="${xml(op)}" tests="${list.length}" failures="${failed}" skipped="${list.filter((c) => c.reason !== undefined).length}">`);
    for (const c of list) {
      out.push(`    <testcase classname="${xml(op)}" name="${xml(`${c.rule} at ${c.location}`)}">`);
      if (c.reason !== undefined) out.push(`      <skipped message="${xml(`accepted: ${c.reason}`)}"/>`);
      else if (fails(c, report.failOn))
        out.push(`      <failure message="${xml(`${c.level}: ${c.rule}`)}" type="${c.level}">${xml(`${describeChange(c)}\n${c.pointer}`)}</failure>`);
      else out.push(`      <system-out>${xml(`${c.level}: ${describeChange(c)}\n${c.pointer}`)}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  if (!all.length) out.push('  <testsuite name="spec drift" tests="1" failures="0"><testcase classname="spec drift" name="no changes"/></testsuite>');
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

function xml(s: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the five specials are escaped.
  return s
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
