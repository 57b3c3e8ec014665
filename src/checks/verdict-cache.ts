import { createHash } from 'node:crypto';
import type { Exchange } from '../client/exchange.ts';
import type { Operation } from '../spec/operations.ts';
import { headerValue, negotiated } from '../spec/timestamps.ts';
import type { ResponseCheckId } from './registry.ts';
import type { Finding, SpecModel } from './types.ts';

/** What the response checks made of a response, before it is stamped with the request that got it. */
export interface Judgement {
  checks: Array<{ id: ResponseCheckId; severity: 'error' | 'warning'; findings: Finding[] }>;
  judgedBy: ResponseCheckId[];
}

/**
 * Remembers judgements: the response checks are pure functions of the operation and of what they read of an
 * exchange — the status, the media type, the body, the request's path and query (`problem-instance-mismatch`)
 * and the request headers a representation is negotiated by (`X-Timestamp-Format`: the same body is right in one
 * form and wrong in the other) — so the same response to the same operation is judged once. The findings are
 * stamped with each exchange's own request and token on every use. A static mock answers with the same few
 * examples thousands of times; a live server rarely repeats itself, and then the cache costs one hash a response.
 */
export class VerdictCache {
  private readonly entries = new Map<string, unknown>();
  /** Per operation: lookups and hits so far, and whether remembering was given up on for it. */
  private readonly usage = new Map<string, { lookups: number; hits: number; off: boolean }>();
  hits = 0;
  misses = 0;

  /**
   * At most `capacity` judgements are kept (the oldest go first). An operation whose first `trial` lookups hit
   * less than one time in 16 answers with fresh bodies every time (ids, counters, clocks): it is no longer
   * hashed nor stored — on such a server the cache would only add work.
   */
  constructor(
    private readonly capacity = 20_000,
    private readonly trial = 256,
  ) {}

  /** The key of an exchange's judgement under `scope` (which checks, which options); none: judge it afresh. */
  key(scope: string, op: Operation, exchange: Exchange, spec: SpecModel): string | undefined {
    const r = exchange.response;
    if (!r) return undefined;
    let usage = this.usage.get(op.key);
    if (!usage) this.usage.set(op.key, (usage = { lookups: 0, hits: 0, off: false }));
    if (usage.off) return undefined;
    if (++usage.lookups === this.trial && usage.hits * 16 < this.trial) usage.off = true;
    const hash = createHash('sha1')
      .update(scope)
      .update('\0')
      .update(op.key)
      .update('\0')
      .update(String(r.status))
      .update('\0')
      .update(r.headers['content-type'] ?? '')
      .update('\0');
    // The path and query only where a check reads them (a problem's `instance`); else every request would differ.
    if (spec.rules.problemDetails) hash.update(exchange.request.url);
    hash.update('\0');
    for (const rule of negotiated(spec.doc)) hash.update(headerValue(exchange.request.headers, rule.header) ?? '').update('\0');
    return hash.update(r.text).digest('base64');
  }

  get<T>(key: string, op: Operation): T | undefined {
    const hit = this.entries.get(key) as T | undefined;
    if (hit === undefined) this.misses++;
    else {
      this.hits++;
      this.usage.get(op.key)!.hits++;
    }
    return hit;
  }

  set(key: string, value: unknown): void {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, value);
  }
}
