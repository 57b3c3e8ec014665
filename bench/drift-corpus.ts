/**
 * How our drift verdicts compare with oasdiff's on oasdiff's own test corpus — a measurement, not a test (it needs
 * a checkout of github.com/oasdiff/oasdiff, and asserts nothing).
 *
 *   git clone --depth 1 https://github.com/oasdiff/oasdiff /tmp/oasdiff
 *   npx tsx bench/drift-corpus.ts /tmp/oasdiff [--misses]
 *
 * The corpus is read as data: each Go test in checker/ that diffs two spec files as they are (no edit made in
 * code, no diff options) gives a pair and the verdict it asserts — breaking when it expects a change whose rule
 * oasdiff levels ERR (checker/rules.go), not breaking when it expects only INFO/WARN changes or none. Every rule
 * of ours is our own; oasdiff's code is never run or imported.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { diffDocuments } from '../src/drift/diff.ts';
import type { DriftChange } from '../src/drift/rules.ts';
import { loadSpec } from '../src/spec/load.ts';

type Level = 'ERR' | 'WARN' | 'INFO';
interface Pair {
  base: string;
  revision: string;
  tests: string[];
  /** The levels of the changes the tests expect; empty when they expect none. */
  expected: Set<Level>;
  /** A test running every oasdiff check expects no ERR change: the pair is not breaking. */
  provenNotBreaking: boolean;
}

const [root, ...flags] = process.argv.slice(2);
if (!root || !existsSync(join(root, 'checker')) || !existsSync(join(root, 'data'))) {
  console.error('drift-corpus: give a checkout of github.com/oasdiff/oasdiff (a folder with checker/ and data/)');
  process.exit(2);
}
const checker = join(root, 'checker');

