// The embedded mock: Prism's own HTTP server, started the way `prism mock <spec> --errors false --cors false
// --verboseLevel warn` starts it, without two costs of its CLI that a contract run pays for nothing (1, 2), and with
// what the CLI cannot do (3, and ending with the run that started it, below).
//
// 1. After building its operations (one dereference of the whole document), the CLI dereferences the document a
//    second time, only to read one top-level key, `x-json-schema-faker`: on DigitalOcean's ~2,000 files that was
//    over a second of every mock run. Here the root file alone is parsed for that key, with the same parser; when
//    the key is there, Prism's own function applies it, second dereference and all.
// 2. yargs, and the chokidar watcher that restarts Prism when the file changes (a run never edits its spec).
// 3. With --served-from-parent, it serves only the operations its parent names (over the IPC channel; the parent
//    knows them once it has read the spec, by the time Prism has read it too): a shard's mock need not route every
//    request past the operations of the other shards (src/run/shard.ts servedOperations).
//
// Plain JavaScript, run by node directly (no TypeScript loader): this process is on the way to the first request.
// Usage: node prism-host.mjs <spec> <host> <port> [--served-from-parent]
import { createRequire } from 'node:module';

// Prism's packages as its CLI resolves them (the CLI's own dependencies, pinned by the lock file).
const prismCli = createRequire(import.meta.url).resolve('@stoplight/prism-cli/package.json');
const require = createRequire(prismCli);
const { createLogger } = require('@stoplight/prism-core');
const { getHttpOperationsFromSpec, resetJSONSchemaGenerator } = require('@stoplight/prism-http');
const { createServer } = require('@stoplight/prism-http-server');
const $RefParser = require('@stoplight/json-schema-ref-parser');

const [spec, host, port, served] = process.argv.slice(2);
// Started with an IPC channel to the run: when the run ends, however it ends (SIGKILL included, which leaves its exit
// hooks unrun), the channel closes and the mock ends with it.
process.on('disconnect', () => process.exit(0));
// Asked for once the document is read, not before: a message that arrives while this module still loads (ESM
// loading is asynchronous) is dropped for want of a listener. The answer `{ served: null }` means all of them.
const servedOnes = () =>
  served === '--served-from-parent'
    ? new Promise((resolve) => {
        process.once('message', (m) => resolve(m.served));
        process.send('served?');
      })
    : Promise.resolve(null);

// One line per log record, level first: what the run keeps to explain a failed start (src/targets/prism.ts) and
// what CONTRACT_MOCK_LOG collects. The CLI's own logger options, level `warn` as `--verboseLevel warn` sets it.
const out = {
  write(line) {
    try {
      const r = JSON.parse(line);
      const input = r.input ? ` ${r.input.method} ${r.input.url?.path ?? ''}` : '';
      process.stdout.write(`${r.level} [${r.name}]${input} ${r.msg}\n`);
    } catch {
      process.stdout.write(line);
    }
  },
};
const logger = createLogger('CLI', { customLevels: { start: 31 }, level: 'warn', formatters: { level: (level) => ({ level }) } }, out);

try {
  if (!spec || !host || !port) throw new Error('usage: prism-host.mjs <spec> <host> <port> [--served-from-parent]');
  const all = await getHttpOperationsFromSpec(spec);
  if (all.length === 0) throw new Error('No operations found in the current file.');
  const names = await servedOnes();
  const wanted = names && new Set(names);
  const operations = wanted ? all.filter((op) => wanted.has(`${op.method.toUpperCase()} ${op.path}`)) : all;
  if (wanted && operations.length !== wanted.size) throw new Error(`the spec has ${operations.length} of the ${wanted.size} operations to serve`);
  const root = await new $RefParser().parse(spec);
  if (root && typeof root === 'object' && 'x-json-schema-faker' in root) {
    const { configureExtensionsUserProvided } = require('@stoplight/prism-cli/dist/extensions');
    await configureExtensionsUserProvided(spec, {});
  } else resetJSONSchemaGenerator();
  const server = createServer(operations, {
    cors: false,
    config: {
      validateRequest: true,
      validateResponse: true,
      checkSecurity: true,
      errors: false,
      upstreamProxy: undefined,
      mock: { dynamic: false, ignoreExamples: false, seed: null },
      isProxy: false,
    },
    components: { logger: logger.child({ name: 'HTTP SERVER' }) },
  });
  const address = await server.listen(Number(port), host);
  process.stdout.write(`start [CLI] Prism is listening on ${address}\n`);
} catch (error) {
  // Prism's listen rejects with a string ("listen EADDRINUSE: …"): src/targets/prism.ts looks for EADDRINUSE to
  // try another port. Exit once the line is written: where pipes are asynchronous it would otherwise be lost.
  const message = error instanceof Error ? `${error.code ? `${error.code} ` : ''}${error.message}` : String(error);
  process.stderr.write(`fatal [CLI] ${message}\n`, () => process.exit(1));
}
