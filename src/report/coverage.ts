import { PAGINATION_CHECKS } from '../run/scenarios/pagination.ts';
import { flowsOf } from '../run/flows/declaration.ts';
import { clockFields } from '../arbitraries/clock.ts';
import { planFor } from '../checks/registry.ts';
import { CHECKS } from '../checks/catalogue.ts';
import type { SpecModel } from '../checks/types.ts';
import { writeProbeApplies } from '../run/scenarios/tenant-writes.ts';
import { filtersOf } from '../run/scenarios/filters.ts';
import { idSource } from '../spec/links.ts';

/**
 * Where each check applies in a spec: how many operations (or flows) it can judge, from the spec's declarations
 * alone — the README's per-API column. `0` means not applicable to that API.
 */
export function coverage(spec: SpecModel): Map<string, number> {
  const out = new Map<string, number>(CHECKS.map((c) => [c.id, 0]));
  const add = (id: string, n = 1) => out.set(id, (out.get(id) ?? 0) + n);
  const ops = spec.operations;
  for (const op of ops) {
    for (const c of planFor(op, spec).applicable) add(c.id);
    add('valid-input-rejected');
    if (op.authenticated) {
      add('auth-not-enforced');
      add('auth-token-not-validated');
    }
    if (op.security.some((r) => r.schemes.some((s) => s.scopes.length))) {
      add('scope-not-enforced');
      add('scope-denied-wrongly');
    }
    if (op.parameters.length || op.body) add('invalid-input-accepted');
    if (spec.rules.tenant && !op.writes) {
      if (spec.rules.tenant.ownerField) add('tenant-owner-mismatch');
      if (spec.rules.tenant.smuggledInputs?.length) add('tenant-input-honored');
      if (idSource(spec.doc, spec.operations, op, { declaredOnly: true })) add('tenant-cross-store-readable');
    }
    if (spec.rules.tenant?.smuggledInputs?.length && op.writes && writeProbeApplies(spec, op) === true) add('tenant-input-honored');
    if (op.body && !op.body.unsupported) add('malformed-body-accepted');
    if (!op.writes) add('read-not-safe');
    if (filtersOf(op).length) add('filter-not-applied');
    if (op.extensions['x-pagination']) for (const id of PAGINATION_CHECKS) add(id);
    if (op.extensions['x-negative-cases']) add('negative-case-not-refused');
    if (clockFields(spec, op).length) add('clock-bound-not-enforced');
    if (spec.doc['x-negotiated-representations'] && !op.writes)
      for (const id of ['representation-not-honored', 'representation-instant-mismatch', 'representation-fallback-broken']) add(id);
    if ([...op.responses.values()].some((r) => r.extensions['x-links']) || spec.doc['x-links']) add('link-broken');
  }
  // Per path: the methods it does not document are probed.
  for (const path of new Set(ops.map((o) => o.path))) if (ops.filter((o) => o.path === path).length < 5) add('undocumented-method-accepted');
  for (const flow of flowsOf(spec)) {
    for (const [rule, applies] of flow.rules) if (applies === true) add(flow.check(rule));
    if (spec.rules.tenant && flow.read) add('tenant-cross-store-readable');
  }
  if (ops.length) add('spec-example-invalid');
  return out;
}
