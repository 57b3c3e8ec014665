import type { OpenApiDocument } from './types.ts';
import type { Operation } from './operations.ts';

/**
 * What the contract says beyond plain OpenAPI, read from the spec's `x-` extensions. Every field is optional:
 * a spec without an extension simply gets no check for that rule (reported as not applicable).
 */
export interface ContractRules {
  envelope?: {
    statusField: string;
    successField: string;
    messageField: string;
    dataField: string;
    nullDataOnError: boolean;
  };
  tenant?: {
    ownerField: string;
    smuggledInputs: Array<{ in: 'header' | 'query' | 'body'; name: string }>;
  };
  /** A scope → the scopes it also grants (WRITE_KYC → READ_KYC). */
  scopeImplications: Record<string, string[]>;
  /** Every scope name a token may carry (from the security scheme's `x-scopes`), when the spec lists them. */
  knownScopes?: string[];
  /** Token prefix the API issues (`app_`), when the spec states one. */
  tokenPrefix?: string;
  productionHosts: string[];
}

export function readRules(doc: OpenApiDocument): ContractRules {
  const schemes = Object.values((doc.components?.['securitySchemes'] as Record<string, Record<string, unknown>>) ?? {});
  const scheme = schemes.find((s) => s['x-token-prefix'] || s['x-scopes']);
  return {
    ...(doc['x-envelope'] ? { envelope: doc['x-envelope'] as ContractRules['envelope'] } : {}),
    ...(doc['x-tenant'] ? { tenant: doc['x-tenant'] as ContractRules['tenant'] } : {}),
    scopeImplications: (doc['x-scope-implications'] as Record<string, string[]> | undefined) ?? {},
    ...(Array.isArray(scheme?.['x-scopes']) ? { knownScopes: scheme['x-scopes'] as string[] } : {}),
    ...(typeof scheme?.['x-token-prefix'] === 'string' ? { tokenPrefix: scheme['x-token-prefix'] as string } : {}),
    productionHosts: (doc.servers ?? [])
      .filter((s) => s['x-production'] === true || /production/i.test(s.description ?? ''))
      .map((s) => safeHost(s.url))
      .filter((h): h is string => !!h),
  };
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** Scopes a token effectively holds once implications (WRITE_* ⊇ READ_*) are applied. */
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

/** The rule behind the scope matrix: granted when every scope of some alternative is held. */
export function isGranted(op: Operation, granted: readonly string[], rules: ContractRules): boolean {
  if (!op.authenticated) return true;
  const held = effectiveScopes(granted, rules);
  return op.scopeAlternatives.some((alternative) => alternative.every((s) => held.has(s)));
}
