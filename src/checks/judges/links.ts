import { isDeepStrictEqual } from 'node:util';
import type { Exchange } from '../../client/exchange.ts';
import { parsePointer } from '../../spec/pointer.ts';
import type { Basis } from '../../spec/provenance.ts';
import { show } from '../show.ts';
import type { Finding } from '../types.ts';
import { answer } from './status.ts';

/** One `x-links` declaration (docs/extensions.md): where a link is in a response, and what following it must show. */
export interface LinkRule {
  pointer: string;
  /** The link leads to the resource that holds it (`self`): following it answers the same body. */
  sameResource?: boolean;
  /** Places of that body that may differ between the two reads (a request id, the server's clock). */
  volatile?: string[];
}

/**
 * `link-broken`, before it is followed: a declared link is something a client can follow — a URL, absolute or
 * relative to the target's origin (`base`). A value no URL parser accepts leaves the client nowhere to go.
 */
export function judgeLinkHref(href: string, base: string, rule: Pick<LinkRule, 'pointer'>, basis: Basis): Finding[] {
  try {
    new URL(href, base);
    return [];
  } catch {
    return [{ location: rule.pointer, expected: 'a URL to follow', actual: show(href), basis }];
  }
}

/**
 * `link-broken`, once followed: a link a response hands out answers 2xx with the same credentials — a client is
 * told it may go there — and, where the declaration says it is the resource itself (`sameResource`), answers the
 * body it was found in (`from`), apart from the declared volatile places.
 */
export function judgeFollowedLink(followed: Exchange, from: unknown, href: string, rule: LinkRule, basis: Basis): Finding[] {
  const s = followed.response?.status;
  if (s === undefined || s < 200 || s >= 300)
    return [{ location: rule.pointer, expected: `2xx when ${href} is followed with the same credentials`, actual: answer(followed), basis }];
  const body = followed.response!.json;
  if (rule.sameResource && !isDeepStrictEqual(strip(body, rule.volatile), strip(from, rule.volatile)))
    return [{ location: rule.pointer, expected: `the same resource at ${href}`, actual: `another body: ${show(body, 80)}`, basis }];
  return [];
}

/** A body without the parts that may differ between two reads of the same resource. */
function strip(body: unknown, volatile: string[] = []): unknown {
  if (!volatile.length || !body || typeof body !== 'object') return body;
  const copy = structuredClone(body) as Record<string, unknown>;
  for (const p of volatile) {
    const tokens = parsePointer(p);
    let node: unknown = copy;
    for (let i = 0; i < tokens.length - 1 && node && typeof node === 'object'; i++) node = (node as Record<string, unknown>)[tokens[i]!];
    if (node && typeof node === 'object') delete (node as Record<string, unknown>)[tokens[tokens.length - 1]!];
  }
  return copy;
}
