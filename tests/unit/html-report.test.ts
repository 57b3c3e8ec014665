import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunReport } from '../../src/report/aggregate.ts';
import { cellOf, htmlReport, type HtmlExtras } from '../../src/report/html.ts';
import { html } from '../../src/report/html-escape.ts';
import { replayOf, totals } from '../../src/report/summary.ts';
import type { ObservationTally } from '../../src/drift/observe.ts';
import { FIXTURE_TOKENS, startAccountServer } from '../fixtures/account-server.ts';
import { CHROMIUM_ARGS, findChromium } from './support/chromium.ts';
import { ROOT, runContract, tokensFile, type CliRun } from './support/cli.ts';

/**
 * reports/index.html from a real run: the Account fixture server breaking scopes and an enum, adding a field, and
 * echoing each request's token back in its body — so the page has failures to show and a secret to keep out.
 */
let run: CliRun;
let page: string;
let report: RunReport;
let drift: ObservationTally[];
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const server = await startAccountServer({ faults: ['echo-token', 'scope-ignored', 'enum-expired', 'extra-field'] });
  close = () => server.close();
  run = await runContract([], { CONTRACT_BASE_URL: server.url, CONTRACT_TOKENS_FILE: tokensFile(FIXTURE_TOKENS), CONTRACT_RUNS: '5', CONTRACT_SEED: '11' });
  page = run.file('index.html');
  report = run.report();
  drift = (JSON.parse(run.file('drift.json')) as { observations: ObservationTally[] }).observations;
}, 240_000);

afterAll(() => close?.());

const dom = (text: string) => parseHTML(text).document;
const all = (doc: Document, selector: string) => [...doc.querySelectorAll(selector)] as Element[];

