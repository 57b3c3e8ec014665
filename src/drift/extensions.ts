import type { At, DiffRun } from './run.ts';
import { child, isObject, keysOf, type Side } from './side.ts';

/**
 * The `x-` extensions this suite reads (docs/extensions.md): the contract beyond OpenAPI. A change in one of them
 * changes what the suite checks, so it is a change of the contract, whatever else moved.
 */
export const CONTRACT_EXTENSIONS = new Set([
  'x-envelope', 'x-problem-details', 'x-tenant', 'x-scope-implications', 'x-invariants', 'x-pagination', 'x-resource-list',
  'x-flows', 'x-clock', 'x-timestamp', 'x-timestamps', 'x-known-values', 'x-links', 'x-negotiated-representations',
  'x-identity-value', 'x-negative-cases', 'x-production', 'x-writes', 'x-token-prefix', 'x-scopes',
]);

export function compareExtension(run: DiffRun, key: string, a: Side | undefined, b: Side | undefined, at: At): void {
  const here = { ...at, location: at.location ? `${at.location} ${key}` : key };
  if (key === 'x-inferred') return compareInference(run, a, b, here);
  if (key === 'x-sunset') return compareSunset(run, a, b, here);
  if (!CONTRACT_EXTENSIONS.has(key)) return run.leaves(here, a, b, 'vendor-extension-changed');
  if (!a) return run.emit('extension-added', here, { to: b });
  if (!b) return run.emit('extension-removed', here, { from: a });
  run.leaves(here, a, b, 'extension-changed');
}

/**
 * `x-inferred: "why"` marks everything on its object as inferred; `x-inferred: {member: "why"}` only those members.
 * Whole → members is fewer inferences (removed); members → whole is more (added).
 */
function compareInference(run: DiffRun, a: Side | undefined, b: Side | undefined, at: At): void {
  const whole = (s: Side | undefined) => typeof s?.node === 'string';
  if (!a) return run.emit('inference-added', at, { to: b }, undefined, b?.node);
  if (!b) return run.emit('inference-removed', at, { from: a }, a.node);
  if (whole(a) && whole(b)) return run.emit('inference-reason-changed', at, { from: a, to: b }, a.node, b.node);
  if (whole(a) && isObject(b.node)) return run.emit('inference-removed', at, { from: a, to: b }, 'everything', keysOf(b).join(', '));
  if (isObject(a.node) && whole(b)) return run.emit('inference-added', at, { from: a, to: b }, keysOf(a).join(', '), 'everything');
  for (const member of new Set([...keysOf(a), ...keysOf(b)])) {
    const x = child(a, member);
    const y = child(b, member);
    const here = { ...at, location: `${at.location}.${member}` };
    if (!x) run.emit('inference-added', here, { to: y }, undefined, y?.node);
    else if (!y) run.emit('inference-removed', here, { from: x }, x.node);
    else if (x.node !== y.node) run.emit('inference-reason-changed', here, { from: x, to: y }, x.node, y.node);
  }
}

/** `x-sunset: 2026-12-31`: the date after which a deprecated operation may be removed. */
function compareSunset(run: DiffRun, a: Side | undefined, b: Side | undefined, at: At): void {
  if (!a) return run.emit('sunset-added', at, { to: b }, undefined, b?.node);
  if (!b) return run.emit('sunset-removed', at, { from: a }, a.node);
  const ta = Date.parse(String(a.node));
  const tb = Date.parse(String(b.node));
  if (Number.isNaN(ta) || Number.isNaN(tb) || ta === tb) return; // unreadable or the same instant: the net reports it as written
  run.emit(tb < ta ? 'sunset-brought-forward' : 'sunset-postponed', at, { from: a, to: b }, a.node, b.node);
}