/** `RequestBodyMaxLengthDecreasedId` → ERR, from oasdiff's rule table. */
const levels = new Map<string, Level>();
for (const m of readFileSync(join(checker, 'rules.go'), 'utf8').matchAll(/newBackwardCompatibilityRule\((\w+Id), (ERR|WARN|INFO)/g))
  levels.set(m[1]!, m[2] as Level);

const pairs = new Map<string, Pair>();
let functions = 0;
const skipped = { edited: 0, options: 0, ambiguous: 0, unknownVerdict: 0 };
for (const file of readdirSync(checker).filter((f) => f.endsWith('_test.go'))) {
  const text = readFileSync(join(checker, file), 'utf8');
  for (const body of text.split(/\nfunc (?=Test)/).slice(1)) {
    functions++;
    const name = /^(\w+)/.exec(body)![1]!;
    const loads = [
      ...[...body.matchAll(/\b(?:open|load\.NewSource)\("([^"]+)"/g)].map((m) => resolve(checker, m[1]!)),
      ...[...body.matchAll(/\bl\(t, (\d+)/g)].map((m) => resolve(root, `data/openapi-test${m[1]}.yaml`)),
      ...[...body.matchAll(/\bd\(t, [^,]+, (\d+), (\d+)/g)].flatMap((m) => [
        resolve(root, `data/openapi-test${m[1]}.yaml`),
        resolve(root, `data/openapi-test${m[2]}.yaml`),
      ]),
    ];
    if (/\.Spec\.|\.Value\.\w+ = |Extensions\[/.test(body)) {
      skipped.edited++;
      continue;
    }
    if (/NewConfig\(\)\.With|WithExclude|WithAttributes|WithDeprecation|WithOptionalCheck|WithSeverity|WithChecks/.test(body)) {
      skipped.options++;
      continue;
    }
    const distinct = [...new Set(loads)];
    if (distinct.length !== 2) {
      skipped.ambiguous++;
      continue;
    }
    const negated = new Set([...body.matchAll(/(?:Not(?:Contains|Equal)|False\(t, containsId)[^\n]*checker\.(\w+Id)/g)].map((m) => m[1]!));
    const ids = [...body.matchAll(/checker\.(\w+Id)\b/g)].map((m) => m[1]!).filter((id) => !negated.has(id) && levels.has(id));
    const expected = new Set<Level>([
      ...ids.map((id) => levels.get(id)!),
      ...[...body.matchAll(/Level:\s*checker\.(ERR|WARN|INFO)/g)].map((m) => m[1] as Level),
    ]);
    const expectsNothing = /require\.(Empty|Len)\(t, \w+(, 0)?\)/.test(body) && !ids.length;
    // Only a test that runs every check can say a pair is not breaking; one check's silence says nothing of the others.
    const allChecks = /allChecksConfig\(|GetAllChecks\(|\bd\(t, /.test(body);
    if (!expected.size && !expectsNothing) {
      skipped.unknownVerdict++;
      continue;
    }
    const key = `${distinct[0]}\n${distinct[1]}`;
    const pair = pairs.get(key) ?? { base: distinct[0]!, revision: distinct[1]!, tests: [], expected: new Set(), provenNotBreaking: false };
    pair.tests.push(name);
    for (const level of expected) pair.expected.add(level);
    pair.provenNotBreaking ||= allChecks && !expected.has('ERR');
    pairs.set(key, pair);
  }
}

const rows: Array<{ pair: Pair; ours: DriftChange[] } | { pair: Pair; error: string }> = [];
for (const pair of pairs.values()) {
  try {
    const [a, b] = await Promise.all([loadSpec(pair.base), loadSpec(pair.revision)]);
    rows.push({ pair, ours: diffDocuments(a.doc, b.doc) });
  } catch (error) {
    rows.push({ pair, error: (error as Error).message.split('\n')[0]! });
  }
}

const judged = rows.filter((r): r is { pair: Pair; ours: DriftChange[] } => 'ours' in r);
const breaking = judged.filter((r) => r.pair.expected.has('ERR'));
const notBreaking = judged.filter((r) => !r.pair.expected.has('ERR') && r.pair.provenNotBreaking);
const onlyMild = judged.filter((r) => !r.pair.expected.has('ERR') && !r.pair.provenNotBreaking && r.pair.expected.size > 0);
const reporting = judged.filter((r) => r.pair.expected.size > 0);
const caught = breaking.filter((r) => r.ours.some((c) => c.level === 'breaking'));
const falseBreaking = notBreaking.filter((r) => r.ours.some((c) => c.level === 'breaking'));
const silent = reporting.filter((r) => !r.ours.length);
const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(0)} %` : '—');
const short = (f: string) => f.slice(resolve(root).length + 1);

console.log(
  `oasdiff corpus: ${functions} test functions → ${pairs.size} spec pairs with an asserted verdict (${skipped.edited} edit specs in code, ${skipped.options} use diff options, ${skipped.ambiguous} load other than two files, ${skipped.unknownVerdict} assert no verdict we can read)`,
);
console.log(
  `${rows.length - judged.length} pair(s) our loader refuses (not OpenAPI 3.x, or a broken $ref); ${judged.length - breaking.length - notBreaking.length} judged pair(s) are neither breaking nor proven non-breaking (only one check ran)`,
);
console.log('');
console.log('| measure | ours | target (issue 14) |');
console.log('|---|---:|---:|');
console.log(`| breaking verdicts of oasdiff we also call breaking | ${caught.length} / ${breaking.length} (${pct(caught.length, breaking.length)}) | ≥ 90 % |`);
console.log(
  `| non-breaking pairs we call breaking | ${falseBreaking.length} / ${notBreaking.length} (${pct(falseBreaking.length, notBreaking.length)}) | ≤ 5 % |`,
);
console.log(
  `| pairs whose (single-check) tests expect only INFO/WARN changes that we call breaking | ${onlyMild.filter((r) => r.ours.some((c) => c.level === 'breaking')).length} / ${onlyMild.length} (${pct(onlyMild.filter((r) => r.ours.some((c) => c.level === 'breaking')).length, onlyMild.length)}) | — |`,
);
console.log(
  `| pairs where oasdiff reports a change and we say "No changes" | ${silent.length} / ${reporting.length} (${pct(silent.length, reporting.length)}) | 0 |`,
);

if (flags.includes('--misses')) {
  const show = (title: string, list: typeof judged) => {
    if (!list.length) return;
    console.log(`\n## ${title}`);
    for (const r of list)
      console.log(
        `- ${short(r.pair.base)} → ${short(r.pair.revision)} [${r.pair.tests.join(', ')}]: ours ${r.ours.map((c) => `${c.rule}(${c.level})`).join(', ') || 'nothing'}`,
      );
  };
  show(
    'breaking for oasdiff, not for us',
    breaking.filter((r) => !caught.includes(r)),
  );
  show('breaking for us, not for oasdiff', falseBreaking);
  show(
    'breaking for us; its single-check tests expect only INFO/WARN',
    onlyMild.filter((r) => r.ours.some((c) => c.level === 'breaking')),
  );
  show('"No changes" where oasdiff reports one', silent);
  for (const r of rows) if ('error' in r) console.log(`- refused: ${short(r.pair.base)}: ${r.error}`);
}
