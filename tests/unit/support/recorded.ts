import type { RunContext } from '../../../src/run/context.ts';

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
