import { accessSync, constants } from 'node:fs';

/**
 * The Chromium this machine has, if any: CONTRACT_CHROMIUM (a path, or `off`), else Debian's package (`apt-get install chromium`,
 * which .ci/run tries). Playwright is only the driver (playwright-core downloads no browser); without a Chromium
 * the browser test is skipped with this reason, and the page's structure is still tested without one.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): { path: string } | { why: string } {
  if (env['CONTRACT_CHROMIUM'] === 'off') return { why: 'CONTRACT_CHROMIUM=off' };
  const candidates = [env['CONTRACT_CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return { path };
    } catch {
      // not this one
    }
  }
  return { why: `no Chromium at ${candidates.join(', ')} — apt-get install -y chromium (or set CONTRACT_CHROMIUM) to render the report in a browser` };
}

/**
 * Flags for a headless Chromium on a machine without network: nothing phones home, no GPU, no sandbox (CI runs as
 * root). Playwright gives each launch a fresh, empty user-data-dir of its own.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
