import type { OpenApiDocument } from './types.ts';
import type { Operation } from './operations.ts';
import { textOf } from './text.ts';

/** `x-envelope`: every JSON body is an object carrying the declared fields (docs/extensions.md). */
export interface EnvelopeRule {
  statusField?: string;
  successField?: string;
  messageField?: string;
  dataField?: string;
  nullDataOnError?: boolean;
}

/** `x-problem-details`: error responses are RFC 7807 problems. */
export interface ProblemRule {
  statuses?: 'errors' | string[];
  mediaType?: string;
  instance?: 'request-path' | 'request-uri' | 'any';
  type?: 'absolute-uri' | 'any';
}

/** How a credential travels, from a `securitySchemes` entry. */
export interface SecurityScheme {
  name: string;
  /** `bearer` (http bearer, oauth2, openIdConnect), `basic`, or an API key in a header, query or cookie. */
  kind: 'bearer' | 'basic' | 'apiKey';
  /** For API keys: where, and under which name. */
  in?: 'header' | 'query' | 'cookie';
  paramName?: string;
  bearerFormat?: string;
  /** The prefix every credential of this scheme starts with (`x-token-prefix`). */
  tokenPrefix?: string;
  /** Every scope a credential may hold (`x-scopes`), when the spec lists them. */
  scopes?: string[];
  /** Other places the docs say the same credential is accepted (`x-also-accepted`). */
  alsoAccepted?: Array<{ in: 'header' | 'query' | 'cookie'; name: string; prefix?: string }>;
  /** JSON pointer of the scheme in the document. */
  pointer: string;
}

/**
 * What the contract says beyond plain OpenAPI, read from the spec's `x-` extensions. Every field is optional:
 * a spec without an extension simply gets no check for that rule (reported as not applicable).
 */
export interface ContractRules {
  envelope?: EnvelopeRule;
  problemDetails?: ProblemRule;
  tenant?: {
    ownerField?: string;
    /** What another tenant's record answers (default 404). */
    crossTenantStatus?: number;
    /** Inputs a client must never use to reach another tenant; a body `name` starting with `/` is a pointer. */
    smuggledInputs?: Array<{ in: 'header' | 'query' | 'body'; name: string }>;
  };
  /** A scope → the scopes it also grants (WRITE_KYC → READ_KYC). */
  scopeImplications: Record<string, string[]>;
  schemes: Record<string, SecurityScheme>;
  productionHosts: string[];
}

export function readRules(doc: OpenApiDocument): ContractRules {
  const implications = { ...((doc['x-scope-implications'] as Record<string, string[]> | undefined) ?? {}) };
  delete (implications as Record<string, unknown>)['x-inferred'];
  return {
    ...(doc['x-envelope'] ? { envelope: doc['x-envelope'] } : {}),
    ...(doc['x-problem-details'] ? { problemDetails: doc['x-problem-details'] } : {}),
    ...(doc['x-tenant'] ? { tenant: doc['x-tenant'] } : {}),
    scopeImplications: implications,
    schemes: readSchemes(doc),
    productionHosts: (doc.servers ?? [])
      .filter((s) => s['x-production'] === true || /production/i.test(s.description ?? ''))
      .map((s) => safeHost(s.url))
      .filter((h): h is string => !!h),
  };
}

function readSchemes(doc: OpenApiDocument): Record<string, SecurityScheme> {
  const out: Record<string, SecurityScheme> = {};
  for (const [name, raw] of Object.entries((doc.components?.['securitySchemes'] as Record<string, Record<string, unknown>>) ?? {})) {
    const type = raw['type'];
    const http = textOf(raw['scheme']).toLowerCase();
    const kind = type === 'apiKey' ? 'apiKey' : type === 'http' && http === 'basic' ? 'basic' : 'bearer';
    out[name] = {
      name,
      kind,
      ...(type === 'apiKey' ? { in: raw['in'] as 'header', paramName: String(raw['name']) } : {}),
      ...(typeof raw['bearerFormat'] === 'string' ? { bearerFormat: raw['bearerFormat'] } : {}),
      ...(typeof raw['x-token-prefix'] === 'string' ? { tokenPrefix: raw['x-token-prefix'] } : {}),
      ...(Array.isArray(raw['x-scopes']) ? { scopes: raw['x-scopes'] as string[] } : {}),
      ...(Array.isArray(raw['x-also-accepted']) ? { alsoAccepted: raw['x-also-accepted'] as SecurityScheme['alsoAccepted'] } : {}),
      pointer: `/components/securitySchemes/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`,
    };
  }
  return out;
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** Scopes a token effectively holds once implications (WRITE_* ⊇ READ_*) are applied, and which came that way. */
export function effectiveScopes(granted: readonly string[], rules: ContractRules): Set<string> {
  const out = new Set<string>();
  const queue = [...granted];
  while (queue.length) {
    const scope = queue.pop()!;
    if (out.has(scope)) continue;
    out.add(scope);
    queue.push(...(rules.scopeImplications[scope] ?? []));
  }
  return out;
}

/** The credential side of a token the grant rule needs. */
export interface Credential {
  scheme: string;
  scopes: readonly string[];
}

/**
 * Whether a token is granted an operation, and how: which requirement admitted it and which implications it
 * took (a grant that rests on an inferred requirement or implication is an inferred expectation).
 */
export interface Grant {
  granted: boolean;
  requirement?: number;
  /** Implication sources used: the granted scopes whose implications supplied a required scope. */
  implied: string[];
}

export function grantOf(op: Operation, token: Credential, rules: ContractRules): Grant {
  if (!op.authenticated) return { granted: true, implied: [] };
  const held = new Set(token.scopes);
  const effective = effectiveScopes(token.scopes, rules);
  let viaImplication: Grant | undefined;
  for (const req of op.security) {
    if (req.schemes.length !== 1 || req.schemes[0]!.scheme !== token.scheme) continue;
    const needed = req.schemes[0]!.scopes;
    if (needed.every((s) => held.has(s))) return { granted: true, requirement: req.index, implied: [] };
    if (!viaImplication && needed.every((s) => effective.has(s))) {
      const implied = token.scopes.filter((g) => needed.some((s) => !held.has(s) && effectiveScopes([g], rules).has(s)));
      viaImplication = { granted: true, requirement: req.index, implied };
    }
  }
  return viaImplication ?? { granted: false, implied: [] };
}

/** The rule behind the scope matrix: granted when every scope of some requirement of the token's scheme is held. */
export function isGranted(op: Operation, token: Credential, rules: ContractRules): boolean {
  return grantOf(op, token, rules).granted;
}

/** The schemes an operation accepts (any requirement), in document order. */
export function schemesOf(op: Operation): string[] {
  return [...new Set(op.security.flatMap((r) => r.schemes.map((s) => s.scheme)))];
}
