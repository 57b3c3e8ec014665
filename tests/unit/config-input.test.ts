import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { knownApis } from '../../src/config/apis.ts';
import { applyEnvFile, parseEnvFile } from '../../src/config/dotenv.ts';
import { MAX_TIMER_MS, readSettings, SETTING_NAMES } from '../../src/config/env.ts';
import { jsonErrorOffset, parseConfigJson } from '../../src/config/json.ts';
import { validateTokens } from '../../src/config/tokens.ts';
import type { ContractRules } from '../../src/spec/rules.ts';
import { ROOT, runContract } from './support/cli.ts';
import { refusal } from './support/refusal.ts';

describe('CONTRACT_BASE_URL: the scheme, host, port and base path, nothing that could be a secret', () => {
  test('credentials in it are refused without being shown, pointing at the token matrix', () => {
    const line = refusal(() => readSettings({ CONTRACT_BASE_URL: 'http://admin:SuperSecretPw123@127.0.0.1:18081/api/v1' }));
    expect(line).toMatch(/^CONTRACT_BASE_URL: http:\/\/127\.0\.0\.1:18081\/api\/v1 carries a user name or password .*token matrix \(CONTRACT_TOKENS_FILE/);
    expect(line).not.toMatch(/SuperSecretPw123|admin/);
    expect(refusal(() => readSettings({ CONTRACT_BASE_URL: 'https://deploy@example.test/api' }))).not.toContain('deploy');
  });

  test.each([
    ['a query', 'http://127.0.0.1:18081/api/v1?api_key=QuerySecret987', /has a query string/],
    ['a bare ?', 'http://127.0.0.1:18081/api/v1?', /has a query string/],
    ['a fragment', 'http://127.0.0.1:18081/api/v1#QuerySecret987', /has a fragment/],
  ])('%s is refused without being shown', (_name, url, kind) => {
    const line = refusal(() => readSettings({ CONTRACT_BASE_URL: url }));
    expect(line).toMatch(kind);
    expect(line).toMatch(/^CONTRACT_BASE_URL: http:\/\/127\.0\.0\.1:18081\/api\/v1 has .*scheme, host, port and base path only.*token matrix/);
    expect(line).not.toContain('QuerySecret987');
  });

  test('a text that is not a URL is shown without what looks like user info or a query', () => {
    const line = refusal(() => readSettings({ CONTRACT_BASE_URL: 'http://admin:Pw123@127.0.0.1:99999/api?key=QuerySecret987' }));
    expect(line).toMatch(/is not a URL/);
    expect(line).not.toMatch(/Pw123|QuerySecret987/);
  });

  test('a plain base URL still passes', () => {
    expect(readSettings({ CONTRACT_BASE_URL: 'http://127.0.0.1:18081/api/v1/' }).baseUrl).toBe('http://127.0.0.1:18081/api/v1');
  });

  test('the CLI says so in one line and prints the password nowhere', async () => {
    const run = await runContract([], { CONTRACT_BASE_URL: 'http://admin:SuperSecretPw123@127.0.0.1:9/api/v1', CONTRACT_TOKENS: '' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^contract: CONTRACT_BASE_URL: .* carries a user name or password/)]);
    expect(run.out).not.toContain('SuperSecretPw123');
  });
});

describe('malformed JSON in the configuration: where, never what', () => {
  const secret = '{"tokens":[{"name":"x","token":app_supersecret_value_123}]}';

  test('a token matrix that is not JSON names the line and column, no slice of it', () => {
    const line = refusal(() => parseConfigJson(secret, 'CONTRACT_TOKENS'));
    expect(line).toBe('CONTRACT_TOKENS: not valid JSON at line 1, column 32 — fix it there (the text is not shown: it may hold a secret)');
    expect(line).not.toContain('app_');
  });

  test('a position is named for every malformed text: at the token V8 stops in, where V8 names one', () => {
    for (const text of ['{nope', '{"a":1,}', '{"a":1}x', '{"a":"x\ny"}', '{"a":1 "b":2}', '[1,2', '"abc', '{"a":01}', '{"a":"\\q"}']) {
      const v8 = /at position (\d+)/.exec(String(attempt(() => JSON.parse(text))));
      const at = jsonErrorOffset(text);
      expect(at, text).toBeTypeOf('number');
      // The start of the token that breaks it (a string, a word), which V8 names by its bad character.
      if (v8) expect(at, text).toBeLessThanOrEqual(Number(v8[1]));
      if (v8) expect(text.slice(at, Number(v8[1])), text).not.toMatch(/[\n,:{}[\]]/);
    }
    expect(jsonErrorOffset('  \n  {"a": tru}')).toBe(11);
    expect(jsonErrorOffset('{"a": [1, {"b": null}], "c": "\\u00e9"}')).toBeUndefined();
  });

  test('a line further down, and a text that ends early', () => {
    expect(refusal(() => parseConfigJson('{\n  "tokens": [\n    {"token": secret}\n  ]\n}', 'f'))).toMatch(/at line 3, column 15/);
    expect(refusal(() => parseConfigJson('{"tokens": [', 'f'))).toMatch(/\(it ends early, at line 1, column 13\)/);
    expect(refusal(() => parseConfigJson('', 'f'))).toMatch(/ends early, at line 1, column 1/);
  });

  test('so does a malformed spec/apis.json', () => {
    const root = mkdtempSync(join(tmpdir(), 'contract-apis-'));
    mkdirSync(join(root, 'spec'));
    writeFileSync(join(root, 'spec/apis.json'), '{"apis": {"x": {"spec": nope}}}');
    const line = refusal(() => knownApis(root));
    expect(line).toMatch(/^spec\/apis\.json: not valid JSON at line 1, column 25/);
    expect(line).not.toContain('nope');
  });

  test('the CLI prints none of a malformed CONTRACT_TOKENS', async () => {
    const run = await runContract([], { CONTRACT_BASE_URL: 'http://127.0.0.1:9/api/v1', CONTRACT_TOKENS: secret });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(/^contract: CONTRACT_TOKENS: not valid JSON at line 1, column 32/);
    expect(run.out).not.toContain('app_supers');
  });
});

