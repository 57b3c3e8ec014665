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

/** `budget`: not sent, because CONTRACT_MAX_REQUESTS was spent — not a failure of the server. */
export type FailureKind = 'timeout' | 'network' | 'too-large' | 'budget';

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
