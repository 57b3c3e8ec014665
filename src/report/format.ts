import type { SentRequest } from '../client/exchange.ts';
import type { Violation } from '../checks/types.ts';
import type { ScenarioResult } from '../run/scenarios/result.ts';

/** The one place a violation becomes prose: "check · operation · where — expected … / received …". */
export function formatViolation(v: Violation): string {
  const where = v.location ? ` at ${v.location}` : '';
  const status = v.status !== undefined ? ` (HTTP ${v.status})` : '';
  return `${v.severity === 'warning' ? 'warning' : 'violation'} ${v.check} · ${v.operation}${status}${where}\n    expected ${v.expected}\n    received ${v.actual}`;
}

/** A curl line that replays the request; the token stays redacted (the request record never held it). */
export function curlLine(r: SentRequest): string {
  const parts = [`curl -sS -X ${r.method} ${shellQuote(r.url)}`];
  for (const [k, v] of Object.entries(r.headers)) {
    parts.push(`-H ${shellQuote(`${k}: ${k.toLowerCase() === 'authorization' && v.includes('<redacted:') ? v.replace(/<redacted:([^>]+)>/, '$$TOKEN_$1') : v}`)}`);
  }
  if (r.body !== undefined) parts.push(`-H 'Content-Type: application/json' --data ${shellQuote(JSON.stringify(r.body))}`);
  return parts.join(' ');
}

export function replayCommand(runSeed: number, testName: string, path?: string): string {
  return `CONTRACT_SEED=${runSeed}${path ? ` CONTRACT_PATH=${shellQuote(path)}` : ''} npm run contract -- --only ${shellQuote(testName)}`;
}

/** The failure text of one contract test: what broke, on which request, and how to run exactly that again. */
export function formatFailure(result: ScenarioResult, runSeed: number): string {
  const lines = [`${result.errors.length} contract violation(s) in "${result.name}"`];
  for (const v of result.errors.slice(0, 10)) lines.push(formatViolation(v));
  if (result.errors.length > 10) lines.push(`… and ${result.errors.length - 10} more (reports/contract.json)`);
  const request = result.errors[0]?.request;
  if (request) lines.push('Request:', `    ${curlLine(request)}`);
  lines.push(`Seed: ${result.seed ?? runSeed}${result.path ? `  path: ${result.path}` : ''}`);
  lines.push('Reproduce with:', `    ${replayCommand(runSeed, result.name, result.path)}`);
  return lines.join('\n');
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