describe('a token or value a header cannot carry is refused at load, by name', () => {
  const rules = { scopeImplications: {}, schemes: { AppToken: { kind: 'bearer' } }, productionHosts: [] } as unknown as ContractRules;
  const load = (entry: Record<string, unknown>) => refusal(() => validateTokens({ tokens: [{ name: 'full-a', ...entry }] }, 'CONTRACT_TOKENS', rules));

  test.each([
    ['a trailing newline', 'app_live_7d1e9\n', /token 'full-a' ends with a newline — remove it/],
    ['a trailing CRLF', 'app_live_7d1e9\r\n', /ends with a newline/],
    ['a leading space', ' app_live_7d1e9', /starts with a space/],
    ['a trailing tab', 'app_live_7d1e9\t', /ends with a tab/],
    ['a newline inside', 'app_live\n7d1e9', /contains a newline/],
    ['a control character', 'app_live\u00017d1e9', /contains a control character \(U\+0001\)/],
    ['a zero-width space', 'app_live\u200b7d1e9', /contains U\+200B, a character beyond Latin-1/],
  ])('%s', (_name, token, message) => {
    const line = load({ token });
    expect(line).toMatch(message);
    expect(line).not.toContain('7d1e9');
  });

  test('so is a known value with a newline; a value with inner spaces or accents is not', () => {
    expect(load({ token: 'app_live_7d1e9', values: { entityId: 'ent_42\n' } })).toMatch(/token 'full-a' has values\.entityId that ends with a newline/);
    const ok = validateTokens({ tokens: [{ name: 'a', token: 'app_live_7d1e9', values: { handle: 'José García', n: 3 } }] }, 'x', rules);
    expect(ok[0]!.values).toEqual({ handle: 'José García', n: 3 });
  });
});

