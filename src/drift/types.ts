import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { generateTypes } from '../generate.ts';

export interface TypeBreak {
  file: string;
  line: number;
  code: string;
  message: string;
}

/**
 * Does a candidate spec break code written against the current one? Generates the candidate's types into a
 * temporary folder and type-checks the consumer sample against them (the module `contract-types` resolves
 * there), then reports the diagnostics the current types do not already produce: the lines that stop compiling.
 */
export async function typeBreaks(candidateSpec: string, consumerDir = 'tests/consumer', currentTypes = 'generated/salesive-account.ts'): Promise<TypeBreak[]> {
  const dir = mkdtempSync(join(tmpdir(), 'contract-types-'));
  const candidateTypes = join(dir, 'candidate.ts');
  writeFileSync(candidateTypes, await generateTypes(candidateSpec));
  const files = readdirSync(consumerDir).filter((f) => f.endsWith('.ts')).map((f) => resolve(consumerDir, f));
  const before = new Set(diagnose(files, resolve(currentTypes)).map((d) => `${d.file}:${d.line}:${d.message}`));
  return diagnose(files, candidateTypes).filter((d) => !before.has(`${d.file}:${d.line}:${d.message}`));
}

function diagnose(files: string[], typesFile: string): TypeBreak[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    noUncheckedIndexedAccess: true,
    types: [],
    paths: { 'contract-types': [typesFile] },
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
