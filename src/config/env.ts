import { CannotRunError } from '../base/errors.ts';
import { apiByName } from './apis.ts';

export const DEFAULT_SPEC = 'spec/salesive-account.yaml';

/**
 * Every CONTRACT_* variable the suite reads, here or elsewhere (the mock's log, the launcher's env file, the run's own
 * hand-overs to its workers): an env file naming another one has a misspelling that would otherwise go unnoticed.
 * tests/unit/config-input.test.ts holds this list to the code, both ways.
 */
export const SETTING_NAMES = [
  'CONTRACT_API',
  'CONTRACT_SPEC',
  'CONTRACT_BASE_URL',
  'CONTRACT_TOKENS',
  'CONTRACT_TOKENS_FILE',
  'CONTRACT_RUNS',
  'CONTRACT_SEED',
  'CONTRACT_PATH',
  'CONTRACT_ONLY',
  'CONTRACT_TIMEOUT_MS',
  'CONTRACT_MAX_REQUESTS',
  'CONTRACT_CONCURRENCY',
  'CONTRACT_NULLABLE',
  'CONTRACT_INFERRED',
  'CONTRACT_BASELINE',
  'CONTRACT_ALLOW_PRODUCTION_WRITES',
  'CONTRACT_WRITE_PROBES',
  'CONTRACT_MAX_TIME',
  'CONTRACT_DEEP',
  'CONTRACT_PROGRESS',
  'CONTRACT_SHARD',
  'CONTRACT_ENV_FILE',
  'CONTRACT_MOCK_LOG',
  'CONTRACT_MODULE_CACHE',
  'CONTRACT_DEADLINE',
  'CONTRACT_SPEC_BUNDLE',
  'CONTRACT_RUN_SEED',
] as const;
export type SettingName = (typeof SETTING_NAMES)[number];

/** Node's timers hold a signed 32-bit delay: a longer one fires after 1 ms (with a TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_TIMER_HUMAN = 'about 24.8 days';

/** The run's settings, read once from the environment — the interface CI and other tools use. */
export interface RunSettings {
  specPath: string;
  /** Unset: the embedded Prism mock. */
  baseUrl?: string;
  runs: number;
  /** Unset: a fresh seed, printed so the run can be replayed. */
  seed?: number;
  timeoutMs: number;
  /** The live request budget; on the embedded mock, and in a deep run, there is none unless CONTRACT_MAX_REQUESTS is set. */
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
  /**
   * Probes that send writes beyond the flows' own (tenant ids smuggled into writes, boundary and malformed bodies
   * on write operations, undocumented write methods): `--no-write-probes` (CONTRACT_WRITE_PROBES=0) turns them off.
   */
  writeProbes: boolean;
  /** Replay one property exactly: its test name (`--only`) and fast-check path (CONTRACT_PATH). */
  replay?: { test: string; path: string };
  /**
   * The run's time budget (CONTRACT_MAX_TIME / --max-time): 15 minutes live and for a deep run, none on the mock
   * unless set. `label` is how reports name it ("15m").
   */
  maxTime?: { ms: number; label: string };
  /** When the budget runs out (epoch ms): set once by whoever starts the run, so every process stops at one instant. */
  deadline?: number;
  /** A deep run (--deep): more runs per property, flows explored longer, going on until the time budget. */
  deep: boolean;
  /** How often a progress line goes to stderr (CONTRACT_PROGRESS, seconds; 0: never). */
  progressMs: number;
  /** Run only this share of the contract tests (CONTRACT_SHARD=i/n, `--shard`): see src/run/shard.ts. */
  shard?: { index: number; count: number };
}

/** The default time budget of a live run (and of a deep one): a nightly job never runs into its CI limit. */
export const DEFAULT_MAX_TIME = { ms: 15 * 60_000, label: '15m' };

