/**
 * npm run drift -- --from <old> --to <new>     spec ↔ spec (a file, or git:<ref>[:<path>])
 * npm run drift -- --upstream <folder>         current spec ↔ a candidate rebuilt from doc pages
 * npm run drift -- --types --to <new>          spec ↔ your code: does the consumer sample still compile?
 * Exit: 0 nothing breaking · 1 breaking changes (or lines that stop compiling) · 2 bad input.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { DEFAULT_SPEC } from '../src/config/env.ts';
import { diffSpecs } from '../src/drift/diff.ts';
import { driftMarkdown } from '../src/drift/report.ts';
import { typeBreaks } from '../src/drift/types.ts';
import { rebuildFromUpstream } from '../src/drift/upstream.ts';
import { CannotRunError, EXIT, oneLine } from '../src/errors.ts';
import { buildSpecModel } from '../src/run/context.ts';

const program = new Command()
  .name('npm run drift --')
  .option('--from <spec>', 'the old spec: a file or git:<ref>[:<path>]', DEFAULT_SPEC)
  .option('--to <spec>', 'the new spec: a file or git:<ref>[:<path>]')
  .option('--upstream <folder>', 'rebuild the new spec from doc pages carrying OpenAPI blocks (spec/upstream format)')
  .option('--types', 'type-check the consumer sample (tests/consumer) against the new spec')
  .option('--warn-only', 'report breaking changes but exit 0')
  .option('--out <dir>', 'where drift-spec.md / drift-spec.json go', 'reports')
  .exitOverride();

/** `git:main` → the default spec as it stands on main; `git:v1:spec/x.yaml` → that file at v1. */
function materialize(spec: string): string {
  if (!spec.startsWith('git:')) return spec;
  const [, ref, path = DEFAULT_SPEC] = spec.split(':');
  try {
    const text = execFileSync('git', ['show', `${ref}:${path}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const file = join(mkdtempSync(join(tmpdir(), 'drift-git-')), path.split('/').pop()!);
    writeFileSync(file, text);
    return file;
  } catch {
    throw new CannotRunError(`drift: ${spec} — git has no ${path} at ${ref}`);
  }
}

async function main(): Promise<number> {
  try {
    program.parse();
  } catch (error) {
    return (error as { code?: string }).code === 'commander.helpDisplayed' ? EXIT.holds : EXIT.cannotRun;
  }
  const o = program.opts<{ from: string; to?: string; upstream?: string; types?: boolean; warnOnly?: boolean; out: string }>();
  if (!o.to && !o.upstream) throw new CannotRunError('drift: say what to compare with: --to <spec> or --upstream <folder>');

  if (o.types) {
    if (!o.to) throw new CannotRunError('drift: --types needs --to <spec>');
    const breaks = await typeBreaks(materialize(o.to));
    if (!breaks.length) {
      console.log(`types: the consumer sample compiles against ${o.to} — no code change needed`);
      return EXIT.holds;
    }
    console.log(`types: ${breaks.length} line(s) of the consumer sample stop compiling against ${o.to}:`);
    for (const b of breaks) console.log(`  ${b.file}:${b.line}  ${b.code}\n      ${b.message}`);
    return o.warnOnly ? EXIT.holds : EXIT.violated;
  }

  const notes: string[] = [];
  let toPath: string;
  if (o.upstream) {
    const candidate = rebuildFromUpstream(o.upstream);
    if (!candidate.pages.used.length) throw new CannotRunError(`drift: no page in ${o.upstream} carries a complete OpenAPI block`);
    toPath = join(mkdtempSync(join(tmpdir(), 'drift-upstream-')), 'upstream.yaml');
    writeFileSync(toPath, candidate.yaml);
    notes.push(`Rebuilt from ${candidate.pages.used.length} page(s) of ${o.upstream}; only their operations are compared.`);
    if (candidate.pages.skipped.length) notes.push(`Skipped ${candidate.pages.skipped.length} page(s): ${candidate.pages.skipped.map((s) => `${s.page} (${s.reason})`).join('; ')}.`);
  } else toPath = materialize(o.to!);
  const [from, to] = await Promise.all([buildSpecModel(materialize(o.from)), buildSpecModel(toPath)]);
  const changes = diffSpecs(from, to, { partial: !!o.upstream });
  const title = `Spec drift: ${o.from} → ${o.upstream ? `upstream ${o.upstream}` : o.to}`;
  const markdown = driftMarkdown(changes, title, notes);
  mkdirSync(o.out, { recursive: true });
  writeFileSync(join(o.out, 'drift-spec.md'), markdown);
  writeFileSync(join(o.out, 'drift-spec.json'), JSON.stringify({ from: o.from, to: o.to ?? o.upstream, notes, changes }, null, 2) + '\n');
  console.log(markdown);
  const breaking = changes.filter((c) => c.level === 'breaking').length;
  return breaking && !o.warnOnly ? EXIT.violated : EXIT.holds;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`drift: ${oneLine(error).replace(/^drift: /, '')}`);
    process.exit(EXIT.cannotRun);
  },
);
