/**
 * npm run upstream -- pull [--api salesive|sumvin|gu1|sila] [--index <url>] [--source <url>] [--dir <folder>]
 *                          [--timeout <ms>] [--check]
 * Fetches an API's upstream docs (or vendor files) into spec/upstream/<api>/ with a manifest; --check compares only.
 * Exit: 0 complete (and, with --check, identical) · 1 upstream differs (--check) or some document could not be
 * fetched or used · 2 nothing could be fetched, or bad input. See docs/upstream.md.
 */
import { Command } from 'commander';
import { CannotRunError, EXIT, oneLine, scriptVoice } from '../src/base/errors.ts';
import { FETCH_DEFAULTS, UPSTREAM_APIS } from '../src/upstream/apis.ts';
import { nextStep, pull, snapshotDir } from '../src/upstream/pull.ts';
import type { Plan } from '../src/upstream/plan.ts';
import { renderPlan } from '../src/upstream/report.ts';

interface Flags {
  api: string;
  index?: string;
  source?: string;
  dir?: string;
  timeout: string;
  check?: boolean;
}

async function runPull(flags: Flags): Promise<number> {
  const timeoutMs = Number(flags.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new CannotRunError(`upstream: --timeout ${JSON.stringify(flags.timeout)} is not a positive number of milliseconds`);
  refuseUserinfo('index', flags.index);
  refuseUserinfo('source', flags.source);
  const { plan, applied } = await pull({ api: flags.api, timeoutMs, check: !!flags.check, ...pick(flags, 'dir', 'index', 'source') });
  const again = [
    'npm run upstream -- pull',
    `--api ${flags.api}`,
    ...(['index', 'source', 'dir'] as const).filter((k) => flags[k]).map((k) => `--${k} ${flags[k]}`),
  ].join(' ');
  const rendered = renderPlan(plan, {
    check: !!flags.check,
    ...(applied ? { applied } : {}),
    pullCommand: again,
    driftCommand: nextStep(flags.api, flags.dir ?? snapshotDir(flags.api)),
  });
  if (rendered.code === EXIT.cannotRun) throw new CannotRunError(nothingFetched(plan, rendered.err));
  for (const line of rendered.err) console.error(line);
  for (const line of rendered.out) console.log(line);
  return rendered.code;
}

/**
 * A user name or password in a URL is not sent (the fetch ignores it) and would be echoed in every line about the
 * URL: refused before anything is fetched, the URL shown without it.
 */
function refuseUserinfo(flag: 'index' | 'source', value: string | undefined): void {
  const url = value === undefined ? undefined : URL.parse(value);
  if (!url || (!url.username && !url.password)) return;
  url.username = '';
  url.password = '';
  throw new CannotRunError(
    `upstream: --${flag} holds a user name or password, which is never sent and must not reach a log — give the URL without it (${url.href})`,
  );
}

/**
 * Exit 2 is one line: when nothing could be fetched, each document's failure (its own line when a pull got
 * something) is folded into the line that says so.
 */
function nothingFetched(plan: Plan, err: readonly string[]): string {
  const failed = plan.items.flatMap((i) => (i.kind === 'failed' ? [i] : []));
  const untouched = `${plan.dir} is untouched`;
  if (!failed.length) return err.at(-1) ?? `upstream: nothing could be fetched from ${plan.source} — ${untouched}`;
  // One document names itself; many are summed up by what went wrong, each reason once.
  const why =
    failed.length === 1 ? `${failed[0]!.url} — ${failed[0]!.problem}` : `${failed.length} documents — ${[...new Set(failed.map((i) => i.problem))].join('; ')}`;
  return `upstream: nothing could be fetched from ${plan.source}: ${why} — ${untouched}`;
}

const pick = <K extends keyof Flags>(flags: Flags, ...keys: K[]) => Object.fromEntries(keys.filter((k) => flags[k] !== undefined).map((k) => [k, flags[k]]));

async function main(): Promise<number> {
  let code: number = EXIT.cannotRun;
  const program = new Command()
    .name('npm run upstream --')
    .exitOverride()
    // Commander's own refusals in this script's voice (pull inherits it).
    .configureOutput({ outputError: scriptVoice('upstream') });
  program
    .command('pull')
    .description("fetch the API's upstream docs or vendor files into spec/upstream/<api>/ (with manifest.json); --check only compares")
    .option('--api <name>', `which API: ${Object.keys(UPSTREAM_APIS).join(', ')}`, 'salesive')
    .option('--index <url>', 'another llms.txt-style index, or a mirror serving the docs under the same paths')
    .option('--source <url>', 'vendor APIs: the folder (or one file) to fetch the vendor files from — another ref, or a mirror')
    .option('--dir <folder>', 'the snapshot folder (default spec/upstream/<api>)')
    .option('--timeout <ms>', 'per request', String(FETCH_DEFAULTS.timeoutMs))
    .option('--check', 'compare only, write nothing: exit 1 when upstream differs')
    .exitOverride()
    .action(async (flags: Flags) => {
      code = await runPull(flags);
    });
  try {
    await program.parseAsync();
  } catch (error) {
    // Commander has printed its own line (unknown option, missing command, --help); anything else is ours.
    const c = (error as { code?: unknown }).code;
    if (typeof c !== 'string' || !c.startsWith('commander.')) throw error;
    return c === 'commander.helpDisplayed' ? EXIT.holds : EXIT.cannotRun;
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`upstream: ${oneLine(error).replace(/^upstream: /, '')}`);
    process.exit(EXIT.cannotRun);
  },
);
