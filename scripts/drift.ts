/**
 * npm run drift -- --from <old> --to <new>           spec ↔ spec (a file, or git:<ref>[:<path>])
 * npm run drift -- --upstream <folder>               current spec ↔ a candidate rebuilt from doc pages
 * npm run drift -- --types --to <new> [--consumer <glob>]   spec ↔ your code: does it still compile?
 * Options: --api <name> (a contract of spec/apis.json), --format markdown,json,githubactions,junit,
 * --fail-on breaking|warning, --ignore <file> (default drift-ignore.yaml), --warn-only, --out <dir>.
 * Exit: 0 nothing fails · 1 a change at or above --fail-on (or lines that stop compiling) · 2 bad input.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { apiByName, knownApis, type ApiEntry } from '../src/config/apis.ts';
import { DEFAULT_SPEC } from '../src/config/env.ts';
import { githubAnnotations } from '../src/drift/annotations.ts';
import { specAtRef } from '../src/drift/git-spec.ts';
import { diffDocuments } from '../src/drift/diff.ts';
import { applyIgnore, loadIgnoreFile } from '../src/drift/ignore.ts';
import { driftJunit } from '../src/drift/junit.ts';
import { lineFinder } from '../src/drift/lines.ts';
import { driftExitCode, driftJson, driftMarkdown, type DriftReport, type FailOn } from '../src/drift/report.ts';
import { consumerFiles, typeBreaks } from '../src/drift/types.ts';
import { rebuildFromUpstream } from '../src/drift/upstream.ts';
import { CannotRunError, EXIT, oneLine, scriptVoice } from '../src/base/errors.ts';
import { loadSpec } from '../src/spec/load.ts';
import { outDirProblem } from '../src/report/out-dir.ts';

const FORMATS = ['markdown', 'json', 'githubactions', 'junit'] as const;
type Format = (typeof FORMATS)[number];

const program = new Command()
  .name('npm run drift --')
  .option('--api <name>', 'a contract of spec/apis.json: its spec is the default --from, its typesAlias the module --types maps')
  .option('--from <spec>', "the old spec: a file or git:<ref>[:<path>] (default: the API's spec)")
  // The new side is one of them: with both, one would be dropped without a word.
  .addOption(new Option('--to <spec>', 'the new spec: a file or git:<ref>[:<path>]').conflicts('upstream'))
  .option('--upstream <folder>', 'rebuild the new spec from doc pages carrying OpenAPI blocks (spec/upstream format)')
  // --types checks code against --to; it cannot use a candidate rebuilt from pages.
  .addOption(new Option('--types', "type-check code against the new spec's types (instead of comparing the specs)").conflicts('upstream'))
  .option('--consumer <glob...>', "with --types: your .ts files, e.g. 'src/**/*.ts' (default: tests/consumer files importing the API's types)")
  .option('--format <list>', `what to print: ${FORMATS.join(', ')} (comma-separated)`, 'markdown')
  .option('--fail-on <level>', 'exit 1 when a change is at least: breaking or warning', 'breaking')
  .option('--ignore <file>', 'changes accepted once, with a reason (default: drift-ignore.yaml when it exists)')
  .option('--warn-only', 'report, but exit 0')
  .option('--out <dir>', 'where drift-spec.md / .json / .junit.xml go', 'reports')
  .exitOverride()
  .configureOutput({ outputError: scriptVoice('drift', conflictAdvice) });

/** What to do about --to or --types beside --upstream. */
function conflictAdvice(line: string): string {
  return /cannot be used with option '--upstream/.test(line) ? ' — compare with one new side: --to <spec>, or --upstream <folder> (--types needs --to)' : '';
}

/** The page folder, checked before it is read: a bare ENOENT/ENOTDIR from scandir names no flag and no remedy. */
function checkUpstream(folder: string): void {
  const stat = statSync(folder, { throwIfNoEntry: false });
  if (!stat)
    throw new CannotRunError(`drift: --upstream ${folder} does not exist — give a folder of doc pages (npm run upstream -- pull writes spec/upstream/<api>)`);
  if (!stat.isDirectory())
    throw new CannotRunError(`drift: --upstream ${folder} is a file — give the folder of doc pages it belongs to (e.g. spec/upstream/salesive)`);
}

interface Options {
  api?: string;
  from?: string;
  to?: string;
  upstream?: string;
  types?: boolean;
  consumer?: string[];
  format: string;
  failOn: string;
  ignore?: string;
  warnOnly?: boolean;
  out: string;
}

/** A spec argument made a file on disk: `git:main` → the API's spec as it stands on main. */
interface Materialized {
  file: string;
  /** How the reviewer knows it: the repository path for `git:` specs. */
  display: string;
}

function materialize(spec: string, defaultPath: string): Materialized {
  if (!spec.startsWith('git:')) return { file: spec, display: spec };
  // The path is what follows the last colon when it names a spec file: a revision may hold colons of its own
  // (main@{2026-12-01 10:00}).
  const rest = spec.slice('git:'.length);
  const named = /^(.*):([^:]+\.(?:ya?ml|json))$/i.exec(rest);
  const [ref, path] = named ? [named[1]!, named[2]!] : [rest, defaultPath];
  if (!ref) throw new CannotRunError(`drift: ${spec} — name a revision: git:<ref>[:<path>], e.g. git:main or git:HEAD~1:spec/api.yaml`);
  return { file: specAtRef(ref, path, { label: spec }), display: path };
}

