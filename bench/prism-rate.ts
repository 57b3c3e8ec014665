/**
 * How many requests per second the embedded mock serves, at a given log level and number in flight — the ceiling
 * a run on the mock cannot pass (it only asks; Prism answers):
 *   npx tsx bench/prism-rate.ts [verboseLevel=warn] [requests=1000] [spec] [path] [prefer] [header:value]
 * Prism logs every request at its default level (info); that logging is what `--verboseLevel warn` removes. At
 * `warn` the mock is started as a run starts it; at another level, through Prism's own CLI.
 * Its router tries every path of the spec on every request: a large spec lowers the ceiling (DigitalOcean's 408
 * operations), so the figure is taken on the spec the run uses, with its cheapest request (a GET, no inputs).
 */
import { Agent, request } from 'undici';
import { startPrism } from '../src/targets/prism.ts';
import { startPrismCli } from '../tests/fixtures/prism-cli.ts';

const level = process.argv[2] ?? 'warn';
const n = Number(process.argv[3] ?? 1000);
const spec = process.argv[4] ?? 'spec/salesive-account.yaml';
const path = process.argv[5] ?? '/kyc/status';
const prefer = process.argv[6] || (process.argv[5] ? undefined : 'example=pending');
// The credential where the spec's scheme wants it (default: a bearer token).
const [credentialHeader, credential] = (process.argv[7] ?? 'authorization:Bearer app_mock_full_access_token').split(/:(.*)/s) as [string, string];
// `warn`: the mock as a run starts it (src/targets/prism-host.mjs, which logs at warn). Another level: Prism's own
// CLI at that level, to see what logging costs.
const { baseUrl: url, stop } = level === 'warn' ? await startPrism(spec, { readyTimeoutMs: 60_000 }) : await startPrismCli(spec, level);
const agent = new Agent({ connections: 8 });
const rates: Record<string, number> = {};
for (const inFlight of [1, 4, 8]) {
  // Two passes: the first warms Prism's JIT, the second is the figure.
  for (let pass = 0; pass < 2; pass++) {
    let next = 0;
    const t = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next++ < n) {
          const r = await request(`${url}${path}`, { dispatcher: agent, headers: { [credentialHeader]: credential, ...(prefer ? { prefer } : {}) } });
          await r.body.text();
        }
      }),
    );
    rates[`${inFlight} in flight`] = Math.round(n / ((performance.now() - t) / 1000));
  }
}
await stop();
await agent.close();
console.log(JSON.stringify({ spec, path, verboseLevel: level, requestsPerSecond: rates }));
