/** What was sent, as reports may show it: the Authorization value is already redacted. */
export interface SentRequest {
  operation: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** A body sent as raw text (not JSON, empty): replayed as it was. */
  rawBody?: string;
}

export interface ReceivedResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed body when it is JSON; `undefined` when it is not. */
  json?: unknown;
  /** Why the body is not JSON (empty, truncated, HTML …), when it is not. */
  jsonError?: string;
}

/**
 * Why an exchange has no response. The last three mean it was never sent — not a failure of the server:
 * `budget` CONTRACT_MAX_REQUESTS was spent, `deadline` the run's time budget (CONTRACT_MAX_TIME) ran out,
 * `circuit-open` the operation had already failed twice in a row (timeouts or connection failures).
 */
export type FailureKind = 'timeout' | 'network' | 'too-large' | NotSentKind;
export type NotSentKind = 'budget' | 'deadline' | 'circuit-open';

/** The reason an exchange was never sent (what a check it would have fed reports as "not reached"), if it was not. */
export function notSent(e: Pick<Exchange, 'failure'>): { kind: NotSentKind; reason: string } | undefined {
  const f = e.failure;
  return f && (f.kind === 'budget' || f.kind === 'deadline' || f.kind === 'circuit-open') ? { kind: f.kind, reason: f.message } : undefined;
}

/**
 * One request and its outcome, captured once and shared by every check, report and replay line. Exactly one
 * of `response` and `failure` is set.
 */
export interface Exchange {
  request: SentRequest;
  response?: ReceivedResponse;
  failure?: { kind: FailureKind; message: string };
  ms: number;
  /** The matrix token the request carried (its name, never its value). */
  token?: string;
  /** How many 429s were waited out before this answer. */
  rateLimited?: number;
}
