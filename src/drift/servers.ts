import type { At, DiffRun } from './run.ts';
import { docRule } from './schema.ts';
import { child, items, value, type Side } from './side.ts';

/**
 * `servers` (document, path or operation): matched by URL, then by description, then by position; a URL that
 * changed or went away leaves clients configured with it calling nothing.
 * @see https://spec.openapis.org/oas/v3.1.0#server-object
 */
export function compareServers(run: DiffRun, a: Side | undefined, b: Side | undefined, at: At): void {
  const la = items(a);
  const lb = items(b);
  const url = (s: Side) => String(value<Record<string, unknown>>(s)?.['url'] ?? '');
  const text = (s: Side) => value<Record<string, unknown>>(s)?.['description'];
  const pairs: Array<[Side, Side]> = [];
  const take = (test: (x: Side, y: Side) => boolean) => {
    for (const x of [...la]) {
      const y = lb.find((candidate) => test(x, candidate));
      if (!y) continue;
      la.splice(la.indexOf(x), 1);
      lb.splice(lb.indexOf(y), 1);
      pairs.push([x, y]);
    }
  };
  take((x, y) => url(x) === url(y));
  take((x, y) => text(x) !== undefined && text(x) === text(y));
  take(() => true);
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
  for (const x of la) run.emit('server-removed', { ...at, location: `server ${url(x)}` }, { from: x }, url(x));
  for (const y of lb) run.emit('server-added', { ...at, location: `server ${url(y)}` }, { to: y }, undefined, url(y));
}
