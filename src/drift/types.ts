import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { CannotRunError } from '../base/errors.ts';
import { generateTypes } from '../spec/generate.ts';

export interface TypeBreak {
  file: string;
  line: number;
  code: string;
  message: string;
}

export interface TypeDriftInput {
  /** The spec the code is written against today. */
  baseline: string;
  /** The candidate spec. */
  candidate: string;
  /** The user's code: absolute or cwd-relative .ts files. */
  files: string[];
  /** The module name the code imports the generated types from (spec/apis.json `typesAlias`). */
  alias: string;
}

/**
 * Does a candidate spec break code written against the current one? Generates both specs' types into a temporary
 * folder, type-checks the code with `alias` resolving to each in turn, and reports the diagnostics the candidate
 * adds: the lines that stop compiling. Errors the code already has against the baseline are not the spec's doing.
 */
export async function typeBreaks(input: TypeDriftInput): Promise<TypeBreak[]> {
  const dir = mkdtempSync(join(tmpdir(), 'contract-types-'));
  const [baseline, candidate] = [join(dir, 'baseline.ts'), join(dir, 'candidate.ts')];
  writeFileSync(baseline, await generateTypes(input.baseline));
  writeFileSync(candidate, await generateTypes(input.candidate));
  const files = input.files.map((f) => resolve(f));
  const key = (d: TypeBreak) => `${d.file}:${d.line}:${d.message}`;
  const before = new Set(diagnose(files, baseline, input.alias).map(key));
  return diagnose(files, candidate, input.alias).filter((d) => !before.has(key(d)));
}

/**
 * The .ts files a glob names (`src/**\/*.ts`, `app/api.ts`), through TypeScript's own file matcher — the one
 * `include` in a tsconfig uses. No match is an error: checking nothing must not read as "nothing breaks".
 */
export function consumerFiles(globs: readonly string[], cwd = process.cwd()): string[] {
  const out = new Set<string>();
  for (const glob of globs) {
    const absolute = isAbsolute(glob) ? glob : join(cwd, glob);
    const cut = absolute.search(/[*?[{]/);
    if (cut < 0) {
      if (ts.sys.fileExists(absolute)) out.add(absolute);
      else throw new CannotRunError(`--consumer: ${glob} does not exist`);
      continue;
    }
    const root = absolute.slice(0, absolute.lastIndexOf('/', cut) + 1) || '/';
    const found = ts.sys.readDirectory(root, ['.ts', '.tsx', '.mts', '.cts'], ['**/node_modules/**', '**/*.d.ts'], [relative(root, absolute)]);
    if (!found.length) throw new CannotRunError(`--consumer: ${glob} matches no .ts file (quote the glob so the shell does not expand it)`);
    for (const f of found) out.add(resolve(f));
  }
  return [...out].sort();
}

function diagnose(files: string[], typesFile: string, alias: string): TypeBreak[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    noUncheckedIndexedAccess: true,
    allowImportingTsExtensions: true,
    types: [],
    paths: { [alias]: [typesFile] },
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.includes(resolve(d.file.fileName)))
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return {
        file: relative(process.cwd(), d.file!.fileName),
        line: line + 1,
        code: d.file!.text.split('\n')[line]?.trim() ?? '',
        message: ts.flattenDiagnosticMessageText(d.messageText, ' ').split(' ').slice(0, 40).join(' '),
      };
    });
}
