import { parsePointer } from './pointer.ts';

/**
 * RFC 7386 JSON Merge Patch: objects merge member by member, `null` removes a member, anything else replaces.
 * How the spec states a variation of a valid request (`x-negative-cases`, a flow transition's `body`).
 * @see https://www.rfc-editor.org/rfc/rfc7386
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * A deep copy of the plain objects and arrays of a value; anything else (a clock-bound value that reads the clock
 * when sent) is kept as it is — structuredClone would turn it into a plain, frozen object.
 */
export function clonePlain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clonePlain) as T;
  // fast-check's records may have no prototype at all: plain objects too.
  if (value && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value) as object | null)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clonePlain(v)])) as T;
  }
  return value;
}

/** A copy of a body with the value at a pointer (or a top-level name) set; objects are made on the way. */
export function withValueAt(body: unknown, at: string, value: unknown): Record<string, unknown> {
  const root: Record<string, unknown> = body && typeof body === 'object' && !Array.isArray(body) ? clonePlain(body as Record<string, unknown>) : {};
  const tokens = at.startsWith('/') ? parsePointer(at) : [at];
  let node = root;
  tokens.forEach((t, i) => {
    if (i === tokens.length - 1) node[t] = value;
    else node = (node[t] && typeof node[t] === 'object' ? node[t] : (node[t] = {})) as Record<string, unknown>;
  });
  return root;
}