export function readSettings(env: NodeJS.ProcessEnv): RunSettings {
  const baseUrl = env['CONTRACT_BASE_URL']?.trim();
  if (baseUrl) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new CannotRunError(`CONTRACT_BASE_URL: ${JSON.stringify(withoutSecrets(baseUrl))} is not a URL (e.g. http://127.0.0.1:8080/api/v1)`);
    }
    if (!/^https?:$/.test(url.protocol)) throw new CannotRunError(`CONTRACT_BASE_URL: only http(s) URLs are supported, got ${url.protocol}`);
    checkBaseUrlParts(url, baseUrl);
  }
  const seed = env['CONTRACT_SEED'];
  const nullable = env['CONTRACT_NULLABLE'] || 'strict';
  if (nullable !== 'strict' && nullable !== 'lenient')
    throw new CannotRunError(`CONTRACT_NULLABLE: expected strict or lenient, got ${JSON.stringify(nullable)}`);
  const inferred = env['CONTRACT_INFERRED'] || 'warn';
  if (inferred !== 'warn' && inferred !== 'fail' && inferred !== 'off')
    throw new CannotRunError(`CONTRACT_INFERRED: expected warn, fail or off, got ${JSON.stringify(inferred)}`);
  const baseline = env['CONTRACT_BASELINE']?.trim();
  return {
    specPath: specOf(env),
    ...(baseUrl ? { baseUrl: baseUrl.replace(/\/+$/, '') } : {}),
    runs: positiveInt(env, 'CONTRACT_RUNS', defaultRuns(baseUrl)),
    ...(seed !== undefined && seed !== '' ? { seed: integer('CONTRACT_SEED', seed) } : {}),
    timeoutMs: timerMs('CONTRACT_TIMEOUT_MS', positiveInt(env, 'CONTRACT_TIMEOUT_MS', 10_000), 'ms'),
    // A deep run is bounded by its time budget: a request budget it did not ask for would end it long before.
    maxRequests: flag(env, 'CONTRACT_DEEP') && !env['CONTRACT_MAX_REQUESTS'] ? Number.POSITIVE_INFINITY : positiveInt(env, 'CONTRACT_MAX_REQUESTS', 20_000),
    maxRequestsSet: !!env['CONTRACT_MAX_REQUESTS'],
    concurrency: positiveInt(env, 'CONTRACT_CONCURRENCY', 4),
    nullable,
    inferred,
    ...(baseline ? { baseline } : {}),
    allowProductionWrites: env['CONTRACT_ALLOW_PRODUCTION_WRITES'] === '1',
    writeProbes: env['CONTRACT_WRITE_PROBES'] !== '0',
    ...replayOf(env),
    ...maxTimeOf(env, !!baseUrl),
    deep: flag(env, 'CONTRACT_DEEP'),
    progressMs: timerMs('CONTRACT_PROGRESS', nonNegative(env, 'CONTRACT_PROGRESS', 10) * 1000, 's'),
    ...shardOf(env),
  };
}

/**
 * A duration as people write one: `90s`, `10m`, `1h`, `500ms`, or plain seconds (`600`). Undefined when it is not one.
 */
