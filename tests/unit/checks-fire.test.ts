import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readSettings } from '../../src/config/env.ts';
import { buildSpecModel, createContext, type RunContext } from '../../src/run/context.ts';
import { checkAuthentication } from '../../src/run/scenarios/auth.ts';
import { checkInvalidInputs } from '../../src/run/scenarios/inputs.ts';
import { checkKycFlow } from '../../src/run/scenarios/kyc-stateful.ts';
import { checkPagination } from '../../src/run/scenarios/pagination.ts';
import { checkResponses } from '../../src/run/scenarios/responses.ts';
import type { ScenarioResult } from '../../src/run/scenarios/result.ts';
import { checkScopes } from '../../src/run/scenarios/scopes.ts';
import { checkTenant } from '../../src/run/scenarios/tenant.ts';
import type { SpecModel } from '../../src/checks/types.ts';
import { FIXTURE_TOKENS, startAccountServer, type AccountServer, type Fault } from '../fixtures/account-server.ts';

type Scenario = 'responses' | 'auth' | 'inputs' | 'scopes' | 'tenant' | 'pagination' | 'kyc';

/** [fault switched on, scenario, operationId, the check that must fire] — one row per check id. */
const CASES: Array<[Fault, Scenario, string, string]> = [
  ['envelope-status', 'responses', 'getKycStatus', 'envelope-status-mismatch'],
  ['envelope-success', 'auth', 'getKycStatus', 'envelope-success-mismatch'],
  ['envelope-message', 'responses', 'listDomains', 'envelope-message-empty'],
  ['error-data-not-null', 'auth', 'listRoles', 'envelope-data-not-null-on-error'],
  ['content-type', 'responses', 'listDomains', 'content-type-not-json'],
  ['html-body', 'responses', 'listDomains', 'body-not-json'],
  ['enum-expired', 'responses', 'getKycStatus', 'enum-value-undocumented'],
  ['timestamp-epoch', 'responses', 'getKycStatus', 'timestamp-not-rfc3339'],
  ['timestamp-naive', 'responses', 'listDomains', 'timestamp-not-rfc3339'],
  ['nullable-omitted', 'responses', 'getKycStatus', 'nullable-field-omitted'],
  ['invariant-approved-without-verifiedAt', 'responses', 'getKycStatus', 'invariant-violated'],
  ['schema-wrong-type', 'responses', 'listDomains', 'response-schema-mismatch'],
  ['server-error', 'responses', 'checkDomainAvailability', 'server-error'],
  ['undocumented-2xx', 'responses', 'listDomains', 'status-code-undocumented'],
  ['redirect-loop', 'responses', 'listDomains', 'status-code-undocumented'],
  ['accept-invalid', 'inputs', 'checkDomainAvailability', 'invalid-input-accepted'],
  ['reject-valid', 'responses', 'listRoles', 'valid-input-rejected'],
  ['auth-missing-accepted', 'auth', 'listPayouts', 'auth-not-enforced'],
  ['auth-prefix-ignored', 'auth', 'listPayouts', 'auth-token-not-validated'],
  ['scope-ignored', 'scopes', 'listDomains', 'scope-not-enforced'],
  ['scope-401', 'scopes', 'getKycStatus', 'scope-not-enforced'],
  ['scope-implication-ignored', 'scopes', 'getKycStatus', 'scope-denied-wrongly'],
  ['tenant-header-honored', 'tenant', 'listDomains', 'tenant-input-honored'],
  ['tenant-cross-store', 'tenant', 'getRole', 'tenant-cross-store-readable'],
  ['tenant-owner-wrong', 'tenant', 'listPayouts', 'tenant-owner-mismatch'],
  ['pagination-overlap', 'pagination', 'listRoles', 'pagination-pages-overlap'],
  ['pagination-total', 'pagination', 'listRoles', 'pagination-total-mismatch'],
  ['pagination-limit', 'pagination', 'listRoles', 'pagination-limit-exceeded'],
  ['pagination-hasnext', 'pagination', 'listRoles', 'pagination-flags-inconsistent'],
  ['pagination-past-end', 'pagination', 'listRoles', 'pagination-past-end-not-empty'],
  ['kyc-new-session-each-time', 'kyc', 'createKycSession', 'kyc-session-not-resumed'],
  ['kyc-refresh-disagrees', 'kyc', 'refreshKycStatus', 'kyc-state-disagrees'],
  ['kyc-approved-no-flag', 'kyc', 'createKycSession', 'kyc-already-approved-missing'],
  ['hang', 'responses', 'getPayoutFee', 'response-timeout'],
  ['huge-body', 'responses', 'listPayouts', 'response-too-large'],
  ['close-connection', 'responses', 'listPayouts', 'connection-failed'],
];
/** Drift, not breakage: reported as a warning, the run still holds. */
const WARNING_CASES: Array<[Fault, Scenario, string, string]> = [['undocumented-4xx', 'inputs', 'checkDomainAvailability', 'status-code-undocumented']];