describe('millisecond settings stop where Node’s timers do', () => {
  test.each([
    ['CONTRACT_TIMEOUT_MS', '3000000000', /^CONTRACT_TIMEOUT_MS: at most 2147483647 ms \(about 24\.8 days/],
    ['CONTRACT_PROGRESS', '3000000', /^CONTRACT_PROGRESS: at most 2147483 seconds \(about 24\.8 days/],
    ['CONTRACT_MAX_TIME', '1000h', /^CONTRACT_MAX_TIME: at most 596h \(about 24\.8 days/],
  ])('%s=%s is refused', (name, value, message) => {
    expect(refusal(() => readSettings({ [name]: value }))).toMatch(message);
  });

  test('the largest a timer holds still passes', () => {
    const settings = readSettings({ CONTRACT_TIMEOUT_MS: String(MAX_TIMER_MS), CONTRACT_PROGRESS: '2147483', CONTRACT_MAX_TIME: '596h' });
    expect(settings.timeoutMs).toBe(MAX_TIMER_MS);
    expect(settings.progressMs).toBe(2_147_483_000);
    expect(settings.maxTime!.ms).toBe(596 * 3_600_000);
  });
});

describe('env files are read strictly', () => {
  test('NAME=VALUE, export, comments, quotes (across lines too), set variables winning', () => {
    const text =
      '# settings\nexport CONTRACT_RUNS=7\nCONTRACT_SEED = 99 # fixed\n\nCONTRACT_SPEC="a b.yaml"\nCONTRACT_TOKENS=\'{\n "tokens": []\n}\'\nOTHER=x#y\n';
    expect(parseEnvFile(text, '.env')).toEqual([
      ['CONTRACT_RUNS', '7'],
      ['CONTRACT_SEED', '99'],
      ['CONTRACT_SPEC', 'a b.yaml'],
      ['CONTRACT_TOKENS', '{\n "tokens": []\n}'],
      ['OTHER', 'x#y'],
    ]);
    const file = join(mkdtempSync(join(tmpdir(), 'contract-dotenv-')), 'ci.env');
    writeFileSync(file, text);
    const env: NodeJS.ProcessEnv = { CONTRACT_SEED: '5', CONTRACT_SPEC: '' };
    applyEnvFile(file, env);
    expect(env).toMatchObject({ CONTRACT_RUNS: '7', CONTRACT_SEED: '5', CONTRACT_SPEC: '' });
  });

  test.each([
    [
      'a YAML-style line',
      'CONTRACT_RUNS=3\nCONTRACT_BASE_URL: http://127.0.0.1:8080/api/v1\n',
      /^\.env: line 2 is not NAME=VALUE — write each setting as NAME=VALUE/,
    ],
    ['a bare word', 'app_live_secret_value\n', /^\.env: line 1 is not NAME=VALUE/],
    ['an unclosed quote', 'CONTRACT_TOKENS="{\n', /^\.env: line 1 opens a quoted value that is never closed/],
    ['text after a quote', 'CONTRACT_SPEC="a.yaml" b.yaml\n', /^\.env: line 1 has text after the closing quote/],
    [
      'CONTRACT_BASEURL',
      'CONTRACT_BASEURL=http://x\n',
      /^\.env: line 1 sets CONTRACT_BASEURL, which the suite does not read — did you mean CONTRACT_BASE_URL\?/,
    ],
    ['CONTRACT_TOKEN_FILE', '\nCONTRACT_TOKEN_FILE=t.json\n', /^\.env: line 2 sets CONTRACT_TOKEN_FILE, .* did you mean CONTRACT_TOKENS_FILE\?/],
    ['a lower-case name', 'contract_runs=3\n', /sets contract_runs, .* did you mean CONTRACT_RUNS\?/],
  ])('%s is refused with its line number, never its text', (_name, text, message) => {
    const line = refusal(() => parseEnvFile(text, '.env'));
    expect(line).toMatch(message);
    expect(line).not.toMatch(/8080|app_live|=http/);
  });

  test('a curl line’s token variable is not a misspelt setting', () => {
    expect(parseEnvFile('CONTRACT_TOKEN_FULL_A=app_x\n', '.env')).toEqual([['CONTRACT_TOKEN_FULL_A', 'app_x']]);
  });

  test('a YAML-style env file stops the CLI instead of turning a live run into a mock run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contract-dotenv-'));
    writeFileSync(join(dir, 'live.env'), 'CONTRACT_BASE_URL: http://127.0.0.1:9/api/v1\n');
    const run = await runContract(['--dotenv', join(dir, 'live.env')]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(/^contract: .*live\.env: line 1 is not NAME=VALUE/);
  });

  test('--dotenv with no file name is refused', async () => {
    const run = await runContract(['--dotenv', '']);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(/^contract: --dotenv: no file named — give the env file's path/);
  });
});

describe('the known CONTRACT_* names are the ones the code reads', () => {
  const sources = ['src', 'scripts', 'bench', 'tests/contract'].flatMap((d) => files(join(ROOT, d)));
  sources.push(...['vitest.config.ts', 'vitest.contract.config.ts'].map((f) => join(ROOT, f)));
  // CONTRACT_TOKEN_<NAME> are the curl lines' variables, named after the tokens: not settings.
  const read = new Set(
    sources
      .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/['"`](CONTRACT_[A-Z0-9_]+)['"`]/g)].map((m) => m[1]!))
      .filter((n) => !n.startsWith('CONTRACT_TOKEN_')),
  );

  test('every name the code reads is known, and every known name is read', () => {
    expect([...read].filter((n) => !(SETTING_NAMES as readonly string[]).includes(n))).toEqual([]);
    expect(SETTING_NAMES.filter((n) => !read.has(n))).toEqual([]);
  });

  test('every name the README documents is known', () => {
    const documented = [...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/`(CONTRACT_[A-Z_]+)`/g)].map((m) => m[1]!);
    expect(documented.filter((n) => !(SETTING_NAMES as readonly string[]).includes(n) && !n.startsWith('CONTRACT_TOKEN_'))).toEqual([]);
  });
});

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

function attempt(f: () => unknown): unknown {
  try {
    return f();
  } catch (error) {
    return error;
  }
}
