import { defaultRuns, type RunSettings } from './env.ts';
import { tokenSource } from './tokens.ts';

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
