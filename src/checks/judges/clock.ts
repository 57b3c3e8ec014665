import type { ClockField } from '../../arbitraries/clock.ts';
import type { Exchange } from '../../client/exchange.ts';
import type { Basis } from '../../spec/provenance.ts';
import type { Finding } from '../types.ts';
import { answer } from './status.ts';

/**
 * `clock-bound-not-enforced`: a request whose clock-bound field (`x-clock`) is outside its window — older than
 * `maxAgeSeconds`, or ahead where the rule allows no future — must be refused with a 4xx. Accepting it means a
 * captured request can be replayed later (the window is the API's defence against replay); a 5xx is no refusal
 * of the client's input either, and is reported here too, beside `server-error`.
 */
export function judgeClockRefusal(e: Exchange, field: Pick<ClockField, 'in' | 'at' | 'rule'>, probe: string, basis: Basis): Finding[] {
  const s = e.response?.status;
  if (s !== undefined && s >= 400 && s < 500) return [];
  const { rule } = field;
  return [
    {
      location: field.at,
      expected: `a 4xx refusing ${field.in} ${field.at} ${probe} (${rule.unit}, at most ${rule.maxAgeSeconds} s old${rule.future ? '' : ', never ahead'})`,
      actual: answer(e),
      basis,
    },
  ];
}
