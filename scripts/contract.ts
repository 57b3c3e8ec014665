/**
 * npm run contract — the main job: runs tests/contract against the embedded Prism mock (default) or a live
 * target (CONTRACT_BASE_URL + CONTRACT_TOKENS[_FILE]), prints a summary and writes reports/.
 * Exit: 0 the contract holds · 1 violations · 2 the run could not be made.
 */
import { randomInt } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { readSettings } from '../src/config/env.ts';
import { CannotRunError, EXIT, oneLine } from '../src/errors.ts';
import type { RunningMock } from '../src/targets/prism.ts';

const program = new Command()
  .name('npm run contract --')
  .description('Check the Account API contract against the embedded mock or a live target.')
  .option('--api <name>', 'a contract of spec/apis.json by name: salesive, sumvin, gu1, sila (CONTRACT_API)')
  .option('--spec <file>', 'OpenAPI spec (CONTRACT_SPEC)')
  .option('--base-url <url>', 'live target, e.g. http://127.0.0.1:8080/api/v1 (CONTRACT_BASE_URL)')
  .option('--runs <n>', 'property runs per property (CONTRACT_RUNS)', positive)
  .option('--seed <n>', 'replay a run (CONTRACT_SEED)')
  .option('--only <test name>', 'run only the contract test with this exact name (from a replay line)')
  .option('--reports <dir>', 'where reports go', 'reports')
  .option('--shard <index/count>', 'run one shard of the contract test files (vitest --shard), e.g. 1/3', shardOf)
  .option('--allow-production-writes', 'allow POST operations against the production host in the spec')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

function shardOf(v: string): string {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new InvalidArgumentError('expected <index>/<count>, e.g. 1/3');
  return v;
}

function positive(v: string): string {
  if (!/^[1-9]\d*$/.test(v)) throw new InvalidArgumentError('expected a positive integer');
  return v;
}

type VitestNode = typeof import('vitest/node');

/**
 * The whole job; resolves to the exit code. `loadVitest` is how vitest gets loaded: scripts/contract.mjs
 * (what `npm run contract` runs) loads it outside tsx's loader hooks, three times faster.
 */
export async function contract(loadVitest: () => Promise<VitestNode> = () => import('vitest/node')): Promise<number> {
  try {
    return await main(loadVitest);
  } catch (error) {
    console.error(`contract: ${oneLine(error)}`);
    return EXIT.cannotRun;
  }
}

async function main(loadVitest: () => Promise<VitestNode>): Promise<number> {
  try {
    program.parse();
  } catch (error) {
    const e = error as { code?: string; exitCode?: number };
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? EXIT.holds : EXIT.cannotRun;
  }
  const flags = program.opts<{ api?: string; spec?: string; baseUrl?: string; runs?: string; seed?: string; only?: string; reports: string; shard?: string; allowProductionWrites?: boolean }>();
  // Flags become the same environment the tests read, so the CLI and CI configure one thing.
  if (flags.api) process.env['CONTRACT_API'] = flags.api;
  if (flags.spec) process.env['CONTRACT_SPEC'] = flags.spec;
  if (flags.baseUrl) process.env['CONTRACT_BASE_URL'] = flags.baseUrl;
  if (flags.runs) process.env['CONTRACT_RUNS'] = flags.runs;
  if (flags.seed) process.env['CONTRACT_SEED'] = flags.seed;
  if (flags.allowProductionWrites) process.env['CONTRACT_ALLOW_PRODUCTION_WRITES'] = '1';
  if (flags.only) process.env['CONTRACT_ONLY'] = flags.only;

  const settings = readSettings(process.env);
  // On the mock, Prism's ~2.5 s start is the longest thing on the way to the first request: it goes first, and
  // everything else (spec, vitest, the workers) loads while it boots; the workers wait for it (harness).
  let starting: Promise<RunningMock> | undefined;
  if (!settings.baseUrl) {
    const { announceMock, freePort, startPrism } = await import('../src/targets/prism.ts');
    const port = await freePort();
    starting = startPrism(settings.specPath, { port });
    starting.catch(() => undefined); // reported below, once the spec is known to be readable
    announceMock(`http://127.0.0.1:${port}`);
  }
  const [{ readTokens }, { Redactor }, { ContractReporter }, { buildSpecModel }, { probeTarget }] = await Promise.all([
    import('../src/config/tokens.ts'),
    import('../src/report/redact.ts'),
    import('../src/report/vitest-reporter.ts'),
    import('../src/run/context.ts'),
    import('../src/targets/live.ts'),
  ]);
  const loading = buildSpecModel(settings.specPath);
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
  const tokens = settings.baseUrl ? readTokens(process.env, spec.rules) : undefined;
  if (settings.baseUrl && !tokens) throw new CannotRunError('CONTRACT_TOKENS_FILE or CONTRACT_TOKENS is required with CONTRACT_BASE_URL (see tokens.example.json)');
  const runSeed = settings.seed ?? randomInt(0, 2 ** 31 - 1);
  process.env['CONTRACT_SEED'] = String(runSeed);

  let mock: RunningMock | undefined;
  try {
    let target: { kind: string; baseUrl: string };
    if (settings.baseUrl) {
      await probeTarget(settings.baseUrl, settings.timeoutMs);
      target = { kind: 'live', baseUrl: settings.baseUrl };
      console.log(`contract: ${spec.operations.length} operations of ${spec.doc.info.title} (${settings.specPath}) against ${settings.baseUrl}`);
    } else {
      target = { kind: 'mock', baseUrl: '' };
      void starting!.then(
        (m) => {
          mock = m;
          target.baseUrl = m.baseUrl;
          console.log(`contract: the embedded Prism mock is up at ${m.baseUrl} (ready in ${Math.round(m.startupMs)} ms)`);
        },
        () => undefined, // reported above
      );
      console.log(`contract: ${spec.operations.length} operations of ${spec.doc.info.title} (${settings.specPath}) against the embedded Prism mock`);
    }
    console.log(`contract: seed ${runSeed} · ${settings.runs} runs per property — replay with CONTRACT_SEED=${runSeed}`);
    const reporter = new ContractReporter({
      spec: settings.specPath,
      target,
      runSeed,
      runs: settings.runs,
      outDir: flags.reports,
      redactor: new Redactor(tokens ?? [], spec.rules.tokenPrefix),
    });
    const { startVitest } = await loadVitest();
    const vitest = await startVitest(
      'test',
      [],
      {
        config: 'vitest.contract.config.ts',
        run: true,
        watch: false,
        ...(flags.only ? { testNamePattern: `^${escapeRegExp(flags.only)}$` } : {}),
        ...(flags.shard ? { shard: flags.shard } : {}),
      },
      { test: { reporters: ['default', reporter, ['junit', { outputFile: `${flags.reports}/junit.xml` }]] } },
    );
    await vitest.close();
    const verdict = reporter.report?.verdict ?? 'cannot-run';
    return verdict === 'holds' ? EXIT.holds : verdict === 'violated' ? EXIT.violated : EXIT.cannotRun;
  } finally {
    await mock?.stop();
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Run directly (`tsx scripts/contract.ts`) as well as through the launcher.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(await contract());
