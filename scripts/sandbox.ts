/**
 * npm run sandbox -- [--api salesive|sumvin] [--docs] [--port 8080] [--fault NAME …] — a local API for live mode:
 * an API's conforming fixture server from tests/fixtures, with any faults switched on (or, with --docs, the
 * Account API written only from its doc pages). Writes sandbox.tokens.json for it and prints the command to run.
 */
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { scriptVoice } from '../src/base/errors.ts';
import { FIXTURE_SANDBOXES } from '../tests/fixtures/sandboxes.ts';

const program = new Command()
  .name('npm run sandbox --')
  .option('--api <name>', `which API: ${Object.keys(FIXTURE_SANDBOXES).join(', ')}`, 'salesive')
  .option('--docs', "the Account API as written from its doc pages only (its choices differ from the spec's guesses)")
  .option('--port <n>', 'port on 127.0.0.1', '8080')
  .option('--fault <name...>', 'faults to switch on (see --list)', [])
  .option('--list', 'list the faults of the API and exit')
  .exitOverride()
  .configureOutput({
    writeErr: (s) => process.stderr.write(s),
    // Commander's own refusals in this script's voice.
    outputError: scriptVoice('sandbox'),
  });

function fail(message: string): never {
  console.error(`sandbox: ${message}`);
  process.exit(2);
}

try {
  program.parse();
} catch {
  process.exit(2);
}
const opts = program.opts<{ api: string; docs?: boolean; port: string; fault: string[]; list?: boolean }>();
const sandbox = FIXTURE_SANDBOXES[opts.docs ? 'salesive-docs' : opts.api];
if (!sandbox)
  fail(
    `unknown API ${JSON.stringify(opts.api)} — one of ${Object.keys(FIXTURE_SANDBOXES)
      .filter((k) => !k.endsWith('-docs'))
      .join(', ')}`,
  );
if (opts.list) {
  console.log(sandbox.faults.join('\n'));
  process.exit(0);
}
const unknown = opts.fault.filter((f) => !sandbox.faults.includes(f));
if (unknown.length)
  fail(`unknown fault ${unknown.join(', ')} for ${opts.api} — one of ${sandbox.faults.join(', ') || '(none: this server injects no faults)'}`);
// Digits only: Number('') and Number(' ') are 0, which would listen on a random port instead of refusing.
const port = /^\d{1,5}$/.test(opts.port) ? Number(opts.port) : NaN;
if (!(port <= 65535)) fail(`--port: expected a port number (0 for any free port), got ${JSON.stringify(opts.port)} — e.g. --port 8080`);
// Refuse a taken port in one line, before the fixture binds it (a bind error would be a stack trace).
await new Promise<void>((resolve) => {
  const probe = createServer();
  probe.once('error', (e: NodeJS.ErrnoException) =>
    fail(
      e.code === 'EADDRINUSE'
        ? `port ${port} is in use on 127.0.0.1 — pick another with --port`
        : `cannot listen on 127.0.0.1:${port} — ${e.code ?? e.message}`,
    ),
  );
  probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
});
const server = await sandbox.start({ port, faults: opts.fault });
writeFileSync('sandbox.tokens.json', JSON.stringify({ tokens: sandbox.tokens }, null, 2) + '\n');
const api = opts.docs ? 'salesive' : opts.api;
console.log(
  `sandbox: ${api}${opts.docs ? ' (written from the docs only)' : ''} at ${server.url}${opts.fault.length ? ` with faults ${opts.fault.join(', ')}` : ' (conforming)'}`,
);
console.log(`sandbox: CONTRACT_BASE_URL=${server.url} CONTRACT_TOKENS_FILE=sandbox.tokens.json npm run contract -- --api ${api}`);
for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => void server.close().then(() => process.exit(0)));
