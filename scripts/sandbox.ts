/**
 * npm run sandbox -- [--port 8080] [--fault NAME …] — a local Account API for live mode: the conforming
 * fixture server from tests/fixtures, with any faults switched on. Writes sandbox.tokens.json for it.
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { FAULTS, FIXTURE_TOKENS, startAccountServer, type Fault } from '../tests/fixtures/account-server.ts';

const opts = new Command()
  .option('--port <n>', 'port on 127.0.0.1', '8080')
  .option('--fault <name...>', `faults to switch on: ${FAULTS.join(', ')}`, [])
  .parse()
  .opts<{ port: string; fault: string[] }>();
const unknown = opts.fault.filter((f) => !(FAULTS as readonly string[]).includes(f));
if (unknown.length) {
  console.error(`sandbox: unknown fault ${unknown.join(', ')} — one of ${FAULTS.join(', ')}`);
  process.exit(2);
}
const server = await startAccountServer({ port: Number(opts.port), faults: opts.fault as Fault[] });
writeFileSync('sandbox.tokens.json', JSON.stringify({ tokens: FIXTURE_TOKENS }, null, 2) + '\n');
console.log(`sandbox: Account API at ${server.url}${opts.fault.length ? ` with faults ${opts.fault.join(', ')}` : ' (conforming)'}`);
console.log(`sandbox: CONTRACT_BASE_URL=${server.url} CONTRACT_TOKENS_FILE=sandbox.tokens.json npm run contract`);
for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => void server.close().then(() => process.exit(0)));
