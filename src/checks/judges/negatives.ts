import type { Exchange } from '../../client/exchange.ts';
import type { Basis } from '../../spec/provenance.ts';
import type { Finding } from '../types.ts';

/** What a judge reads of one `x-negative-cases` entry: its name, and the status (or statuses) the docs give it. */
export interface NegativeCaseWant {
  name: string;
  status: number | number[];
}

/**
 * `negative-case-not-refused`: the documented error answers as documented. Accepting the request (2xx) breaks the
 * rule the case states, so the finding rests on the case itself (`at`); refusing it with another status breaks
 * only the status — which may be the guess (`x-inferred: {status: …}` on the case, `${at}/status`) where the docs
 * state the rule but not its error.
 */
export function judgeNegative(c: NegativeCaseWant, e: Exchange, spec: { provenance: { at(place: string): Basis } }, at: string): Finding[] {
  const wanted = Array.isArray(c.status) ? c.status : [c.status];
  const s = e.response?.status;
  if (s !== undefined && wanted.includes(s)) return [];
  const accepted = s !== undefined && s < 300;
  return [
    {
      location: '',
      expected: `HTTP ${wanted.join(' or ')} for "${c.name}"`,
      actual: s === undefined ? `no response (${e.failure?.message})` : `HTTP ${s}${accepted ? ' — accepted' : ''}`,
      basis: spec.provenance.at(accepted ? at : `${at}/status`),
    },
  ];
}
