import { escapeToken, parsePointer } from './pointer.ts';
import type { OpenApiDocument } from './types.ts';

/**
 * What a finding rests on. `documented`: the upstream states or shows it; `inferred`: the contract's own guess
 * where the docs are silent, with the `x-inferred` reason that applies and where that marking sits.
 */
export type Basis = { basis: 'documented' } | { basis: 'inferred'; reason: string; marking: string };

export const DOCUMENTED: Basis = Object.freeze({ basis: 'documented' });

/**
 * The nearest `x-inferred` marking that covers a place of the document (docs/extensions.md, "Provenance"): the
 * place is a JSON pointer whose last token may be a keyword or member (`/components/schemas/ObjectId/pattern`,
 * `/x-envelope/nullDataOnError`, `/paths/~1kyc~1status/get/security/1`).
 *
 * Walking from the root, a node's `x-inferred` applies when it is a string (the node and everything beneath it)
 * or a map one of whose keys — a member name or a relative path — is a prefix of the rest of the place. The
 * deepest marking wins: its reason is the most specific.
 */
export class Provenance {
  private readonly cache = new Map<string, Basis>();

  constructor(private readonly doc: OpenApiDocument) {}

  at(place: string): Basis {
    let found = this.cache.get(place);
    if (!found) this.cache.set(place, (found = this.resolve(place)));
    return found;
  }

  /** The first inferred basis of several places (e.g. a keyword, then the schema it sits on), else documented. */
  first(...places: Array<string | undefined>): Basis {
    for (const place of places) {
      if (place === undefined) continue;
      const b = this.at(place);
      if (b.basis === 'inferred') return b;
    }
    return DOCUMENTED;
  }

  private resolve(place: string): Basis {
    const tokens = parsePointer(place);
    let node: unknown = this.doc;
    let nearest: Basis = DOCUMENTED;
    let here = '';
    for (let i = 0; i <= tokens.length; i++) {
      if (node && typeof node === 'object') {
        const marking = (node as Record<string, unknown>)['x-inferred'];
        const applied = applies(marking, tokens.slice(i));
        if (applied !== undefined) nearest = { basis: 'inferred', reason: applied.reason, marking: `${here}${applied.member ? `#${applied.member}` : ''}` };
      }
      if (i === tokens.length || !node || typeof node !== 'object') break;
      const token = tokens[i]!;
      if (token === 'x-inferred') break;
      node = (node as Record<string, unknown>)[token];
      here += `/${escapeToken(token)}`;
    }
    return nearest;
  }
}

/** Whether a node's marking covers the rest of the place below it; which member of a map covered it. */
function applies(marking: unknown, rest: readonly string[]): { reason: string; member?: string } | undefined {
  if (typeof marking === 'string') return { reason: marking };
  if (!marking || typeof marking !== 'object') return undefined;
  for (const [member, reason] of Object.entries(marking as Record<string, unknown>)) {
    if (typeof reason !== 'string') continue;
    const path = member.split('/');
    if (path.length <= rest.length && path.every((t, i) => t === rest[i])) return { reason, member };
  }
  return undefined;
}

/** The inferred basis of two: the first that is inferred (an inference anywhere makes the finding one). */
export function eitherInferred(a: Basis, b: Basis): Basis {
  return a.basis === 'inferred' ? a : b;
}