function parseOptions(o: Options): { formats: Format[]; failOn: FailOn } {
  const formats = o.format
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const bad = formats.find((f) => !(FORMATS as readonly string[]).includes(f));
  if (bad || !formats.length) throw new CannotRunError(`drift: --format ${bad ?? o.format} is not one of ${FORMATS.join(', ')}`);
  if (o.failOn !== 'breaking' && o.failOn !== 'warning') throw new CannotRunError(`drift: --fail-on ${o.failOn} — say breaking or warning`);
  if (!o.to && !o.upstream) throw new CannotRunError('drift: say what to compare with: --to <spec> or --upstream <folder>');
  if (o.consumer && !o.types) throw new CannotRunError('drift: --consumer goes with --types (it names the code to type-check)');
  const out = outDirProblem(o.out);
  if (out) throw new CannotRunError(`drift: --out: ${out} — give a folder the reports can be written to (it is made when missing)`);
  return { formats: formats as Format[], failOn: o.failOn };
}

/** Without --consumer: the samples in tests/consumer that import this API's types. */
function defaultConsumers(alias: string): string[] {
  const dir = 'tests/consumer';
  const imports = new RegExp(`from\\s+['"]${alias.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]`);
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(dir, f))
    : [];
  const mine = files.filter((f) => imports.test(readFileSync(f, 'utf8')));
  if (!mine.length)
    throw new CannotRunError(`drift: --types: no file in ${dir} imports '${alias}' — pass --consumer <glob> (your code that imports the generated types)`);
  return mine;
}

async function types(o: Options, api: ApiEntry | undefined, from: Materialized): Promise<number> {
  if (!o.to) throw new CannotRunError('drift: --types needs --to <spec>');
  const alias = api?.typesAlias ?? 'contract-types';
  const files = o.consumer ? consumerFiles(o.consumer) : defaultConsumers(alias);
  const to = materialize(o.to, from.display);
  const breaks = await typeBreaks({ baseline: from.file, candidate: to.file, files, alias });
  const what = `${files.length} file(s) importing '${alias}'`;
  if (!breaks.length) {
    console.log(`types: ${what} compile against ${o.to} as they do against ${from.display} — no code change needed`);
    return EXIT.holds;
  }
  console.log(`types: ${breaks.length} line(s) of ${what} stop compiling against ${o.to}:`);
  for (const b of breaks) console.log(`  ${b.file}:${b.line}  ${b.code}\n      ${b.message}`);
  return o.warnOnly ? EXIT.holds : EXIT.violated;
}

async function main(): Promise<number> {
  try {
    program.parse();
  } catch (error) {
    return (error as { code?: string }).code === 'commander.helpDisplayed' ? EXIT.holds : EXIT.cannotRun;
  }
  const o = program.opts<Options>();
  const { formats, failOn } = parseOptions(o);
  const api = o.api ? apiByName(o.api) : knownApis()[0];
  const defaultSpec = api?.spec ?? DEFAULT_SPEC;
  const from = materialize(o.from ?? defaultSpec, defaultSpec);
  if (o.types) return types(o, api, from);

  const notes: string[] = [];
  let to: Materialized;
  if (o.upstream) {
    checkUpstream(o.upstream);
    const candidate = rebuildFromUpstream(o.upstream);
    if (!candidate.pages.used.length) throw new CannotRunError(`drift: no page in ${o.upstream} carries a complete OpenAPI block`);
    const file = join(mkdtempSync(join(tmpdir(), 'drift-upstream-')), 'upstream.yaml');
    writeFileSync(file, candidate.yaml);
    to = { file, display: o.upstream };
    notes.push(`Rebuilt from ${candidate.pages.used.length} page(s) of ${o.upstream}; only their operations are compared.`);
    if (candidate.pages.skipped.length)
      notes.push(`Skipped ${candidate.pages.skipped.length} page(s): ${candidate.pages.skipped.map((s) => `${s.page} (${s.reason})`).join('; ')}.`);
  } else to = materialize(o.to!, from.display);

  const ignoreFile = o.ignore ?? 'drift-ignore.yaml';
  const entries = loadIgnoreFile(ignoreFile, o.ignore !== undefined);
  const [a, b] = await Promise.all([loadSpec(from.file), loadSpec(to.file)]);
  const { kept, ignored, stale } = applyIgnore(diffDocuments(a.doc, b.doc, { partial: !!o.upstream }), entries);
  if (ignored.length) notes.push(`${ignored.length} change(s) accepted by ${ignoreFile}.`);
  const report: DriftReport = {
    title: `Spec drift: ${o.from ?? from.display} → ${o.upstream ? `upstream ${o.upstream}` : o.to}`,
    from: o.from ?? from.display,
    to: o.to ?? o.upstream!,
    candidateFile: to.display,
    notes,
    changes: kept,
    ignored,
    stale,
    failOn,
  };
  const markdown = driftMarkdown(report);
  const json = driftJson(report);
  const junit = driftJunit(report);
  mkdirSync(o.out, { recursive: true });
  writeFileSync(join(o.out, 'drift-spec.md'), markdown);
  writeFileSync(join(o.out, 'drift-spec.json'), json);
  writeFileSync(join(o.out, 'drift-spec.junit.xml'), junit);
  // A candidate rebuilt from pages has no lines of its own to point at; a file is parsed for lines only when asked.
  const lines = () => (o.upstream ? () => undefined : lineFinder(readFileSync(to.file, 'utf8')));
  const print: Record<Format, () => string> = {
    markdown: () => markdown,
    json: () => json,
    junit: () => junit,
    githubactions: () => githubAnnotations(report, lines()),
  };
  for (const format of formats) process.stdout.write(print[format]());
  return driftExitCode(report, o.warnOnly);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`drift: ${oneLine(error).replace(/^drift: /, '')}`);
    process.exit(EXIT.cannotRun);
  },
);
