/**
 * Where each API's upstream material comes from, and which of it belongs in spec/upstream/<api>/ — one row per
 * API, so that adding a vendor is a row here, not a branch in the code.
 *
 * Two kinds of source:
 * - `pages`: a docs site that publishes an llms.txt-style index (a Markdown list of links to `.md` pages). The
 *   pages fetched are the index's links under `under`, plus every page already in the snapshot; `keep` says
 *   which of the fetched ones join it: `operations` — those whose OpenAPI block names a path of the API's
 *   contract (spec/apis.json); `all` — all of them (for vendors whose pages carry no OpenAPI block).
 * - `vendor`: files the vendor publishes itself (an OpenAPI document and its provenance), fetched from one
 *   folder URL and compared byte for byte.
 */
export interface PagesSource {
  kind: 'pages';
  /** The host the pages live on; a page's identity is its path there, wherever it was fetched from. */
  docsHost: string;
  /** The index; null when none is known (then `--index` is required). */
  index: string | null;
  /** Path prefixes of the index links worth fetching. */
  under: readonly string[];
  keep: 'operations' | 'all';
}

export interface VendorSource {
  kind: 'vendor';
  /** The folder the files are fetched from (each file name is resolved against it); `--source` overrides it. */
  from: string;
  files: ReadonlyArray<{ name: string; kind: 'openapi-json' | 'text' }>;
}

export type UpstreamSource = PagesSource | VendorSource;

export const UPSTREAM_APIS = {
  // The index is named at the top of every page of docs.salesive.com; the Account API's pages are under /apps-api/.
  salesive: { kind: 'pages', docsHost: 'docs.salesive.com', index: 'https://docs.salesive.com/llms.txt', under: ['/apps-api/'], keep: 'operations' },
  // Sumvin/sdk-ts vendors the spec of the private sumvin-api repository into spec/ with its PIN (a sumvin-api commit,
  // not an sdk-ts one — so it cannot name the raw URL) and SOURCE.md; HEAD is the SDK's default branch: what has
  // upstream published since our copy? `--source <url>` fetches another ref or a mirror.
  sumvin: {
    kind: 'vendor',
    from: 'https://raw.githubusercontent.com/Sumvin/sdk-ts/HEAD/spec/',
    files: [
      { name: 'openapi.json', kind: 'openapi-json' },
      { name: 'PIN', kind: 'text' },
      { name: 'SOURCE.md', kind: 'text' },
    ],
  },
  // gu1 publishes no OpenAPI; its pages name https://docs.gu1.ai/llms.txt as their index. Its KYC guide pages are kept whole.
  gu1: { kind: 'pages', docsHost: 'docs.gu1.ai', index: 'https://docs.gu1.ai/llms.txt', under: ['/en/use-cases/kyc/'], keep: 'all' },
  // No machine-readable index of docs.silamoney.com is known: with `--index`, the snapshot's own pages are refreshed.
  sila: { kind: 'pages', docsHost: 'docs.silamoney.com', index: null, under: [], keep: 'all' },
} as const satisfies Record<string, UpstreamSource>;

export type UpstreamApiName = keyof typeof UPSTREAM_APIS;

/** The limits every fetch runs under (flags override the timeout). */
export const FETCH_DEFAULTS = {
  timeoutMs: 15_000,
  /** Retries of a 5xx/429 answer, each after a backoff or the server's Retry-After. */
  retries: 3,
  backoffMs: 500,
  /** A Retry-After longer than this is not waited out: the line says to try later. */
  maxRetryWaitMs: 30_000,
  maxRedirects: 5,
  /** A docs page is a few KiB; Sumvin's OpenAPI document is 1.4 MB. */
  maxPageBytes: 2 * 1024 * 1024,
  maxVendorBytes: 16 * 1024 * 1024,
  concurrency: 4,
} as const;
