import { describe, expect, test } from 'vitest';
import { formatFailure } from '../../src/report/format.ts';
import { buildSpecModel, redactorFor } from '../../src/run/spec-model.ts';
import { alteredTokens, checkAuthentication, otherSchemes } from '../../src/run/scenarios/auth.ts';
import { FIXTURE_APIS } from '../fixtures/fixture-apis.ts';
import { FIXTURE_TOKENS, startAccountServer } from '../fixtures/account-server.ts';
import { recordedAccountRun } from './support/recorded.ts';

/**
 * Every form of a credential the credential probes send — the real token under another scheme, with its tail
 * changed, cut, extended, in the other case — is redacted wherever it could reach a report line: a header the
 * server echoes, a JSON body, a query string. No six characters of a real token survive, in any case.
 */
const windows = (token: string) => Array.from({ length: token.length - 5 }, (_, i) => token.slice(i, i + 6).toLowerCase());
/**
 * The labels and the curl variables name the token (`<redacted:pending>`, `$CONTRACT_TOKEN_FULL_A`), and a fixture
 * token may contain its own name: not a leak.
 */
const leaks = (text: string, token: string) =>
  windows(token).filter((w) =>
    text
      .replace(/<(redacted|altered):[^>]+>|CONTRACT_TOKEN_[A-Z0-9_]+/g, '')
      .toLowerCase()
      .includes(w),
  );

describe.each(FIXTURE_APIS.map((f) => [f.api, f] as const))('%s', (_api, fixture) => {
  const tokens = fixture.tokens as Array<{ name: string; token: string }>;
  test.each(tokens.map((t) => [t.name, t] as const))('every variant of %s is redacted, in a header, a body and a URL', async (_name, t) => {
    const spec = await buildSpecModel(fixture.spec);
    const redactor = redactorFor(tokens, spec);
    const variants = [...alteredTokens(t.token).map((v) => v.value), ...otherSchemes(t.token).map((v) => v.header), t.token];
    for (const v of variants) {
      for (const line of [
        `Authorization: ${v}`,
        JSON.stringify({ debug: { authorization: v, token: v } }),
        `https://api.example/x?key=${encodeURIComponent(v)}&k2=${v}`,
      ]) {
        expect(leaks(redactor.text(line), t.token), `${v} in ${line}`).toEqual([]);
      }
      expect(leaks(JSON.stringify(redactor.value({ [v]: [v] })), t.token)).toEqual([]);
    }
  });
});

test('an altered token is shown as altered, the real one by name, nothing else is touched', () => {
  const redactor = redactorFor(FIXTURE_TOKENS, { rules: { schemes: {}, scopeImplications: {}, productionHosts: [] } });
  const [changed] = alteredTokens('app_fixture_full_a_0001');
  expect(redactor.text(`Bearer ${changed!.value}`)).toBe('Bearer <altered:full-a>');
  expect(redactor.text('Bearer app_fixture_full_a_0001')).toBe('Bearer <redacted:full-a>');
  expect(redactor.text('{"domain":"mystore.salesive.shop","page":2}')).toBe('{"domain":"mystore.salesive.shop","page":2}');
});

test('against a server that accepts altered tokens and echoes what it got, no report line carries any form of a token', async () => {
  const server = await startAccountServer({ faults: ['auth-token-loose-match', 'auth-scheme-ignored', 'echo-token'] });
  try {
    const { spec, ctx, seen } = await recordedAccountRun(server.url);
    const op = spec.operations.find((o) => o.id === 'refreshKycStatus')!;
    const result = await checkAuthentication(ctx, op, 'variants');
    expect(result.errors.map((v) => v.check)).toContain('auth-token-not-validated');
    expect(seen()).toContain('<altered:');
    const text = seen() + JSON.stringify(result) + formatFailure(result, { env: [] });
    for (const t of FIXTURE_TOKENS) expect(leaks(text, t.token), t.name).toEqual([]);
  } finally {
    await server.close();
  }
});
