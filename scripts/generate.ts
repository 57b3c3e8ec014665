/**
 * npm run generate        — writes generated/<spec>.ts from the spec with openapi-typescript.
 * npm run generate:check  — fails when the committed file differs from what the spec produces now.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { DEFAULT_SPEC } from '../src/config/env.ts';
import { EXIT, oneLine } from '../src/errors.ts';
import { generateTypes, outputFor } from '../src/generate.ts';

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const specPath = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? DEFAULT_SPEC;
  const out = outputFor(specPath);
  const fresh = await generateTypes(specPath);
  if (check) {
    if (!existsSync(out) || readFileSync(out, 'utf8') !== fresh) {
      console.error(`${out} is stale — run npm run generate`);
      return EXIT.violated;
    }
    console.log(`${out} is up to date with ${specPath}`);
    return EXIT.holds;
  }
  writeFileSync(out, fresh);
  console.log(`wrote ${out}`);
  return EXIT.holds;
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
