import type { SentRequest } from '../client/exchange.ts';
import type { Violation } from '../checks/types.ts';
import { replayCommand, shellWord, type ReplayContext } from '../config/replay.ts';
import type { TokenSource } from '../config/tokens.ts';
import { groupFindings, type Finding } from '../run/findings.ts';
import type { ScenarioResult } from '../run/scenarios/result.ts';

const LABEL = { error: 'violation', warning: 'warning', inference: 'unconfirmed inference' } as const;

/** The one place a violation becomes prose: "check · operation · where — expected … / received …". */
export function formatViolation(v: Violation): string {
  const where = v.location ? ` at ${v.location}` : '';
  const status = v.status !== undefined ? ` (HTTP ${v.status})` : '';
  const token = v.token ? ` · token ${v.token}` : '';
  const lines = [`${LABEL[v.severity]} ${v.check} · ${v.operation}${status}${where}${token}`, `    expected ${v.expected}`, `    received ${v.actual}`];
  if (v.inferred) lines.push(`    inferred: ${v.inferred.reason} (x-inferred at ${v.inferred.marking})`);
  return lines.join('\n');
}

/** A finding: the rule, where, how often, with which tokens — once, however many requests showed it. */
export function formatFinding(f: Finding): string {
  const first = f.examples[0];
  const statuses = f.statuses.length ? ` (HTTP ${f.statuses.join(', ')})` : '';
  const seen = `${f.count} occurrence${f.count === 1 ? '' : 's'}${f.tokens.length ? ` · tokens ${f.tokens.join(', ')}` : ''}`;
  const lines = [
    `${f.known ? 'known ' : ''}${LABEL[f.severity]} ${f.check} · ${f.operation}${statuses}${f.location ? ` at ${f.location}` : ''} · ${seen} · id ${f.id}`,
  ];
  if (first) lines.push(`    expected ${first.expected}`, `    received ${first.actual}`);
  if (f.inferred) lines.push(`    inferred: ${f.inferred.reason} (x-inferred at ${f.inferred.marking})`);
  if (f.notSent !== undefined)
    lines.push(
      `    circuit breaker: ${f.operation} was not asked again — ${f.notSent} request(s) to it not sent (its checks are "not reached"); the other operations went on`,
    );
  return lines.join('\n');
}

/** The shell variable a token is given to curl in: `full-a` → `CONTRACT_TOKEN_FULL_A`. */
export function tokenVariable(name: string): string {
  return `CONTRACT_TOKEN_${name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')}`;
}

/** How to set a token's variable from where the matrix lives, without printing the token. */
export function tokenExport(name: string, source: TokenSource | undefined): string {
  const find = `.tokens.find((t) => t.name === ${JSON.stringify(name)}).token`;
  const read =
    source && 'file' in source ? `JSON.parse(require('fs').readFileSync(${JSON.stringify(source.file)}, 'utf8'))` : 'JSON.parse(process.env.CONTRACT_TOKENS)';
  return `export ${tokenVariable(name)}="$(node -p ${shellWord(`${read}${find}`)})"`;
}

/** A word for bash that expands `$CONTRACT_TOKEN_…` and nothing else. */
function doubleQuoted(s: string): string {
  return `"${s.replace(/[\\"`$]/g, (c) => `\\${c}`).replace(/\\\$(CONTRACT_TOKEN_[A-Z0-9_]+)/g, '$$$1')}"`;
}

/**
 * A curl line that replays the request as sent: the credential as `$CONTRACT_TOKEN_<NAME>` (never its value),
 * double-quoted so bash expands it. Pair it with `tokenExport` for the line that sets the variable.
 */
export function curlLine(r: SentRequest): string {
  const withVars = (s: string) => s.replace(/<redacted:([^>]+)>/g, (_m, name: string) => `$${tokenVariable(name)}`);
  const parts = [`curl -sS -X ${r.method} ${doubleQuoted(withVars(r.url))}`];
  for (const [k, v] of Object.entries(r.headers)) parts.push(`-H ${doubleQuoted(`${k}: ${withVars(v)}`)}`);
  // A raw body (a malformed-request probe) carries its own Content-Type header, if any.
  if (r.rawBody !== undefined) parts.push(`--data-raw ${shellWord(r.rawBody)}`);
  else if (r.body !== undefined) parts.push(`-H 'Content-Type: application/json' --data ${shellWord(JSON.stringify(r.body))}`);
  return parts.join(' ');
}

/** The tokens a request record names (`<redacted:name>`), for the export lines above its curl. */
export function tokensIn(r: SentRequest): string[] {
  return [...new Set([...JSON.stringify(r).matchAll(/<redacted:([^>]+)>/g)].map((m) => m[1]!))];
}

/**
 * The failure text of one contract test: each finding once (with its count and tokens), the smallest failing
 * request as curl, and the one command that runs exactly that again.
 */
export function formatFailure(result: ScenarioResult, replay: ReplayContext, source?: TokenSource): string {
  const findings = groupFindings(result.errors);
  const lines = [`${findings.length} finding(s) in "${result.name}"`];
  for (const f of findings.slice(0, 10)) lines.push(formatFinding(f));
  if (findings.length > 10) lines.push(`… and ${findings.length - 10} more (reports/contract.json)`);
  const request = result.errors[0]?.request;
  if (request) lines.push('Request:', ...tokensIn(request).map((t) => `    ${tokenExport(t, source)}`), `    ${curlLine(request)}`);
  const path = result.stateful ? undefined : result.path;
  lines.push('Reproduce with:', `    ${replayCommand(replay, result.name, path)}`);
  if (result.stateful) lines.push('    (a stateful test replays its whole seeded exploration: the server has moved on since)');
  return lines.join('\n');
}
