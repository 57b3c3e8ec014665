import type { ScenarioResult } from '../run/scenarios/result.ts';
import { skipReason } from '../run/scenarios/result.ts';
import type { RunReport } from './aggregate.ts';
import { formatFinding } from './format.ts';
import { groupFindings } from '../run/findings.ts';

export interface JunitCase {
  file: string;
  result: ScenarioResult;
  ms: number;
  /** A test that failed for a reason other than the contract (a bug, a crash): its one line. */
  error?: string;
}

const esc = (s: string) =>
  s
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/**
 * reports/junit.xml, written from the same results as every other report so the counts agree: a test whose
 * checks judged nothing is `<skipped>` with its reason (never a pass), one cut short is an `<error>` (incomplete),
 * a failing one lists each finding once; unconfirmed inferences are skipped entries of their own suite, visible
 * and never failing.
 */
export function junitXml(report: RunReport, cases: readonly JunitCase[], known: (id: string) => boolean): string {
  const byFile = new Map<string, JunitCase[]>();
  for (const c of cases) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c]);
  const suites: string[] = [];
  let total = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  for (const [file, list] of byFile) {
    const body: string[] = [];
    let f = 0;
    let e = 0;
    let s = 0;
    for (const c of list) {
      const findings = groupFindings(c.result.errors).map((x) => ({ ...x, known: known(x.id) }));
      const failing = findings.filter((x) => !x.known);
      const reason = skipReason(c.result);
      const notes = [
        ...findings.filter((x) => x.known).map((x) => `known (baseline): ${formatFinding(x)}`),
        ...groupFindings(c.result.inferences).map((x) => formatFinding(x)),
      ];
      let inner = '';
      if (c.error) {
        inner = `<error message="${esc(c.error)}" type="could-not-run"/>`;
        e++;
      } else if (failing.length) {
        inner = `<failure message="${esc(`${failing.length} finding(s): ${failing.map((x) => x.check).join(', ')}`)}" type="contract">${esc(failing.map(formatFinding).join('\n\n'))}</failure>`;
        f++;
      } else if (c.result.notSent?.length || c.result.unsent) {
        const why = c.result.notSent?.length ? [...new Set(c.result.notSent.map((n) => n.reason))].join('; ') : 'CONTRACT_MAX_REQUESTS';
        const count = c.result.notSent?.reduce((n, x) => n + x.count, 0) ?? c.result.unsent!;
        inner = `<error message="${esc(`incomplete: ${count} request(s) not sent (${why})`)}" type="incomplete"/>`;
        e++;
      } else if (reason) {
        inner = `<skipped message="${esc(`not applicable: ${reason}`)}"/>`;
        s++;
      }
      if (notes.length) inner += `<system-out>${esc(notes.join('\n\n'))}</system-out>`;
      body.push(`    <testcase classname="${esc(file)}" name="${esc(c.result.name)}" time="${(c.ms / 1000).toFixed(3)}">${inner}</testcase>`);
    }
    total += list.length;
    failures += f;
    errors += e;
    skipped += s;
    suites.push(`  <testsuite name="${esc(file)}" tests="${list.length}" failures="${f}" errors="${e}" skipped="${s}">\n${body.join('\n')}\n  </testsuite>`);
  }
  const inferences = report.findings.filter((x) => x.severity === 'inference');
  if (inferences.length) {
    const body = inferences.map(
      (x) =>
        `    <testcase classname="unconfirmed inferences" name="${esc(`${x.check} · ${x.operation}${x.location ? ` at ${x.location}` : ''}`)}" time="0"><skipped message="${esc(`unconfirmed inference (not failing): ${x.inferred?.reason ?? ''}`)}"/><system-out>${esc(formatFinding(x))}</system-out></testcase>`,
    );
    suites.push(
      `  <testsuite name="unconfirmed inferences" tests="${inferences.length}" failures="0" errors="0" skipped="${inferences.length}">\n${body.join('\n')}\n  </testsuite>`,
    );
    total += inferences.length;
    skipped += inferences.length;
  }
  // A run that is incomplete or could not be made for a reason of the whole run (no success answer anywhere, the
  // requests never reaching the API) has no test of its own to carry it: a CI reading only JUnit would see green.
  if ((report.verdict === 'incomplete' || report.verdict === 'cannot-run') && errors === 0) {
    suites.push(
      `  <testsuite name="contract run" tests="1" failures="0" errors="1" skipped="0">\n    <testcase classname="contract run" name="verdict" time="0"><error message="${esc(`${report.verdict}: ${report.because}`)}" type="${report.verdict}"/></testcase>\n  </testsuite>`,
    );
    total += 1;
    errors += 1;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="contract ${esc(report.spec)}" tests="${total}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${(report.durationMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