export function parseDuration(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(raw.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return ms > 0 ? Math.round(ms) : undefined;
}

/** CONTRACT_MAX_TIME (`off` for none), else the default for live and deep runs; CONTRACT_DEADLINE, the instant. */
function maxTimeOf(env: NodeJS.ProcessEnv, live: boolean): Pick<RunSettings, 'maxTime' | 'deadline'> {
  const raw = env['CONTRACT_MAX_TIME']?.trim();
  let maxTime: RunSettings['maxTime'];
  if (raw && raw !== 'off') {
    const ms = parseDuration(raw);
    if (ms === undefined)
      throw new CannotRunError(`CONTRACT_MAX_TIME: expected a duration like 90s, 10m or 600 (seconds), or off — got ${JSON.stringify(raw)}`);
    // A deep run hands its share of the budget to fast-check's time limit, a timer.
    maxTime = { ms: timerMs('CONTRACT_MAX_TIME', ms, 'duration'), label: raw.replace(/\s+/g, '') };
  } else if (!raw && (live || flag(env, 'CONTRACT_DEEP'))) maxTime = DEFAULT_MAX_TIME;
  const at = env['CONTRACT_DEADLINE']?.trim();
  return { ...(maxTime ? { maxTime } : {}), ...(maxTime && at && Number.isFinite(Number(at)) ? { deadline: Number(at) } : {}) };
}

/**
 * A URL as it may be shown: without user info, query or fragment, which is where people put secrets. For a text
 * that is not a URL, whatever looks like them is cut.
 */
export function withoutSecrets(raw: string): string {
  return raw.replace(/^([^:/?#]*:\/\/)[^/?#]*@/, '$1').replace(/[?#].*$/s, '');
}

/**
 * The base URL is where the paths go: credentials in it would be printed in every report and replay line (and undici
 * refuses them on every request, which reads as the server failing), a query or fragment would end up in the middle
 * of every request URL.
 */
function checkBaseUrlParts(url: URL, raw: string): void {
  const shown = withoutSecrets(raw);
  if (url.username || url.password)
    throw new CannotRunError(
      `CONTRACT_BASE_URL: ${shown} carries a user name or password (not shown) — remove them from the URL and put the credential in the token matrix (CONTRACT_TOKENS_FILE or CONTRACT_TOKENS)`,
    );
  // Not url.search and url.hash alone: a bare `?` or `#` leaves them empty, and would still end up in every URL.
  const part = raw.split('#')[0]!.includes('?') ? 'a query string' : raw.includes('#') ? 'a fragment' : undefined;
  if (part)
    throw new CannotRunError(
      `CONTRACT_BASE_URL: ${shown} has ${part} (not shown) — the base URL is scheme, host, port and base path only; remove it, and put any credential in the token matrix (CONTRACT_TOKENS_FILE or CONTRACT_TOKENS)`,
    );
}

/** A delay that reaches a timer, refused past what a timer can hold rather than silently turned into 1 ms. */
export function timerMs(name: SettingName, ms: number, unit: 'ms' | 's' | 'duration'): number {
  if (ms <= MAX_TIMER_MS) return ms;
  const most = { ms: `${MAX_TIMER_MS} ms`, s: `${Math.floor(MAX_TIMER_MS / 1000)} seconds`, duration: `${Math.floor(MAX_TIMER_MS / 3_600_000)}h` }[unit];
  throw new CannotRunError(`${name}: at most ${most} (${MAX_TIMER_HUMAN}, the longest a Node timer waits) — set a smaller value`);
}

function flag(env: NodeJS.ProcessEnv, name: SettingName): boolean {
  const v = env[name]?.trim();
  return !!v && v !== '0' && v !== 'false';
}

function nonNegative(env: NodeJS.ProcessEnv, name: SettingName, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new CannotRunError(`${name}: expected a number of seconds (0: never), got ${JSON.stringify(raw)}`);
  return value;
}

function shardOf(env: NodeJS.ProcessEnv): Pick<RunSettings, 'shard'> {
  const raw = env['CONTRACT_SHARD']?.trim();
  if (!raw) return {};
  const m = /^(\d+)\/(\d+)$/.exec(raw);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2]))
    throw new CannotRunError(`CONTRACT_SHARD: expected <index>/<count> with 1 ≤ index ≤ count, e.g. 1/3, got ${JSON.stringify(raw)}`);
  return { shard: { index: Number(m[1]), count: Number(m[2]) } };
}

/**
 * Runs per property unless CONTRACT_RUNS says: 100 against a live server, whose answers vary with every input;
 * on the embedded mock, whose static answers vary only with the example asked for (each is asked for on every
 * run), the fewest runs that still find everything 100 find — measured on four specs (BENCHMARKS.md, "Runs on
 * the mock").
 */
export const LIVE_RUNS = 100;
export const MOCK_RUNS = 3;
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

function positiveInt(env: NodeJS.ProcessEnv, name: SettingName, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new CannotRunError(`${name}: expected a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

function integer(name: SettingName, raw: string): number {
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

/**
 * Fixes the instant the time budget runs out (CONTRACT_DEADLINE), once, at the start of the run: the CLI, the global
 * setup and the workers then all stop at the same moment. `fresh` drops an instant inherited from elsewhere.
 */
export function armDeadline(env: NodeJS.ProcessEnv, { fresh = false, now = Date.now() } = {}): void {
  if (fresh) delete env['CONTRACT_DEADLINE'];
  const { maxTime } = readSettings(env);
  if (maxTime && !env['CONTRACT_DEADLINE']) env['CONTRACT_DEADLINE'] = String(now + maxTime.ms);
}
