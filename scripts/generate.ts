/**
 * npm run generate        — writes generated/<spec>.ts for every contract in spec/apis.json (or the spec given).
 * npm run generate:check  — fails when a committed file differs from what its spec produces now.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { knownApis } from '../src/config/apis.ts';
import { DEFAULT_SPEC } from '../src/config/env.ts';
import { EXIT, oneLine } from '../src/base/errors.ts';
import { generateTypes, outputFor } from '../src/spec/generate.ts';

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const given = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const registered = knownApis().map((a) => a.spec);
  const specs = given.length ? given : registered.length ? registered : [DEFAULT_SPEC];
  let stale = 0;
  for (const specPath of specs) {
    const out = outputFor(specPath);
    const fresh = await generateTypes(specPath);
    if (!check) {
      writeFileSync(out, fresh);
      console.log(`wrote ${out}`);
    } else if (!existsSync(out) || readFileSync(out, 'utf8') !== fresh) {
      console.error(`${out} is stale — run npm run generate`);
      stale++;
    } else console.log(`${out} is up to date with ${specPath}`);
  }
  return stale ? EXIT.violated : EXIT.holds;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(`generate: ${oneLine(error)}`);
      process.exit(EXIT.cannotRun);
    },
  );
}
