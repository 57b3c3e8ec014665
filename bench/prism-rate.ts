/**
 * How many requests per second the embedded mock serves, at a given log level and number in flight:
 *   npx tsx bench/prism-rate.ts [verboseLevel=warn] [requests=1000]
 * Prism logs every request at its default level (info); that logging is what `--verboseLevel warn` removes.
 */
import { createRequire } from 'node:module';
import { execa } from 'execa';
import { Agent, request } from 'undici';
import { freePort } from '../src/targets/prism.ts';
import { waitForMock } from '../src/targets/ready.ts';

const level = process.argv[2] ?? 'warn';
const n = Number(process.argv[3] ?? 1000);
const port = await freePort();
const cli = createRequire(import.meta.url).resolve('@stoplight/prism-cli/dist/index.js');
const prism = execa(process.execPath, [cli, 'mock', 'spec/salesive-account.yaml', '--port', String(port), '--errors', 'false', '--verboseLevel', level, '--cors', 'false'], { cleanup: true, reject: false, stdio: 'ignore' });
const url = `http://127.0.0.1:${port}`;
if (!(await waitForMock(url, 30_000))) throw new Error('Prism did not start');
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
          const r = await request(`${url}/kyc/status`, { dispatcher: agent, headers: { authorization: 'Bearer app_mock_full_access_token', prefer: 'example=pending' } });
          await r.body.text();
        }
      }),
    );
    rates[`${inFlight} in flight`] = Math.round(n / ((performance.now() - t) / 1000));
  }
}
prism.kill();
await agent.close();
console.log(JSON.stringify({ verboseLevel: level, requestsPerSecond: rates }));
