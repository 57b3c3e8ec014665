import { ESLint } from 'eslint';
import { describe, expect, test } from 'vitest';
import { ROOT } from './support/cli.ts';

/**
 * The layer rule of eslint.config.js, shown to fire and to stay silent: a rule that never fires would let the
 * layers rot while `npm test` stays green. Only the boundaries rules run here, without type information (a probe
 * file need not exist for them), on the project's own configuration.
 */
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parserOptions: { projectService: false, project: null } } }],
  ruleFilter: ({ ruleId }) => ruleId.startsWith('boundaries/'),
});

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layers: the data path runs one way', () => {
  test.each([
    ['src/spec/probe.ts', "import { Ledger } from '../run/ledger.ts';", 'spec must not import run'],
    ['src/client/probe.ts', "import { consoleSummary } from '../report/summary.ts';", 'client must not import report'],
    [
      'src/checks/probe.ts',
      "import { validRequests } from '../arbitraries/requests.ts';\nimport { Ledger } from '../run/ledger.ts';",
      'checks must not import run',
    ],
    ['src/run/probe.ts', "import { consoleSummary } from '../report/summary.ts';", 'run must not import report'],
    ['scripts/probe.ts', "import { cleanEnv } from '../tests/unit/support/cli.ts';", 'scripts must not import tests'],
    ['tests/fixtures/probe.ts', "import { program } from '../../scripts/contract.ts';", 'fixtures must not import scripts'],
  ])('%s: an import from a higher layer fires (%s)', async (file, code, expected) => {
    expect((await problems(file, code)).join('\n')).toContain(expected);
  });

  test.each([
    [
      'src/run/probe.ts',
      "import { validRequests } from '../arbitraries/requests.ts';\nimport { judge } from '../checks/registry.ts';\nimport { redactorFor } from '../base/redact.ts';",
    ],
    ['src/report/probe.ts', "import { Ledger } from '../run/ledger.ts';\nimport { loadSpec } from '../spec/load.ts';"],
    [
      'scripts/probe.ts',
      "import { startAccountServer } from '../tests/fixtures/account-server.ts';\nimport { consoleSummary } from '../src/report/summary.ts';",
    ],
    ['tests/unit/probe.ts', "import { program } from '../../scripts/contract.ts';"],
  ])('%s: imports from its own layer and below stay silent', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });

  test('a file outside every layer is refused: a new folder is placed before it can import anything', async () => {
    expect((await problems('src/elsewhere/probe.ts', "import { Ledger } from '../run/ledger.ts';")).join('\n')).toMatch(/boundaries\/no-unknown-files/);
  });
});
