/**
 * npm run contract — the main job: runs tests/contract against the embedded Prism mock (default) or a live
 * target (CONTRACT_BASE_URL + CONTRACT_TOKENS[_FILE]), prints a summary and writes reports/.
 * Exit: 0 the contract holds · 1 violations · 2 the run could not be made · 3 incomplete.
 * `npm run contract -- replay <finding id>` re-runs the test behind one finding of reports/contract.json.
 */
import { randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { armDeadline, parseDuration, readSettings } from '../src/config/env.ts';
import { applyEnvFile } from '../src/config/dotenv.ts';
import { CannotRunError, EXIT, oneLine, scriptVoice } from '../src/base/errors.ts';
import type { RunningMock } from '../src/targets/prism.ts';
import type { Outcome } from '../src/run/ledger.ts';
import type { ReporterOptions } from '../src/report/vitest-reporter.ts';
import { outDirProblem } from '../src/report/out-dir.ts';
import { staleReports } from '../src/report/stale.ts';
import type { SpecModel } from '../src/checks/types.ts';
import type { Shard } from '../src/run/shard.ts';

type VitestNode = typeof import('vitest/node');

interface Flags {
  api?: string;
  spec?: string;
  baseUrl?: string;
  runs?: string;
  seed?: string;
  only?: string;
  reports: string;
  shard?: string;
  mergeReports?: string[];
  inferred?: string;
  baseline?: string;
  writeBaseline?: string | true;
  dotenv?: string;
  preflight: boolean;
  allowProductionWrites?: boolean;
  writeProbes: boolean;
  maxTime?: string;
  deep?: boolean;
}

function program(): Command {
  return new Command()
    .name('npm run contract --')
    .description('Check an API contract (spec/apis.json) against the embedded mock or a live target.')
    .argument('[command]', 'replay: re-run the test behind one finding of a previous run')
    .argument('[id]', 'with replay: the finding id from reports/contract.json (or the summary)')
    .option('--api <name>', 'a contract of spec/apis.json by name: salesive, sumvin, gu1, sila (CONTRACT_API)')
    .option('--spec <file>', 'OpenAPI spec (CONTRACT_SPEC)')
    .option('--base-url <url>', 'live target, e.g. http://127.0.0.1:8080/api/v1 (CONTRACT_BASE_URL)')
    .option('--runs <n>', 'property runs per property (CONTRACT_RUNS)', positive)
    .option('--seed <n>', 'replay a run (CONTRACT_SEED)')
    .option('--only <test name>', 'run only the contract test with this name (as a replay line prints it)')
    .addOption(new Option('--inferred <policy>', 'what an inferred finding does (CONTRACT_INFERRED)').choices(['warn', 'fail', 'off']))
    .option('--baseline <file>', 'findings already known (a contract.json or --write-baseline file): reported, not failing (CONTRACT_BASELINE)')
    .option('--write-baseline [file]', "write this run's findings as a baseline (default contract-baseline.json)")
    .option('--reports <dir>', 'where reports go', 'reports')
    .option('--shard <index/count>', 'run one shard of the contract tests, split by operation (CONTRACT_SHARD), e.g. 1/3', shardOf)
    .addOption(
      new Option('--merge-reports <dirs...>', 'merge the reports directories of every --shard run into one (--reports), with one verdict').conflicts(
        MERGE_IGNORES,
      ),
    )
    .option(
      '--dotenv <file>',
      'read settings from this env file (default: .env when it exists; set variables win). Not --env-file: Node itself claims that flag',
    )
    .option('--no-preflight', 'skip the live checks that the base URL and each token reach the API')
    .option('--allow-production-writes', 'allow write operations against a host the spec marks as production')
    .option(
      '--no-write-probes',
      'send no write probes (tenant ids in writes, boundary and malformed bodies on writes, undocumented write methods) (CONTRACT_WRITE_PROBES=0)',
    )
    .option(
      '--max-time <duration>',
      "the run's time budget, e.g. 90s, 10m or 600 (seconds), or off; past it nothing more is sent and the run ends incomplete (CONTRACT_MAX_TIME; default 15m live, none on the mock)",
      maxTimeOf,
    )
    .option('--deep', 'a deep run: more runs per property, flows explored longer, going on until the time budget (CONTRACT_DEEP=1)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: scriptVoice('contract', mergeAdvice) });
}

/**
 * What a merge cannot honour: it rebuilds the run the shards made, from what they recorded (spec, target, seed,
 * policies); a flag that would shape a run is for each `--shard` run, and silently dropping it here would leave
 * a user believing the merged verdict used it.
 */
const MERGE_IGNORES = [
  'api',
  'spec',
  'baseUrl',
  'runs',
  'seed',
  'only',
  'inferred',
  'shard',
  'preflight',
  'allowProductionWrites',
  'writeProbes',
  'maxTime',
  'deep',
];

/** What `replay` honours: everything else comes from the run that found the finding (its contract.json). */
const REPLAY_TAKES = ['reports', 'dotenv', 'preflight'];

/** What to do about a flag --merge-reports cannot honour. */
function mergeAdvice(line: string): string {
  return /^contract: option '--merge-reports\b.* cannot be used with /.test(line)
    ? ' — --merge-reports only merges the reports of finished --shard runs: give that flag to each --shard run, and here only --reports, --baseline, --write-baseline or --dotenv'
    : '';
}

/** The flags given on the command line that `replay` would not use. */
function ignoredByReplay(cli: Command): string[] {
  return cli.options
    .filter((o) => !REPLAY_TAKES.includes(o.attributeName()) && cli.getOptionValueSource(o.attributeName()) === 'cli')
    .map((o) => o.long ?? o.flags);
}

/** Where the run writes, checked before it starts: the reports come at its end, and an unwritable place would lose the verdict. */
function checkOutputs(flags: Flags): void {
  const reports = outDirProblem(flags.reports);
  if (reports) throw new CannotRunError(`--reports: ${reports} — give a folder the reports can be written to (it is made when missing)`);
  if (typeof flags.writeBaseline !== 'string') return;
  const baseline = outDirProblem(dirname(flags.writeBaseline));
  if (baseline) throw new CannotRunError(`--write-baseline: ${flags.writeBaseline} cannot be written (${baseline}) — give a file path under a folder`);
}

function shardOf(v: string): string {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new InvalidArgumentError('expected <index>/<count>, e.g. 1/3');
  return v;
}

function maxTimeOf(v: string): string {
  if (v.trim() !== 'off' && parseDuration(v) === undefined) throw new InvalidArgumentError('expected a duration like 90s, 10m or 600 (seconds), or off');
  return v;
}

function positive(v: string): string {
  if (!/^[1-9]\d*$/.test(v)) throw new InvalidArgumentError('expected a positive integer');
  return v;
}

/**
 * The whole job; resolves to the exit code. `loadVitest` is how vitest gets loaded: scripts/contract.mjs
 * (what `npm run contract` runs) loads it outside tsx's loader hooks, three times faster.
 */
export async function contract(loadVitest: () => Promise<VitestNode> = () => import('vitest/node'), argv = process.argv): Promise<number> {
  try {
    return await main(loadVitest, argv);
  } catch (error) {
    console.error(`contract: ${oneLine(error)}`);
    return EXIT.cannotRun;
  }
}

async function main(loadVitest: () => Promise<VitestNode>, argv: string[]): Promise<number> {
  const cli = program();
  try {
    cli.parse(argv);
  } catch (error) {
    const e = error as { code?: string };
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? EXIT.holds : EXIT.cannotRun;
  }
  const flags = cli.opts<Flags>();
  const [command, id] = cli.processedArgs as [string | undefined, string | undefined];
  const ignored = command === 'replay' ? ignoredByReplay(cli) : [];
  if (ignored.length)
    throw new CannotRunError(
      `replay: it re-runs the finding with the settings of the run that found it (its contract.json), so ${ignored.join(', ')} would be ignored — drop ${ignored.length > 1 ? 'them' : 'it'} (replay takes --reports, --dotenv and --no-preflight)`,
    );
  loadEnvFile(flags.dotenv);
  if (command === 'replay') return replay(loadVitest, flags, id);
  if (command !== undefined)
    throw new CannotRunError(`unknown command ${JSON.stringify(command)} — the only command is replay <finding id>; options start with --`);
  checkOutputs(flags);
  if (flags.mergeReports) return mergeReports(flags);
  applyFlags(flags);
  return runClearingStale(loadVitest, flags);
}

/** What a run reads from files: one of them may sit in the reports folder (README: a contract.json as --baseline). */
const RUN_INPUTS = ['CONTRACT_BASELINE', 'CONTRACT_SPEC', 'CONTRACT_TOKENS_FILE', 'CONTRACT_ENV_FILE'];

/**
 * The run; when it cannot be made (exit 2 before its reporter wrote), the earlier run's reports in --reports are
 * removed, so they are not taken for this run's (src/report/stale.ts). Said by the exit code and README only:
 * exit 2 stays one line.
 */
async function runClearingStale(loadVitest: () => Promise<VitestNode>, flags: Flags): Promise<number> {
  const inputs = () => [...RUN_INPUTS.map((name) => process.env[name]?.trim()), flags.dotenv].filter((f): f is string => !!f);
  const clear = staleReports(flags.reports, inputs);
  // A mock that cannot start ends the process from inside the run (prepareAndRun), past the catch below.
  const onExit = (code: number) => code === EXIT.cannotRun && clear();
  process.once('exit', onExit);
  try {
    return await run(loadVitest, flags);
  } catch (error) {
    clear();
    throw error;
  } finally {
    process.off('exit', onExit);
  }
}

/** Flags become the same environment the tests read, so the CLI and CI configure one thing. */
function applyFlags(flags: Flags): void {
  const set = (name: string, value: string | undefined) => value !== undefined && (process.env[name] = value);
  set('CONTRACT_API', flags.api);
  set('CONTRACT_SPEC', flags.spec);
  set('CONTRACT_BASE_URL', flags.baseUrl);
  set('CONTRACT_RUNS', flags.runs);
  set('CONTRACT_SEED', flags.seed);
  set('CONTRACT_ONLY', flags.only);
  set('CONTRACT_INFERRED', flags.inferred);
  set('CONTRACT_BASELINE', flags.baseline);
  set('CONTRACT_MAX_TIME', flags.maxTime);
  if (flags.deep) process.env['CONTRACT_DEEP'] = '1';
  set('CONTRACT_SHARD', flags.shard);
  if (flags.allowProductionWrites) process.env['CONTRACT_ALLOW_PRODUCTION_WRITES'] = '1';
  if (!flags.writeProbes) process.env['CONTRACT_WRITE_PROBES'] = '0';
}

/** `.env` (or --dotenv): the settings a team keeps beside the project; what the environment already says wins. */
function loadEnvFile(file: string | undefined): void {
  if (file === '') throw new CannotRunError("--dotenv: no file named — give the env file's path, or leave --dotenv out (CONTRACT_ENV_FILE= reads none)");
  const named = file ?? process.env['CONTRACT_ENV_FILE'];
  // CONTRACT_ENV_FILE= (empty) reads no file at all.
  const path = named ?? '.env';
  if (!path) return;
  if (!existsSync(path)) {
    if (named) throw new CannotRunError(`${file ? '--dotenv' : 'CONTRACT_ENV_FILE'}: ${path} does not exist`);
    return;
  }
  applyEnvFile(path, process.env);
  console.log(`contract: settings read from ${path} (variables already set win)`);
}

async function run(loadVitest: () => Promise<VitestNode>, flags: Flags): Promise<number> {
  // The time budget runs from here, start-up included: one instant for this process and the workers.
  armDeadline(process.env, { fresh: true });
  const settings = readSettings(process.env);
  // The shards of one fan-out are one run: the same seed on each (--merge-reports checks it).
  if (settings.shard && settings.seed === undefined)
    throw new CannotRunError(
      `--shard: set CONTRACT_SEED (or --seed) to the same value on every shard, e.g. the CI run's number, so the ${settings.shard.count} shards make one run`,
    );
  const runSeed = settings.seed ?? randomInt(0, 2 ** 31 - 1);
  process.env['CONTRACT_SEED'] = String(runSeed);
  // On the mock, Prism's ~1.5 s start is the longest thing on the way to the first request: it goes first, and
  // everything else (spec, vitest, the workers) loads while it boots; the workers wait for it (harness).
  let starting: Promise<RunningMock> | undefined;
  let served: Deferred<readonly string[] | undefined> | undefined;
  // A live run has no mock to start: vitest loads from here, beside the checks of the target.
  if (settings.baseUrl) loadVitest().catch(() => undefined);
  if (!settings.baseUrl) {
    const { announceMock, freePort, startPrism } = await import('../src/targets/prism.ts');
    const port = await freePort();
    // A shard's mock serves only the shard's operations, named once the spec is read (src/run/shard.ts).
    served = settings.shard ? deferred<readonly string[] | undefined>() : undefined;
    starting = startPrism(settings.specPath, { port, ...(served ? { served } : {}) });
    starting.catch(() => undefined); // reported below, once the spec is known to be readable
    announceMock(`http://127.0.0.1:${port}`);
  }
  const only = process.env['CONTRACT_ONLY']?.trim();
  const vitestOptions = {
    config: 'vitest.contract.config.ts',
    run: true,
    watch: false,
    // vitest matches the full name, the describe block's title in front: anchor the end only.
    ...(only ? { testNamePattern: `(^|\\s)${escapeRegExp(only)}$` } : {}),
  };
  // A mock run starts vitest now, while this process checks the spec: its workers load the engine, and wait for
  // Prism, meanwhile (the Account suite: 3.8 → 3.25 s median, BENCHMARKS.md). The reporter's options follow once the
  // spec is checked. A live run starts nothing before its target and tokens are known good; a deep run counts its
  // tests first.
  const scratch = mkdtempSync(join(tmpdir(), 'contract-run-'));
  process.once('exit', () => rmSync(scratch, { recursive: true, force: true }));
  // Named before vitest starts, so its workers know to wait for it (src/spec/load.ts handOverTo).
  const { handOverTo } = await import('../src/spec/load.ts');
  const handOverFile = handOverTo(scratch);
  let early: EarlyStart | undefined;
  if (!settings.baseUrl && !settings.deep) {
    const options = deferred<ReporterOptions>();
    early = { tests: startTests(loadVitest, vitestOptions, options), options };
    early.tests.catch(() => undefined); // awaited (and reported) below
  }
  try {
    return await prepareAndRun(loadVitest, flags, settings, { runSeed, starting, served, vitestOptions, handOverFile, ...(early ? { early } : {}) });
  } catch (error) {
    early?.options.reject(error);
    await early?.tests.then((t) => (t.output.drop(), t.close())).catch(() => undefined);
    throw error;
  }
}

/** What `run` set going before the spec is checked. */
interface Started {
  runSeed: number;
  /** The embedded mock, booting (a mock run). */
  starting: Promise<RunningMock> | undefined;
  /** What a shard's mock is to serve, told once the spec is read. */
  served: Deferred<readonly string[] | undefined> | undefined;
  vitestOptions: Parameters<VitestNode['createVitest']>[1];
  /** Where the checked spec is left for the workers (src/spec/load.ts handOverTo). */
  handOverFile: string;
  /** vitest, started already (a mock run that is not deep). */
  early?: EarlyStart;
}

interface EarlyStart {
  tests: Promise<StartedTests>;
  /** The reporter's options: given once the spec is checked, rejected when the run cannot be made. */
  options: Deferred<ReporterOptions>;
}

/** What the run does once Prism is on its way and (on the mock) vitest too: check the spec, the target, the tokens, then run. */
async function prepareAndRun(
  loadVitest: () => Promise<VitestNode>,
  flags: Flags,
  settings: ReturnType<typeof readSettings>,
  { runSeed, starting, served, vitestOptions, handOverFile, early }: Started,
): Promise<number> {
  // vitest first: its start and its workers' boot are the long way to the first test; what this process checks
  // next overlaps with them.
  await early?.tests.then((t) => Promise.race([t.reporter.runStarted, t.done])).catch(() => undefined);
  const [
    { readTokens, tokenSource },
    { ContractReporter },
    { buildSpecModel, redactorFor },
    { replayContext },
    { readBaseline },
    { schemesOf },
    { servedOperations, shardOf },
    { flowsOf },
  ] = await Promise.all([
    import('../src/config/tokens.ts'),
    import('../src/report/vitest-reporter.ts'),
    import('../src/run/spec-model.ts'),
    import('../src/config/replay.ts'),
    import('../src/run/findings.ts'),
    import('../src/spec/rules.ts'),
    import('../src/run/shard.ts'),
    import('../src/run/flows/declaration.ts'),
  ]);
  // The spec is read (a multi-file one bundled) and checked here once, for the workers too.
  const loading = buildSpecModel(settings.specPath, { handOverTo: handOverFile }).then((spec) => {
    // Said as the spec's fault, before the mock's view of it ("No operations found") can be printed instead.
    if (spec.operations.length === 0)
      throw new CannotRunError(
        `spec: ${settings.specPath} has no operations (no get, put, post, delete, options, head, patch or trace under paths) — nothing to test`,
      );
    return spec;
  });
  // An unreadable spec is reported below; the mock is only told not to wait for its operations.
  if (served)
    loading.then(
      (spec) => served.resolve(servedOperations(spec, settings.shard)),
      () => served.reject(new Error('the spec could not be read')),
    );
  // The workers only wait for the mock; a mock that cannot start ends the run here, in one line — unless the spec
  // itself is unreadable, which is the line to print (main's own error path), not Prism's view of it.
  starting?.catch((error) =>
    loading.then(
      () => {
        console.error(`contract: ${oneLine(error)}`);
        process.exit(EXIT.cannotRun);
      },
      () => undefined,
    ),
  );
  const spec = await loading;
  const inUse = [...new Set(spec.operations.flatMap(schemesOf))];
  const tokens = settings.baseUrl ? readTokens(process.env, spec.rules, inUse) : undefined;
  if (settings.baseUrl && !tokens)
    throw new CannotRunError('CONTRACT_TOKENS_FILE or CONTRACT_TOKENS is required with CONTRACT_BASE_URL (see tokens.example.json)');
  const baseline = settings.baseline ? readBaseline(settings.baseline, settings.specPath) : undefined;

  let mock: RunningMock | undefined;
  try {
    let target: { kind: string; baseUrl: string };
    if (settings.baseUrl) {
      // Loaded for a live run only: the transport and the engine a preflight sends through are the workers' on the mock.
      const [{ probeTarget }, { preflight, preflightLine }, { createContext }] = await Promise.all([
        import('../src/targets/live.ts'),
        import('../src/targets/preflight.ts'),
        import('../src/run/context.ts'),
      ]);
      await probeTarget(settings.baseUrl, settings.timeoutMs);
      target = { kind: 'live', baseUrl: settings.baseUrl };
      console.log(`contract: ${spec.operations.length} operations of ${spec.doc.info.title} (${settings.specPath}) against ${settings.baseUrl}`);
      if (flags.preflight) {
        const ctx = createContext({ spec, target: { kind: 'live', baseUrl: settings.baseUrl }, settings, runSeed, tokens: tokens! });
        console.log(`contract: ${preflightLine(await preflight(ctx), tokens!.length)}`);
      }
      if (settings.allowProductionWrites && spec.rules.productionHosts.includes(new URL(settings.baseUrl).host)) {
        console.warn(`contract: WARNING — --allow-production-writes: write operations WILL be sent to the production host ${new URL(settings.baseUrl).host}`);
      }
    } else {
      target = { kind: 'mock', baseUrl: '' };
      void starting!.then(
        (m) => {
          mock = m;
          target.baseUrl = m.baseUrl;
          const serving = m.served ? ` · serving this shard's ${m.served.length} of ${spec.operations.length} operations` : '';
          console.log(`contract: the embedded Prism mock is up at ${m.baseUrl} (ready in ${Math.round(m.startupMs)} ms)${serving}`);
        },
        () => undefined, // reported above
      );
      console.log(`contract: ${spec.operations.length} operations of ${spec.doc.info.title} (${settings.specPath}) against the embedded Prism mock`);
    }
    const budget = settings.maxTime ? ` · time budget ${settings.maxTime.label}${settings.deep ? ' (deep run: exploring until then)' : ''}` : '';
    console.log(
      `contract: seed ${runSeed} · ${settings.runs} runs per property${budget} · inferred findings: ${settings.inferred}${baseline ? ` · baseline ${baseline.file} (${baseline.entries.length})` : ''} — replay with CONTRACT_SEED=${runSeed}`,
    );
    const writeBaseline = flags.writeBaseline === true ? 'contract-baseline.json' : flags.writeBaseline;
    const source = tokenSource(process.env);
    const only = process.env['CONTRACT_ONLY']?.trim();
    const summary: string[] = [];
    const options: ReporterOptions = {
      spec: settings.specPath,
      target,
      runSeed,
      runs: settings.runs,
      outDir: flags.reports,
      redactor: redactorFor(tokens ?? [], spec),
      policy: { inferred: settings.inferred, nullable: settings.nullable },
      replay: replayContext(settings, process.env, runSeed),
      ...(settings.maxTime ? { maxTime: settings.maxTime.label } : {}),
      ...(settings.deep ? { deep: true } : {}),
      ...(source && settings.baseUrl ? { tokenSource: source } : {}),
      ...(baseline ? { baseline } : {}),
      ...(writeBaseline ? { writeBaseline } : {}),
      // A mock that dies mid-run leaves every later request unanswered: that is a run that could not be made.
      targetGone: () => {
        const why = mock?.died();
        return why ? `mock: Prism exited during the run — ${why} (set CONTRACT_MOCK_LOG=<file> to keep all it said)` : undefined;
      },
      ...(settings.shard ? { shard: settings.shard } : {}),
      ...(only ? { nothingRan: onlyMissed(only, spec, settings.shard, { shardOf, flowsOf }) } : {}),
      // Held until the run's end: a run --only left empty says so on stderr instead (settle).
      print: (text) => summary.push(text),
    };
    if (early) {
      early.options.resolve(options);
      const tests = await early.tests;
      tests.output.release();
      try {
        await tests.done;
      } finally {
        await tests.close();
      }
      return settle(tests.reporter, options, summary);
    }
    const reporter = new ContractReporter(options);
    const { startVitest, createVitest } = await loadVitest();
    const overrides = { test: { reporters: ['default', reporter] } };
    if (!settings.deep) {
      const vitest = await startVitest('test', [], vitestOptions, overrides);
      await vitest.close();
      return settle(reporter, options, summary);
    }
    // A deep run shares its time budget out over its tests: they are counted first (collected, not run).
    const vitest = await createVitest('test', vitestOptions, overrides);
    try {
      const { testModules } = await vitest.collect();
      const tests = testModules.flatMap((m) => [...m.children.allTests()]).filter((t) => t.options.mode === 'run' || t.options.mode === 'only').length;
      vitest.getRootProject().provide('contractTests', tests);
      console.log(
        `contract: deep run — ${tests} contract test(s) share ${settings.maxTime ? settings.maxTime.label : 'no time budget (--max-time off: each property runs to its cap)'}${settings.progressMs ? `; progress every ${settings.progressMs / 1000}s on stderr` : ''}`,
      );
      await vitest.start();
    } finally {
      await vitest.close();
    }
    return settle(reporter, options, summary);
  } finally {
    await mock?.stop();
  }
}

/**
 * What to say when --only matched no test. In a `--shard i/n` run a test of another shard is not a test that does
 * not exist: its subject (an operation, a path's methods, a flow) tells which shard holds it (src/run/shard.ts).
 */
function onlyMissed(
  only: string,
  spec: SpecModel,
  shard: Shard | undefined,
  { shardOf, flowsOf }: { shardOf: (key: string, count: number) => number; flowsOf: (spec: SpecModel) => Array<{ decl: { id: string } }> },
): string {
  const none = `--only: no contract test is named ${JSON.stringify(only)} — copy the name from a replay line or the test list`;
  if (!shard) return none;
  const subject = only.split(' › ')[0]!;
  // A path's methods test is sharded by the path's first operation (pathRepresentatives).
  const op = spec.operations.find((o) => o.key === subject) ?? spec.operations.find((o) => o.path === subject);
  const key = op?.key ?? (flowsOf(spec).some((f) => `flow ${f.decl.id}` === subject) ? subject : undefined);
  const home = key === undefined ? shard.index : shardOf(key, shard.count);
  if (home === shard.index) return none;
  return `--only: ${JSON.stringify(only)} is not in shard ${shard.index}/${shard.count} — the tests of ${key} run in shard ${home}/${shard.count}: give --shard ${home}/${shard.count}, or no --shard`;
}

/** The summary, on stdout — unless --only matched no test: that is bad input, said in one line on stderr like all of it. */
function settle(reporter: { report?: { verdict: string; errors: string[] }; exitCode: number }, options: ReporterOptions, summary: readonly string[]): number {
  const missed = options.nothingRan && options.redactor.text(options.nothingRan);
  const errors = reporter.report?.errors ?? [];
  if (missed && reporter.report?.verdict === 'cannot-run' && errors.length === 1 && errors[0] === missed) {
    console.error(`contract: ${missed}`);
    return EXIT.cannotRun;
  }
  for (const text of summary) process.stdout.write(text + '\n');
  return reporter.exitCode;
}

/** `--merge-reports <dir> …`: the shards of one `--shard i/n` fan-out as one run (src/report/merge.ts). */
async function mergeReports(flags: Flags): Promise<number> {
  const [{ mergeShardReports }, { readBaseline }, { tokenSource }] = await Promise.all([
    import('../src/report/merge.ts'),
    import('../src/run/findings.ts'),
    import('../src/config/tokens.ts'),
  ]);
  const baseline = flags.baseline ?? process.env['CONTRACT_BASELINE']?.trim();
  const writeBaseline = flags.writeBaseline === true ? 'contract-baseline.json' : flags.writeBaseline;
  const source = tokenSource(process.env);
  return mergeShardReports(flags.mergeReports!, {
    outDir: flags.reports,
    ...(baseline ? { baseline: readBaseline(baseline) } : {}),
    ...(writeBaseline ? { writeBaseline } : {}),
    ...(source ? { tokenSource: source } : {}),
  });
}

/**
 * Re-runs the test behind one finding, against the same target, spec and seed as the run that found it (from its
 * contract.json), and says whether the finding is still there.
 */
async function replay(loadVitest: () => Promise<VitestNode>, flags: Flags, id: string | undefined): Promise<number> {
  if (!id) throw new CannotRunError('replay: which finding? npm run contract -- replay <id> (ids are in the summary and reports/contract.json)');
  const file = join(flags.reports, 'contract.json');
  if (!existsSync(file)) throw new CannotRunError(`replay: ${file} does not exist — run npm run contract first (or pass --reports <dir>)`);
  const [{ readReplaySource, findingToReplay }, { judgedAgain, whyNotJudged }] = await Promise.all([
    import('../src/config/replay.ts'),
    import('../src/run/findings.ts'),
  ]);
  const before = readReplaySource(file, readFileSync(file, 'utf8'));
  const finding = findingToReplay(before.findings, id, file);
  // A test that recorded a fast-check path replays straight to the failure; a stateful one replays its whole
  // exploration. A path belongs to its own test only: another test's path cannot be walked.
  const pathed = before.violations?.find((v) => v.finding === finding.id && v.path);
  const test = pathed?.test ?? finding.tests[0];
  if (!test) throw new CannotRunError(`replay: finding ${id} names no contract test to run`);
  for (const [name, value] of before.replay?.env ?? []) {
    if (value === '$CONTRACT_TOKENS') {
      if (!process.env['CONTRACT_TOKENS'])
        throw new CannotRunError('replay: that run read its tokens from CONTRACT_TOKENS — set it again (the report never holds a token)');
      continue;
    }
    process.env[name] = value;
  }
  const replayFlags = before.replay?.flags ?? [];
  if (replayFlags.includes('--deep')) process.env['CONTRACT_DEEP'] = '1';
  const maxTimeAt = replayFlags.indexOf('--max-time');
  if (maxTimeAt >= 0 && replayFlags[maxTimeAt + 1]) process.env['CONTRACT_MAX_TIME'] = replayFlags[maxTimeAt + 1];
  process.env['CONTRACT_ONLY'] = test;
  if (pathed?.path) process.env['CONTRACT_PATH'] = pathed.path;
  const reports = mkdtempSync(join(tmpdir(), 'contract-replay-'));
  const code = await run(loadVitest, { ...flags, reports, writeBaseline: undefined });
  if (code === EXIT.cannotRun) return code;
  const after = JSON.parse(readFileSync(join(reports, 'contract.json'), 'utf8')) as {
    findings: Array<{ id: string; severity: string; count: number }>;
    outcomes: Array<Pick<Outcome, 'check' | 'operation' | 'status' | 'reason'>>;
  };
  const again = after.findings.find((f) => f.id === finding.id);
  const what = `${finding.check} · ${finding.operation}${finding.location ? ` at ${finding.location}` : ''} (${test})`;
  if (again) {
    console.log(`STILL FAILING: ${finding.id} ${what} — ${again.count} occurrence(s) · reports in ${reports}/`);
    return EXIT.violated;
  }
  // Gone is not fixed unless the check judged that operation again: a 500 or a cut-short run hides a finding too.
  const outcome = after.outcomes.find((o) => o.check === finding.check && o.operation === finding.operation);
  if (!judgedAgain(outcome)) {
    const why = whyNotJudged(outcome, 'the replayed test did not run it');
    console.log(
      `NOT JUDGED: ${finding.id} ${what} — the replay could not judge it (${why}), so it is neither fixed nor still failing · reports in ${reports}/`,
    );
    return EXIT.incomplete;
  }
  const others = after.findings.filter((f) => f.severity === 'error');
  if (others.length) {
    console.log(
      `FIXED: ${finding.id} ${what} no longer occurs — but the replayed test found ${others.length} other finding(s): ${others.map((f) => f.id).join(', ')} · reports in ${reports}/`,
    );
    return EXIT.violated;
  }
  console.log(`FIXED: ${finding.id} ${what} no longer occurs · reports in ${reports}/`);
  return EXIT.holds;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Run directly (`tsx scripts/contract.ts`) as well as through the launcher.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(await contract());

interface Deferred<T> extends Promise<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej))) as Deferred<T>;
  promise.catch(() => undefined); // the reporter reads the rejection as "the run could not be made"
  return Object.assign(promise, { resolve, reject });
}

