import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CannotRunError } from '../base/errors.ts';
import { DRIFT_RULES, type DriftChange, type DriftRuleId } from './rules.ts';

/**
 * `drift-ignore.yaml`: changes a team has reviewed and accepts, so a known change is accepted once instead of
 * failing every run. Each entry names the rule, the JSON pointer the report shows (`/…/**` for everything under
 * it), why, and optionally one operation:
 *
 *   - rule: response-enum-value-added
 *     pointer: /components/schemas/KycStatusValue/enum/5
 *     reason: every app handles `expired` since 2.3 (PR #123)
 *     operation: GET /kyc/status        # optional
 */
export interface IgnoreEntry {
  rule: DriftRuleId;
  pointer: string;
  reason: string;
  operation?: string;
}

export interface Ignored extends DriftChange {
  reason: string;
}

export function loadIgnoreFile(file: string, required: boolean): IgnoreEntry[] {
  if (!existsSync(file)) {
    if (required) throw new CannotRunError(`--ignore: ${file} does not exist`);
    return [];
  }
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CannotRunError(`${file} is not valid YAML — ${(error as Error).message.split('\n')[0]}`);
  }
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) throw new CannotRunError(`${file} must be a list of { rule, pointer, reason } entries`);
  return raw.map((entry, i) => checkEntry(file, entry, i + 1));
}

function checkEntry(file: string, entry: unknown, n: number): IgnoreEntry {
  const where = `${file}: entry ${n}`;
  if (!entry || typeof entry !== 'object') throw new CannotRunError(`${where} is not an object with rule, pointer and reason`);
  const e = entry as Record<string, unknown>;
  const unknownKeys = Object.keys(e).filter((k) => !['rule', 'pointer', 'reason', 'operation'].includes(k));
  if (unknownKeys.length) throw new CannotRunError(`${where} has unknown key ${unknownKeys[0]} — an entry has rule, pointer, reason and optionally operation`);
  if (typeof e['rule'] !== 'string' || !(e['rule'] in DRIFT_RULES))
    throw new CannotRunError(
      `${where}: rule ${JSON.stringify(e['rule'] ?? null)} is not a drift rule id — copy it from the report (e.g. response-enum-value-added)`,
    );
  if (typeof e['pointer'] !== 'string' || (e['pointer'] !== '' && !e['pointer'].startsWith('/')))
    throw new CannotRunError(`${where}: pointer must be a JSON pointer as the report prints it (starts with /)`);
  if (typeof e['reason'] !== 'string' || !e['reason'].trim()) throw new CannotRunError(`${where} has no reason — say why the change is accepted`);
  if (e['operation'] !== undefined && typeof e['operation'] !== 'string')
    throw new CannotRunError(`${where}: operation must be a string like "GET /kyc/status"`);
  return {
    rule: e['rule'] as DriftRuleId,
    pointer: e['pointer'],
    reason: e['reason'].trim(),
    ...(typeof e['operation'] === 'string' ? { operation: e['operation'] } : {}),
  };
}

function matches(entry: IgnoreEntry, change: DriftChange): boolean {
  if (entry.rule !== change.rule || (entry.operation && entry.operation !== change.operation)) return false;
  if (!entry.pointer.endsWith('/**')) return entry.pointer === change.pointer;
  const prefix = entry.pointer.slice(0, -3);
  return change.pointer === prefix || change.pointer.startsWith(`${prefix}/`);
}

/** Splits the changes into those still reported and those an entry accepts; entries that accept nothing are stale. */
export function applyIgnore(
  changes: readonly DriftChange[],
  entries: readonly IgnoreEntry[],
): { kept: DriftChange[]; ignored: Ignored[]; stale: IgnoreEntry[] } {
  const used = new Set<IgnoreEntry>();
  const kept: DriftChange[] = [];
  const ignored: Ignored[] = [];
  for (const change of changes) {
    const entry = entries.find((e) => matches(e, change));
    if (!entry) kept.push(change);
    else {
      used.add(entry);
      ignored.push({ ...change, reason: entry.reason });
    }
  }
  return { kept, ignored, stale: entries.filter((e) => !used.has(e)) };
}
