import type { At, DiffRun } from './run.ts';
import { child, items, keysOf, type Side } from './side.ts';

/**
 * An operation's effective security requirements (its own, or the document's): alternatives, each a set of
 * schemes with scopes. Fewer ways in, or other scopes, break clients; more ways in do not.
 * @see https://spec.openapis.org/oas/v3.1.0#security-requirement-object
 */
export function compareSecurity(run: DiffRun, a: Side | undefined, b: Side | undefined, at: At, partial = false): void {
  const here = { ...at, location: 'security' };
  const la = items(a);
  const lb = items(b);
  const isPublic = (list: Side[]) => !list.length || list.some((r) => !keysOf(r).length);
  if (isPublic(la) !== isPublic(lb)) {
    if (isPublic(la)) run.emit('authentication-required', here, { from: a, to: b }, 'none', describe(lb));
    else run.emit('authentication-dropped', here, { from: a, to: b }, describe(la), 'none');
    return;
  }
  // A candidate rebuilt from doc pages often states scopes only in prose: no scope there says nothing.
  if (partial && (!la.some(hasScopes) || !lb.some(hasScopes))) return run.accept();
  const ka = new Map(la.map((r) => [key(r), r]));
  const kb = new Map(lb.map((r) => [key(r), r]));
  const removed = [...ka].filter(([k]) => !kb.has(k)).map(([, r]) => r);
  const added = [...kb].filter(([k]) => !ka.has(k)).map(([, r]) => r);
  // The same schemes asking for other scopes: fewer scopes is relaxed, any new one breaks tokens without it.
  for (const r of [...removed]) {
    const other = added.find((x) => schemes(x) === schemes(r));
    if (!other) continue;
    removed.splice(removed.indexOf(r), 1);
    added.splice(added.indexOf(other), 1);
    const relaxed = keysOf(other).every((scheme) => scopes(other, scheme).every((s) => scopes(r, scheme).includes(s)));
    run.emit(relaxed ? 'scope-requirement-relaxed' : 'scope-requirement-changed', here, { from: r, to: other }, describe([r]), describe([other]));
  }
  if (removed.length && added.length) return run.emit('scope-requirement-changed', here, { from: removed[0], to: added[0] }, describe(la), describe(lb));
  for (const r of removed) run.emit('security-requirement-removed', here, { from: r }, describe([r]));
  for (const r of added) run.emit('security-requirement-added', here, { to: r }, undefined, describe([r]));
}

const scopes = (r: Side, scheme: string) => items(child(r, scheme)).map((s) => String(s.node));
const schemes = (r: Side) => keysOf(r).sort().join(' & ');
const hasScopes = (r: Side) => keysOf(r).some((scheme) => items(child(r, scheme)).length > 0);

/** `AppToken[READ_KYC+WRITE_KYC]`, schemes and scopes sorted. */
function key(r: Side): string {
  return keysOf(r)
    .sort()
    .map(
      (scheme) =>
        `${scheme}[${items(child(r, scheme))
          .map((s) => String(s.node))
          .sort()
          .join('+')}]`,
    )
    .join(' & ');
}

function describe(list: Side[]): string {
  return list.length ? list.map(key).join(' or ') : 'none';
}

/**
 * `components.securitySchemes`: a scheme removed, or a change in how credentials are sent (type, scheme,
 * header or parameter name, flows and scopes), breaks clients. `x-` rules (x-token-prefix, x-scopes) are ours.
 */
export function compareSecuritySchemes(run: DiffRun, a: Side | undefined, b: Side | undefined, at: At): void {
  for (const name of new Set([...keysOf(a), ...keysOf(b)])) {
    const x = child(a, name);
    const y = child(b, name);
    const here = { ...at, location: `security scheme ${name}` };
    if (!x) run.emit('security-scheme-added', here, { to: y });
    else if (!y) run.emit('security-scheme-removed', here, { from: x });
    else
      run.net(here, x, y, () =>
        run.byKeys(
          x,
          y,
          here,
          [{ keys: ['description'], compare: (r, p, q) => r.leaves(here, child(p, 'description'), child(q, 'description'), 'description-changed') }],
          { other: 'security-scheme-changed' },
        ),
      );
  }
}