describe('reports/index.html from a fixture run', () => {
  test('is written beside contract.json, says the verdict and the figures', () => {
    expect(run.status, run.out.slice(-2000)).toBe(1);
    expect(page.startsWith('<!doctype html>')).toBe(true);
    const doc = dom(page);
    expect(doc.querySelector('h1')?.textContent).toBe('the contract is violated');
    const facts = doc.querySelector('#figures')?.textContent ?? '';
    expect(facts).toMatch(/contract tests\s*\d+/);
    expect(facts).toMatch(/requests sent\s*[1-9]\d*/);
    const signOff = doc.querySelector('#sign-off')?.textContent ?? '';
    expect(signOff).toMatch(/spec sha256\s*[0-9a-f]{64}/);
    expect(signOff).toMatch(new RegExp(`seed\\s*${report.runSeed}\\b`));
    expect(signOff).toMatch(/salesive-account-contract \d+\.\d+\.\d+/);
  });

  test('the matrix has one cell per (check, operation), classed by its outcome, with why on hover', () => {
    const doc = dom(page);
    const cells = new Map(all(doc, 'table.matrix td.cell').map((td) => [`${td.getAttribute('data-check')}\u0000${td.getAttribute('data-operation')}`, td]));
    const checks = new Set(report.outcomes.map((o) => o.check));
    const operations = new Set(report.outcomes.map((o) => o.operation));
    expect(cells.size).toBe(checks.size * operations.size);
    for (const o of report.outcomes) {
      const td = cells.get(`${o.check}\u0000${o.operation}`)!;
      const want = cellOf(o, report.findings);
      expect(td.classList.contains(want.cls), `${o.check} · ${o.operation}`).toBe(true);
      if (o.status === 'not-applicable') expect(td.getAttribute('title')).toContain(o.reason);
    }
    expect(all(doc, 'td.cell.violated').length).toBe(report.outcomes.filter((o) => o.status === 'violated').length);
    expect(all(doc, 'td.cell.not-applicable').length).toBeGreaterThan(0);
    // Not applicable is never shown as passed.
    for (const td of all(doc, 'td.cell.not-applicable')) expect(td.textContent).not.toContain('✓');
  });

  test('each failing finding is there with its request, response, curl line and replay command', () => {
    const doc = dom(page);
    const failing = totals(report).failing;
    expect(failing.length).toBeGreaterThan(1);
    for (const f of failing) {
      const article = doc.getElementById(`f-${f.id}`);
      expect(article, f.id).not.toBeNull();
      const text = article!.textContent;
      expect(text).toContain(replayOf(report, f)!);
      expect(text).toContain(`npm run contract -- replay ${f.id}`);
      expect(article!.querySelector('pre.curl')?.textContent).toMatch(
        /^export CONTRACT_TOKEN_[A-Z_]+=[\s\S]*\ncurl -sS -X (GET|POST) "http:\/\/127\.0\.0\.1:\d+\//,
      );
      expect(article!.querySelector('pre.request')?.textContent).toContain(f.examples[0]!.request!.url);
      expect(article!.querySelector('pre.response')?.textContent).toContain(`HTTP ${f.examples[0]!.status}`);
    }
    // A violated cell leads to its finding.
    for (const a of all(doc, 'td.cell.violated a')) expect(doc.getElementById(a.getAttribute('href')!.slice(1))).not.toBeNull();
  });

  test('the live drift is there, with the token the server echoed shown redacted', () => {
    const text = dom(page).querySelector('#drift')!.textContent;
    expect(drift.length).toBeGreaterThan(0);
    expect(text).toContain('riskScore');
    expect(text).toContain('<redacted:full-a>');
  });

  test('no token value appears anywhere in the page (nor in base64)', () => {
    for (const t of FIXTURE_TOKENS) {
      expect(page).not.toContain(t.token);
      expect(page).not.toContain(Buffer.from(t.token).toString('base64').replace(/=+$/, ''));
    }
  });

  test('references nothing outside the file: no script, no src, only #links, a CSP that forbids loading', () => {
    const doc = dom(page);
    expect(all(doc, 'script, link, img, iframe, object, embed, video, audio, source, base, form')).toEqual([]);
    expect(all(doc, '[src]')).toEqual([]);
    for (const a of all(doc, '[href]')) expect(a.getAttribute('href')).toMatch(/^#/);
    const css = all(doc, 'style')
      .map((s) => s.textContent)
      .join('\n');
    expect(css).not.toMatch(/url\(|@import/);
    expect(doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content')).toMatch(/^default-src 'none';/);
    // Addresses appear only as shown text (the request, curl and replay lines), never as something to load.
    expect(page).toMatch(/http:\/\/127\.0\.0\.1/);
  });
});

describe('a server-sent string never becomes markup', () => {
  const HOSTILE = `</pre></td><script>alert(1)</script><img src=x onerror=alert(2)><a href="https://evil.example/">"'&amp;`;
  // Every string a server or a spec can put in a report, poisoned; the enum-like fields the page switches on kept.
  const KEEP = new Set(['verdict', 'status', 'severity', 'basis', 'kind']);
  const poison = <T>(v: T, key = ''): T => {
    if (typeof v === 'string') return (KEEP.has(key) ? v : `${v}${HOSTILE}`) as T;
    if (Array.isArray(v)) return v.map((x) => poison(x, key)) as T;
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, poison(x, k)])) as T;
    return v;
  };
  const extras = (): HtmlExtras => ({ tool: { name: 'suite', version: '1.0.0' }, figures: { tests: 1, cases: 1 }, drift: poison(drift) });

  test('a report whose every string holds <script> renders it as text', () => {
    const hostile = poison(report);
    const text = htmlReport({ ...hostile, errors: [HOSTILE], gaps: [HOSTILE] }, extras());
    const doc = dom(text);
    expect(text).not.toMatch(/<script|<img|<a href="https/i);
    expect(all(doc, 'script, img, iframe')).toEqual([]);
    for (const el of all(doc, '*')) for (const name of el.getAttributeNames()) expect(name).not.toMatch(/^on/i);
    for (const a of all(doc, '[href]')) expect(a.getAttribute('href')).toMatch(/^#/);
    expect(doc.body.textContent).toContain('<script>alert(1)</script>');
  });

  test.each([
    ['text', { given: html`<p>${'<b>&"\''}</p>`.text, want: '<p>&lt;b&gt;&amp;&quot;&#39;</p>' }],
    ['attribute', { given: html`<td title="${'" onclick="x'}">`.text, want: '<td title="&quot; onclick=&quot;x">' }],
    [
      'nested markup kept, its values escaped',
      { given: html`<ul>${['<a>', 'b'].map((s) => html`<li>${s}</li>`)}</ul>`.text, want: '<ul><li>&lt;a&gt;</li><li>b</li></ul>' },
    ],
    ['nothing for null, undefined, false', { given: html`${null}${undefined}${false}${0}`.text, want: '0' }],
  ])('html tag: %s', (_name, { given, want }) => expect(given).toBe(want));
});

describe('cells', () => {
  test('a violated cell whose every finding is in the baseline reads as known, and its finding moves to Known', () => {
    const f = report.findings.find((x) => x.check === 'enum-value-undocumented')!;
    const known = { ...report, findings: report.findings.map((x) => (x.id === f.id ? { ...x, known: true } : x)) };
    const o = report.outcomes.find((x) => x.check === f.check && x.operation === f.operation)!;
    expect(cellOf(o, known.findings).cls).toBe('known');
    const doc = dom(htmlReport(known, { tool: { name: 'suite', version: '1' }, figures: { tests: 1, cases: 1 }, drift: [] }));
    expect(doc.querySelector('#known')?.querySelector(`#f-${f.id}`)).not.toBeNull();
    expect(doc.querySelector('#findings')?.querySelector(`#f-${f.id}`) ?? null).toBeNull();
  });

  test.each([
    ['passed', { status: 'passed', want: 'passed' }],
    ['not applicable, with its reason', { status: 'not-applicable', reason: 'no enum in any documented response', want: 'not-applicable' }],
    ['not reached', { status: 'not-reached', reason: 'the request budget was spent', want: 'not-reached' }],
    ['inferred', { status: 'inferred', want: 'inferred' }],
    ['warned', { status: 'warned', want: 'warned' }],
  ] as const)('%s', (_name, { status, want, ...rest }) => {
    const cell = cellOf({ check: 'c', operation: 'GET /x', status, evaluated: 0, warnings: 0, inferences: 0, ...rest }, []);
    expect(cell.cls).toBe(want);
    if ('reason' in rest) expect(cell.why).toContain(rest.reason);
  });

  test('no outcome: no such check for the operation', () => expect(cellOf(undefined, []).cls).toBe('none'));
});

describe('as a person sees it', () => {
  const chromium = findChromium();

  test('headless Chromium shows the matrix and a failure; a screenshot is saved in reports/', async (t) => {
    if ('why' in chromium) {
      console.warn(`skipped: ${chromium.why}`);
      t.skip(chromium.why);
      return;
    }
    const { chromium: driver } = await import('playwright-core');
    const browser = await driver.launch({ executablePath: chromium.path, args: CHROMIUM_ARGS, timeout: 60_000 });
    try {
      const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      tab.setDefaultTimeout(30_000);
      const loaded: string[] = [];
      tab.on('request', (r) => loaded.push(r.url()));
      await tab.goto(`file://${join(run.reports, 'index.html')}`);
      const matrix = tab.locator('table.matrix');
      expect(await matrix.isVisible()).toBe(true);
      const box = (await matrix.boundingBox())!;
      expect(box.width).toBeGreaterThan(300);
      expect(box.height).toBeGreaterThan(300);
      // A failing cell is red, and clicking it brings its finding into view.
      const cell = tab.locator('td.cell.violated').first();
      expect(await cell.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(180, 35, 24)');
      await cell.locator('a').click();
      const finding = tab.locator('article.finding:target');
      expect(await finding.isVisible()).toBe(true);
      expect(await finding.locator('pre.replay').textContent()).toContain('npm run contract -- replay');
      const shown = (await finding.boundingBox())!;
      expect(shown.y).toBeGreaterThanOrEqual(-1);
      expect(shown.y).toBeLessThan(1000);
      // A not-applicable cell says why on hover.
      const na = tab.locator('td.cell.not-applicable').first();
      await na.hover();
      expect(await na.locator('.tip').isVisible()).toBe(true);
      expect(await na.locator('.tip').textContent()).toMatch(/^not applicable: \S/);
      // Nothing but the file itself was loaded.
      expect(loaded.filter((u) => !u.startsWith('file://'))).toEqual([]);
      await tab.mouse.move(0, 0);
      await tab.evaluate(() => window.scrollTo(0, 0));
      mkdirSync(join(ROOT, 'reports'), { recursive: true });
      await tab.screenshot({ path: join(ROOT, 'reports', 'index.png'), fullPage: true });
      expect(
        readFileSync(join(ROOT, 'reports', 'index.png'))
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
    } finally {
      await browser.close();
    }
  }, 120_000);
});
