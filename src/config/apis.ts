import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CannotRunError } from '../base/errors.ts';
import { parseConfigJson } from './json.ts';

/** One contract the project knows: its spec, and the module alias its consumer samples import types from. */
export interface ApiEntry {
  name: string;
  spec: string;
  typesAlias: string;
}

const REGISTRY = 'spec/apis.json';

/** Every API of spec/apis.json, in its order (the first is the default). */
export function knownApis(root = process.cwd()): ApiEntry[] {
  const file = resolve(root, REGISTRY);
  if (!existsSync(file)) return [];
  const parsed = parseConfigJson(readFileSync(file, 'utf8'), REGISTRY) as { apis: Record<string, Omit<ApiEntry, 'name'>> };
  return Object.entries(parsed.apis).map(([name, entry]) => ({ name, ...entry }));
}

/** `--api <name>` → its entry; an unknown name is a one-line error listing the known ones. */
export function apiByName(name: string, root = process.cwd()): ApiEntry {
  const apis = knownApis(root);
  const found = apis.find((a) => a.name === name);
  if (!found) throw new CannotRunError(`--api: unknown API ${JSON.stringify(name)} — one of ${apis.map((a) => a.name).join(', ')} (spec/apis.json)`);
  return found;
}

/** The API a spec file belongs to, when it is one of the registry's. */
export function apiBySpec(specPath: string, root = process.cwd()): ApiEntry | undefined {
  const wanted = resolve(root, specPath);
  return knownApis(root).find((a) => resolve(root, a.spec) === wanted);
}
