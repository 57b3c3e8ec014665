import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenSource } from '../config/tokens.ts';
import { CannotRunError } from '../base/errors.ts';
import { Redactor } from '../base/redact.ts';
import { refuseOtherSpec, type Baseline } from '../run/findings.ts';
import { ContractReporter, SHARD_FILE, type ReporterOptions, type ShardPart } from './vitest-reporter.ts';

export interface MergeOptions {
  outDir: string;
  baseline?: Baseline;
  writeBaseline?: string;
  tokenSource?: TokenSource;
  print?: (text: string) => void;
}

/**
 * `npm run contract -- --merge-reports <dir> …`: the reports of every shard of one `--shard i/n` fan-out, as one
 * run — the shards' test results go through the same reporter (same findings, counts, verdict and exit code as
 * a single run would give), never a merge of their summaries. Refuses, in one line, anything that is not every
 * shard of one run exactly once.
 */
export function mergeShardReports(dirs: readonly string[], options: MergeOptions): number {
  const parts = dirs.map(readPart);
  const first = parts[0];
  if (!first) throw new CannotRunError('--merge-reports: which reports? pass the reports directory of every shard');
  const count = first.part.shard.count;
  for (const { dir, part } of parts) {
    const differs =
      (['spec', 'runSeed', 'runs'] as const).find((k) => part[k] !== first.part[k]) ??
      (part.target.kind !== first.part.target.kind
        ? 'target'
        : part.shard.count !== count
          ? 'shard count'
          : JSON.stringify(part.policy) !== JSON.stringify(first.part.policy)
            ? 'policy'
            : undefined);
    if (differs)
      throw new CannotRunError(
        `--merge-reports: ${dir} is not a shard of the same run as ${first.dir} (its ${differs} differs) — merge the shards of one run, started with the same seed`,
      );
  }
  for (let index = 1; index <= count; index++) {
    const holding = parts.filter((p) => p.part.shard.index === index);
    if (holding.length > 1) throw new CannotRunError(`--merge-reports: shard ${index}/${count} is given twice (${holding.map((p) => p.dir).join(', ')})`);
    if (!holding.length)
      throw new CannotRunError(`--merge-reports: shard ${index}/${count} is missing — pass the reports directory of each of the ${count} shards`);
  }
  const { part } = first;
  const tokenSource = tokenSourceOf(parts, options.tokenSource);
  if (options.baseline) refuseOtherSpec(options.baseline, part.spec);
  const settings: ReporterOptions = {
    spec: part.spec,
    target: part.target,
    runSeed: part.runSeed,
    runs: part.runs,
    outDir: options.outDir,
    // Each shard redacted what it wrote; anything shaped like a credential is redacted once more on the way out.
    redactor: new Redactor(),
    policy: part.policy,
    replay: part.replay,
    ...(tokenSource ? { tokenSource } : {}),
    ...(options.baseline ? { baseline: options.baseline } : {}),
    ...(options.writeBaseline ? { writeBaseline: options.writeBaseline } : {}),
    ...(options.print ? { print: options.print } : {}),
  };
  const reporter = new ContractReporter(settings);
  for (const p of parts) reporter.absorb(p.part);
  reporter.end(settings);
  return reporter.exitCode;
}

/**
 * Where the merged report's token export lines read the tokens from: where the shards read them, since those lines
 * replay the shards' requests — the fan-in job usually has no tokens, or others. `fallback` (the merge's own
 * environment) serves only shards written before they recorded it. Shards that read different sources cannot share
 * one export line: refused.
 */
function tokenSourceOf(parts: ReadonlyArray<{ dir: string; part: ShardPart }>, fallback: TokenSource | undefined): TokenSource | undefined {
  const recorded = parts.find((p) => p.part.tokenSource !== undefined);
  if (!recorded) return fallback;
  const key = (p: { part: ShardPart }) => JSON.stringify(p.part.tokenSource ?? null);
  const other = parts.find((p) => key(p) !== key(recorded));
  if (other)
    throw new CannotRunError(
      `--merge-reports: ${other.dir} read its tokens from ${describeSource(other.part)}, ${recorded.dir} from ${describeSource(recorded.part)} — run every shard with the same CONTRACT_TOKENS_FILE (or CONTRACT_TOKENS): the merged report's export lines read them from one place`,
    );
  return recorded.part.tokenSource ?? undefined;
}

/** A token source as the user set it — a path or a variable's name, never a token. */
function describeSource(part: ShardPart): string {
  const source = part.tokenSource;
  if (source === undefined) return 'a source it did not record (a shard written by an older version)';
  if (source === null) return 'no token source (a run on the mock)';
  return 'file' in source ? `CONTRACT_TOKENS_FILE=${source.file}` : 'CONTRACT_TOKENS';
}

function readPart(dir: string): { dir: string; part: ShardPart } {
  const file = join(dir, SHARD_FILE);
  if (!existsSync(file)) {
    const why = existsSync(join(dir, 'contract.json'))
      ? 'it holds the reports of a run that was not sharded (run each shard with --shard i/n)'
      : 'no reports there';
    throw new CannotRunError(`--merge-reports: ${file} does not exist — ${why}`);
  }
  let part: ShardPart;
  try {
    part = JSON.parse(readFileSync(file, 'utf8')) as ShardPart;
  } catch (error) {
    throw new CannotRunError(`--merge-reports: ${file} cannot be read — ${(error as Error).message.split('\n')[0]}`);
  }
  if (part.kind !== 'contract-shard' || !part.shard || !Array.isArray(part.cases))
    throw new CannotRunError(`--merge-reports: ${file} is not a shard's results (written by npm run contract -- --shard i/n)`);
  return { dir, part };
}