/**
 * vitest's output, held back while the spec is still being checked: a spec that cannot be run ends the run with one
 * line, not after vitest's banner and its "no test files" on closing. Released (and passed through from then on)
 * once the spec is good; dropped otherwise.
 */
class HeldOutput {
  private held: Array<[NodeJS.WriteStream, string | Uint8Array]> = [];
  private state: 'hold' | 'pass' | 'drop' = 'hold';
  readonly stdout = this.stream(process.stdout);
  readonly stderr = this.stream(process.stderr);

  release(): void {
    this.state = 'pass';
    for (const [target, chunk] of this.held) target.write(chunk);
    this.held = [];
  }

  drop(): void {
    this.state = 'drop';
    this.held = [];
  }

  private stream(target: NodeJS.WriteStream): Writable {
    const stream = new Writable({
      write: (chunk: string | Uint8Array, _encoding, done) => {
        // Written at once, not on the target's callback: chunks queued behind it would come out after the summary
        // the reporter prints straight to stdout, which must stay the run's last line.
        if (this.state === 'pass') target.write(chunk);
        else if (this.state === 'hold') this.held.push([target, chunk]);
        done();
      },
    });
    // vitest lays its output out for the terminal it is given: the real one's.
    return Object.assign(stream, { isTTY: target.isTTY, columns: target.columns });
  }
}

interface StartedTests {
  output: HeldOutput;
  reporter: InstanceType<typeof import('../src/report/vitest-reporter.ts').ContractReporter>;
  /** Settles when the run ends. */
  done: Promise<void>;
  close(): Promise<void>;
}

/** vitest, started with a reporter whose options come later (see `run`). */
async function startTests(
  loadVitest: () => Promise<VitestNode>,
  options: Parameters<VitestNode['createVitest']>[1],
  reporterOptions: Promise<ReporterOptions>,
): Promise<StartedTests> {
  const [{ createVitest }, { ContractReporter }] = await Promise.all([loadVitest(), import('../src/report/vitest-reporter.ts')]);
  const reporter = new ContractReporter(reporterOptions);
  const output = new HeldOutput();
  const vitest = await createVitest('test', options, { test: { reporters: ['default', reporter] } }, { stdout: output.stdout, stderr: output.stderr });
  const done = vitest.start().then(() => undefined);
  done.catch(() => undefined); // awaited by the caller
  return { output, reporter, done, close: () => vitest.close() };
}
