import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
/** What `npm run contract` runs. */
export const CONTRACT = join(ROOT, 'scripts/contract.mjs');

export interface CliRun {
  status: number | null;
  out: string;
  stdout: string;
  stderr: string;
  reports: string;
  report: () => any;
  file: (name: string) => string;
}

/** The environment a test run starts from: nothing of the developer's own settings leaks in. */
export const CLEAN_ENV = {
  CONTRACT_BASE_URL: '',
  CONTRACT_TOKENS: '',
  CONTRACT_TOKENS_FILE: '',
  CONTRACT_SPEC: '',
  CONTRACT_API: '',
  CONTRACT_SEED: '',
  CONTRACT_INFERRED: '',
  CONTRACT_BASELINE: '',
  CONTRACT_ONLY: '',
  CONTRACT_PATH: '',
  CONTRACT_ENV_FILE: '',
  CONTRACT_MAX_TIME: '',
  CONTRACT_DEEP: '',
  CONTRACT_DEADLINE: '',
  CONTRACT_WRITE_PROBES: '',
};

/**
 * This process's environment without any CONTRACT_* variable: the run under test must not inherit what the test
 * run itself set (its seed, deadline, the mock it announced, a spec bundle handed to its workers).
 */
export function cleanEnv(): NodeJS.ProcessEnv {
  return { ...inherited(), ...CLEAN_ENV };
}

function inherited(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CONTRACT_')));
}

/** Runs `npm run contract` (its launcher) as a user would, with a clean environment, reports in a temp dir. */
export function runContract(args: string[], env: Record<string, string> = {}, cwd = ROOT): Promise<CliRun> {
  const reports = args.includes('--reports') ? args[args.indexOf('--reports') + 1]! : mkdtempSync(join(tmpdir(), 'contract-reports-'));
  const argv = args.includes('--reports') ? args : [...args, '--reports', reports];
  return new Promise((done) => {
    const child = spawn(process.execPath, [CONTRACT, ...argv], { cwd, env: { ...cleanEnv(), ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) =>
      done({
        status,
        stdout,
        stderr,
        out: stdout + stderr,
        reports,
        report: () => JSON.parse(readFileSync(join(reports, 'contract.json'), 'utf8')),
        file: (name) => readFileSync(join(reports, name), 'utf8'),
      }),
    );
  });
}

/** A token matrix written to a file, as a user keeps one. */
export function tokensFile(tokens: unknown[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'contract-tokens-')), 'tokens.json');
  writeFileSync(file, JSON.stringify({ tokens }, null, 2));
  return file;
}
