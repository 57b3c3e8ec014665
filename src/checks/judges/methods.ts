import type { Exchange } from '../../client/exchange.ts';
import { DOCUMENTED } from '../../spec/provenance.ts';
import type { Finding } from '../types.ts';
import { answer } from './status.ts';

/** One undocumented method sent to a path: the path, the method, and the methods the path does document. */
export interface MethodProbe {
  path: string;
  method: string;
  documented: readonly string[];
}

/**
 * `undocumented-method-accepted`: a method the path does not document is refused — 405 with the `Allow` header
 * (RFC 9110 §15.5.6: the server MUST send it) or another 4xx. A 2xx or 3xx means a router sent it to a handler the
 * path has for another method; a 405 without `Allow` leaves the client to guess what would have worked. A 5xx is
 * not this rule's (see `judgeMethodServerError`), nor is no answer at all (the transport checks').
 */
export function judgeUndocumentedMethod(e: Exchange, probe: MethodProbe): Finding[] {
  const s = e.response?.status;
  const method = probe.method.toUpperCase();
  const documented = probe.documented.map((m) => m.toUpperCase()).join(', ');
  if (s !== undefined && s < 400)
    return [
      {
        location: '',
        expected: `405 (Allow: ${documented}) or a 4xx: ${probe.path} documents ${documented}, not ${method}`,
        actual: answer(e),
        basis: DOCUMENTED,
      },
    ];
  if (s === 405 && !e.response?.headers['allow'])
    return [
      {
        location: '',
        expected: `405 with an Allow header naming ${documented} (RFC 9110 §15.5.6) for ${method}`,
        actual: 'HTTP 405 without Allow',
        basis: DOCUMENTED,
      },
    ];
  return [];
}

/**
 * `server-error` on a method probe: an undocumented method is the client's mistake, to be refused with a 4xx; a 5xx
 * says the server fell over on it instead. The probe's answer is not a documented operation's, so the response checks
 * never see it: this is where its 5xx is reported.
 */
export function judgeMethodServerError(e: Exchange, probe: Pick<MethodProbe, 'path' | 'method'>): Finding[] {
  const s = e.response?.status;
  return s !== undefined && s >= 500 ? [{ location: '', expected: `a non-5xx answer to ${probe.method.toUpperCase()} ${probe.path}`, actual: answer(e) }] : [];
}