let spec: SpecModel;
beforeAll(async () => {
  spec = await buildSpecModel('spec/salesive-account.yaml');
});

async function run(server: AccountServer, scenario: Scenario, operationId: string, timeoutMs = 2000): Promise<ScenarioResult> {
  const settings = { ...readSettings({}), runs: 15, timeoutMs };
  const ctx: RunContext = createContext({ spec, target: { kind: 'live', baseUrl: server.url }, settings, runSeed: 42, tokens: FIXTURE_TOKENS });
  const op = spec.operations.find((o) => o.id === operationId)!;
  const name = `${scenario} ${operationId}`;
  switch (scenario) {
    case 'responses': return checkResponses(ctx, op, name);
    case 'auth': return checkAuthentication(ctx, op, name);
    case 'inputs': return checkInvalidInputs(ctx, op, name);
    case 'scopes': return checkScopes(ctx, op, name);
    case 'tenant': return checkTenant(ctx, op, name);
    case 'pagination': return checkPagination(ctx, op, name);
    case 'kyc': return checkKycFlow(ctx, name);
  }
}

describe('every check fires on a server that breaks its rule', () => {
  test.each(CASES)('%s → %s %s fires %s', async (fault, scenario, operationId, check) => {
    const server = await startAccountServer({ faults: [fault] });
    try {
      const result = await run(server, scenario, operationId, fault === 'hang' ? 300 : 2000);
      expect(result.errors.map((v) => v.check)).toContain(check);
    } finally {
      await server.close();
    }
  });

  test.each(WARNING_CASES)('%s → %s %s warns %s', async (fault, scenario, operationId, check) => {
    const server = await startAccountServer({ faults: [fault] });
    try {
      const result = await run(server, scenario, operationId);
      expect(result.errors).toEqual([]);
      expect(result.warnings.map((v) => v.check)).toContain(check);
    } finally {
      await server.close();
    }
  });

  test('the table covers every check id the engine has', async () => {
    const { RESPONSE_CHECKS } = await import('../../src/checks/registry.ts');
    const { SCOPE_CHECKS } = await import('../../src/run/scenarios/scopes.ts');
    const { TENANT_CHECKS } = await import('../../src/run/scenarios/tenant.ts');
    const { PAGINATION_CHECKS } = await import('../../src/run/scenarios/pagination.ts');
    const { STATEFUL_CHECKS } = await import('../../src/run/scenarios/kyc-stateful.ts');
    const all = [...RESPONSE_CHECKS.map((c) => c.id), ...SCOPE_CHECKS, ...TENANT_CHECKS, ...PAGINATION_CHECKS, ...STATEFUL_CHECKS, 'auth-not-enforced', 'auth-token-not-validated', 'invalid-input-accepted', 'valid-input-rejected'];
    const proven = new Set([...CASES, ...WARNING_CASES].map((c) => c[3]));
    expect(all.filter((id) => !proven.has(id))).toEqual([]);
  });
});

describe('and stays silent on the conforming server', () => {
  let server: AccountServer;
  beforeAll(async () => {
    server = await startAccountServer();
  });
  afterAll(() => server.close());
  const scenarios = [...new Set(CASES.map(([, s, op]) => `${s}:${op}`))];
  test.each(scenarios)('%s', async (key) => {
    const [scenario, operationId] = key.split(':') as [Scenario, string];
    const result = await run(server, scenario, operationId);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });
});
