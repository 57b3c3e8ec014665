import { compareExtension } from './extensions.ts';
import type { At, DiffRun } from './run.ts';
import { compareSecuritySchemes } from './security.ts';
import { child, keysOf, type Side } from './side.ts';

/**
 * `components`, after the operations: a component compared with itself under some operation has had its changes
 * reported there, where they matter; one that no operation reached (unused, or reached under another name) is
 * compared here, so no difference goes unreported. Security schemes are always compared here.
 */
export function compareComponents(run: DiffRun, a: Side | undefined, b: Side | undefined): void {
  const at: At = { operation: '(components)', location: 'components' };
  for (const kind of new Set([...keysOf(a), ...keysOf(b)])) {
    const ka = child(a, kind);
    const kb = child(b, kind);
    if (kind.startsWith('x-')) {
      run.net(at, ka, kb, () => compareExtension(run, kind, ka, kb, at));
      continue;
    }
    if (kind === 'securitySchemes') {
      compareSecuritySchemes(run, ka, kb, at);
      continue;
    }
    for (const name of new Set([...keysOf(ka), ...keysOf(kb)])) {
      const x = child(ka, name);
      const y = child(kb, name);
      const here = { ...at, location: `${kind}/${name}` };
      if (!x) run.emit('component-added', here, { to: y });
      else if (!y) run.emit('component-removed', here, { from: x });
      else if (!run.visited.has(x.ptr) && !run.visited.has(`/components/${kind}/${name}`)) run.leaves(here, x, y, 'component-changed');
    }
  }
}
