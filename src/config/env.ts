import { CannotRunError } from '../errors.ts';
import { apiByName } from './apis.ts';

export const DEFAULT_SPEC = 'spec/salesive-account.yaml';

/** The run's settings, read once from the environment — the interface CI and other tools use. */
export interface RunSettings {
  specPath: string;
  /** Unset: the embedded Prism mock. */
  baseUrl?: string;
  runs: number;
  /** Unset: a fresh seed, printed so the run can be replayed. */
  seed?: number;
  timeoutMs: number;
  /** The live request budget; on the embedded mock there is none unless CONTRACT_MAX_REQUESTS is set. */
  maxRequests: number;
  maxRequestsSet: boolean;
  /** Requests in flight at once per worker. */
  concurrency: number;
  /** `strict` (default): documented nullable fields must be present; `lenient`: null or absent. */
  nullable: 'strict' | 'lenient';
  /** What an inferred finding does: `warn` (default: reported apart, never failing), `fail`, `off`. */
  inferred: 'warn' | 'fail' | 'off';
  /** A contract.json whose findings are known: they are reported, they do not fail the run. */
  baseline?: string;
  allowProductionWrites: boolean;
  /** Replay one property exactly: its test name (`--only`) and fast-check path (CONTRACT_PATH). */
  replay?: { test: string; path: string };
  /** Run only this share of the contract tests (CONTRACT_SHARD=i/n, `--shard`): see src/run/shard.ts. */
  shard?: { index: number; count: number };
}

export function readSettings(env: NodeJS.ProcessEnv): RunSettings {
  const baseUrl = env['CONTRACT_BASE_URL']?.trim();
  if (baseUrl) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new CannotRunError(`CONTRACT_BASE_URL: ${JSON.stringify(baseUrl)} is not a URL (e.g. http://127.0.0.1:8080/api/v1)`);
    }
    if (!/^https?:$/.test(url.protocol)) throw new CannotRunError(`CONTRACT_BASE_URL: only http(s) URLs are supported, got ${url.protocol}`);
  }
  const seed = env['CONTRACT_SEED'];
  const nullable = env['CONTRACT_NULLABLE'] || 'strict';
  if (nullable !== 'strict' && nullable !== 'lenient') throw new CannotRunError(`CONTRACT_NULLABLE: expected strict or lenient, got ${JSON.stringify(nullable)}`);
  const inferred = env['CONTRACT_INFERRED'] || 'warn';
  if (inferred !== 'warn' && inferred !== 'fail' && inferred !== 'off') throw new CannotRunError(`CONTRACT_INFERRED: expected warn, fail or off, got ${JSON.stringify(inferred)}`);
  const baseline = env['CONTRACT_BASELINE']?.trim();
  return {
    specPath: specOf(env),
    ...(baseUrl ? { baseUrl: baseUrl.replace(/\/+$/, '') } : {}),
    runs: positiveInt(env, 'CONTRACT_RUNS', defaultRuns(baseUrl)),
    ...(seed !== undefined && seed !== '' ? { seed: integer('CONTRACT_SEED', seed) } : {}),
    timeoutMs: positiveInt(env, 'CONTRACT_TIMEOUT_MS', 10_000),
    maxRequests: positiveInt(env, 'CONTRACT_MAX_REQUESTS', 20_000),
    maxRequestsSet: !!env['CONTRACT_MAX_REQUESTS'],
    concurrency: positiveInt(env, 'CONTRACT_CONCURRENCY', 4),
    nullable,
    inferred,
    ...(baseline ? { baseline } : {}),
    allowProductionWrites: env['CONTRACT_ALLOW_PRODUCTION_WRITES'] === '1',
    ...replayOf(env),
    ...shardOf(env),
  };
}

function shardOf(env: NodeJS.ProcessEnv): Pick<RunSettings, 'shard'> {
  const raw = env['CONTRACT_SHARD']?.trim();
  if (!raw) return {};
  const m = /^(\d+)\/(\d+)$/.exec(raw);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new CannotRunError(`CONTRACT_SHARD: expected <index>/<count> with 1 ≤ index ≤ count, e.g. 1/3, got ${JSON.stringify(raw)}`);
  return { shard: { index: Number(m[1]), count: Number(m[2]) } };
}

/**
 * Runs per property unless CONTRACT_RUNS says: 100 against a live server, whose answers vary with every input;
 * on the embedded mock, whose static answers vary only with the example asked for (each is asked for on every
 * run), the fewest runs that still find everything 100 find — measured on four specs (BENCHMARKS.md, "Runs on
 * the mock").
 */
export const LIVE_RUNS = 100;
export const MOCK_RUNS = 10;
export function defaultRuns(baseUrl: string | undefined): number {
  return baseUrl ? LIVE_RUNS : MOCK_RUNS;
}

/** CONTRACT_SPEC names a file; CONTRACT_API a contract of spec/apis.json. Both at once must agree. */
function specOf(env: NodeJS.ProcessEnv): string {
  const file = env['CONTRACT_SPEC']?.trim();
  const api = env['CONTRACT_API']?.trim();
  if (!api) return file || DEFAULT_SPEC;
  const spec = apiByName(api).spec;
  if (file && file !== spec) throw new CannotRunError(`CONTRACT_API=${api} is ${spec}, but CONTRACT_SPEC says ${file} — set one of them`);
  return spec;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new CannotRunError(`${name}: expected a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

function integer(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new CannotRunError(`${name}: expected an integer, got ${JSON.stringify(raw)}`);
  return value;
}

function replayOf(env: NodeJS.ProcessEnv): Pick<RunSettings, 'replay'> {
  const path = env['CONTRACT_PATH']?.trim();
  if (!path) return {};
  if (!/^\d+(:\d+)*$/.test(path)) throw new CannotRunError(`CONTRACT_PATH: expected a fast-check path like 0:1:0, got ${JSON.stringify(path)}`);
  const test = env['CONTRACT_ONLY']?.trim();
  if (!test) throw new CannotRunError('CONTRACT_PATH replays one property: pass the test name with --only (as the replay line does)');
  return { replay: { test, path } };
}
