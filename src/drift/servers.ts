import { textOf } from '../spec/text.ts';
import type { At, DiffRun } from './run.ts';
import { docRule } from './schema.ts';
import { pairUp } from './pairing.ts';
import { child, items, value, type Side } from './side.ts';

/**
 * `servers` (document, path or operation): matched by URL, then by description, then by position; a URL that
 * changed or went away leaves clients configured with it calling nothing.
 * @see https://spec.openapis.org/oas/v3.1.0#server-object
 */
export function compareServers(run: DiffRun, a: Side | undefined, b: Side | undefined, at: At): void {
  const url = (s: Side) => textOf(value<Record<string, unknown>>(s)?.['url']);
  const text = (s: Side) => value<Record<string, unknown>>(s)?.['description'];
  const {
    matched: pairs,
    removed,
    added,
  } = pairUp(items(a), items(b), [(x, y) => url(x) === url(y), (x, y) => text(x) !== undefined && text(x) === text(y), () => true]);
  for (const [x, y] of pairs) {
    const here = { ...at, location: `server ${url(y)}` };
    run.net(here, x, y, () =>
      run.byKeys(x, y, here, [
        { keys: ['url'], compare: (r, p, q) => r.emit('server-url-changed', here, { from: child(p, 'url'), to: child(q, 'url') }, url(x), url(y)) },
        docRule(['variables'], 'server-variables-changed'),
        docRule(['description'], 'description-changed'),
      ]),
    );
  }
  for (const x of removed) run.emit('server-removed', { ...at, location: `server ${url(x)}` }, { from: x }, url(x));
  for (const y of added) run.emit('server-added', { ...at, location: `server ${url(y)}` }, { to: y }, undefined, url(y));
}
