import { readSettings } from '../../../src/config/env.ts';
import type { SpecModel } from '../../../src/checks/types.ts';
import { createContext, type RunContext } from '../../../src/run/context.ts';
import { buildSpecModel } from '../../../src/run/spec-model.ts';
import { FIXTURE_TOKENS } from '../../fixtures/account-server.ts';

/** Every exchange the context's transport captures from now on, as the JSON a report could carry. */
export function recordExchanges(ctx: RunContext): () => string {
  let seen = '';
  const original = ctx.transport.send.bind(ctx.transport);
  ctx.transport.send = async (...args) => {
    const exchange = await original(...args);
    seen += JSON.stringify(exchange);
    return exchange;
  };
  return () => seen;
}

/**
 * A live run of the Account spec against a fixture server at `baseUrl` (the fixture tokens, 5 runs, seed 7), and
 * every exchange it captures, recorded: what the secrets tests look through for any form of a token.
 */
export async function recordedAccountRun(baseUrl: string): Promise<{ spec: SpecModel; ctx: RunContext; seen: () => string }> {
  const spec = await buildSpecModel('spec/salesive-account.yaml');
  const ctx = createContext({ spec, target: { kind: 'live', baseUrl }, settings: { ...readSettings({}), runs: 5 }, runSeed: 7, tokens: FIXTURE_TOKENS });
  return { spec, ctx, seen: recordExchanges(ctx) };
}
