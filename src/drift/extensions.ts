import { EXTENSION_SCHEMAS } from '../spec/extensions.ts';
import type { At, DiffRun } from './run.ts';
import { child, isObject, keysOf, type Side } from './side.ts';

/**
 * The `x-` extensions this suite reads (docs/extensions.md, one schema each in src/spec/extensions.ts): the contract
 * beyond OpenAPI. A change in one of them changes what the suite checks, so it is a change of the contract.
 */
const CONTRACT_EXTENSIONS = new Set(Object.keys(EXTENSION_SCHEMAS));

export function compareExtension(run: DiffRun, key: string, a: Side | undefined, b: Side | undefined, at: At): void {
  const here = { ...at, location: at.location ? `${at.location} ${key}` : key };
  // Doc pages never carry our rules or markings: against a candidate rebuilt from them, their absence says nothing.
  if (run.options.partial && (key === 'x-inferred' || CONTRACT_EXTENSIONS.has(key))) return run.accept();
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
