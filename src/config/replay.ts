import { defaultRuns, type RunSettings } from './env.ts';
import { tokenSource } from './tokens.ts';
import { CannotRunError } from '../base/errors.ts';
import { isRecord } from '../base/shape.ts';

/**
 * What re-runs a run exactly: the target, the token matrix (by file or by the variable that holds it — never its
 * value), the spec, the policies, the seed. Printed in every replay line and stored in contract.json, so a line
 * copied from a CI log runs against the same target as the run that printed it.
 */
export interface ReplayContext {
  /** Environment assignments, in the order printed. Values are literal, except `$CONTRACT_TOKENS` (kept as a reference). */
  env: Array<[name: string, value: string]>;
  /** Flags of `npm run contract` that change what a test generates (`--deep`), printed before `--only`. */
  flags?: string[];
}

export function replayContext(settings: RunSettings, env: NodeJS.ProcessEnv, runSeed: number): ReplayContext {
  const out: Array<[string, string]> = [];
  if (settings.baseUrl) out.push(['CONTRACT_BASE_URL', settings.baseUrl]);
  const tokens = tokenSource(env);
  if (settings.baseUrl && tokens) out.push('file' in tokens ? ['CONTRACT_TOKENS_FILE', tokens.file] : ['CONTRACT_TOKENS', '$CONTRACT_TOKENS']);
  if (env['CONTRACT_API']?.trim()) out.push(['CONTRACT_API', env['CONTRACT_API'].trim()]);
  else if (env['CONTRACT_SPEC']?.trim()) out.push(['CONTRACT_SPEC', settings.specPath]);
  if (settings.inferred !== 'warn') out.push(['CONTRACT_INFERRED', settings.inferred]);
  if (settings.nullable !== 'strict') out.push(['CONTRACT_NULLABLE', settings.nullable]);
  if (settings.runs !== defaultRuns(settings.baseUrl)) out.push(['CONTRACT_RUNS', String(settings.runs)]);
  if (settings.allowProductionWrites) out.push(['CONTRACT_ALLOW_PRODUCTION_WRITES', '1']);
  if (!settings.writeProbes) out.push(['CONTRACT_WRITE_PROBES', '0']);
  out.push(['CONTRACT_SEED', String(runSeed)]);
  // A deep run draws more cases (and longer flow sequences) from the same seed: its failures replay only deep, and
  // within the same budget (a flow's deep exploration goes on until it).
  return { env: out, ...(settings.deep ? { flags: ['--deep', ...(settings.maxTime ? ['--max-time', settings.maxTime.label] : [])] } : {}) };
}

/** A word for bash: left bare when safe, else single-quoted — except a `$VAR` reference, double-quoted to expand. */
export function shellWord(s: string): string {
  if (/^\$[A-Z_][A-Z0-9_]*$/.test(s)) return `"${s}"`;
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `CONTRACT_…=… npm run contract -- --only '<test>'`: one line that runs as printed in bash. */
export function replayCommand(ctx: ReplayContext, test: string, path?: string): string {
  const assignments = [...ctx.env, ...(path ? [['CONTRACT_PATH', path] as [string, string]] : [])].map(([k, v]) => `${k}=${shellWord(v)}`);
  return `${assignments.join(' ')} npm run contract -- ${(ctx.flags ?? []).map((f) => `${shellWord(f)} `).join('')}--only ${shellWord(test)}`;
}

/** What `replay <id>` reads from a previous run's contract.json: its findings, how it ran, its shrunk occurrences. */
export interface ReplaySource {
  findings: Array<{ id: string; check: string; operation: string; location: string; tests: string[] }>;
  replay?: { env: Array<[string, string]>; flags?: string[] };
  violations?: Array<{ finding: string; test: string; path?: string }>;
}

/**
 * A previous run's contract.json, checked for the parts replay uses: a file cut short (a run killed while writing)
 * or edited is refused in one line that names it — never quoting it, a report may hold what a server echoed.
 */
export function readReplaySource(file: string, text: string): ReplaySource {
  const refuse = () =>
    new CannotRunError(`replay: ${file} is not a complete report of a run (cut short or edited?) — run npm run contract again, then replay from its ids`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw refuse();
  }
  if (!isRecord(parsed) || !Array.isArray(parsed['findings']) || !parsed['findings'].every(isReplayFinding)) throw refuse();
  const { replay, violations } = parsed;
  if (replay !== undefined && !(isRecord(replay) && Array.isArray(replay['env']) && replay['env'].every(isPair))) throw refuse();
  if (replay !== undefined && replay['flags'] !== undefined && !isStrings(replay['flags'])) throw refuse();
  if (violations !== undefined && !(Array.isArray(violations) && violations.every(isOccurrence))) throw refuse();
  return parsed as unknown as ReplaySource;
}

/**
 * The finding an id names: an exact id always; else the one finding it is the start of. A start shared by several
 * is refused with their ids (a hash, no secret) — replaying whichever came first would answer for the wrong one.
 */
export function findingToReplay<F extends { id: string }>(findings: readonly F[], id: string, file: string): F {
  const exact = findings.find((f) => f.id === id);
  if (exact) return exact;
  const starting = findings.filter((f) => f.id.startsWith(id));
  if (starting.length === 1) return starting[0]!;
  if (!starting.length) throw new CannotRunError(`replay: no finding ${id} in ${file} — copy an id from its summary or contract.json`);
  throw new CannotRunError(
    `replay: ${id} is the start of ${starting.length} finding ids (${starting.map((f) => f.id).join(', ')}) — give more characters of the one to replay`,
  );
}

function isStrings(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string');
}

function isPair(x: unknown): boolean {
  return Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && typeof x[1] === 'string';
}

function isReplayFinding(x: unknown): boolean {
  return (
    isRecord(x) &&
    typeof x['id'] === 'string' &&
    typeof x['check'] === 'string' &&
    typeof x['operation'] === 'string' &&
    typeof x['location'] === 'string' &&
    isStrings(x['tests'])
  );
}

function isOccurrence(x: unknown): boolean {
  return isRecord(x) && typeof x['finding'] === 'string' && typeof x['test'] === 'string' && (x['path'] === undefined || typeof x['path'] === 'string');
}
