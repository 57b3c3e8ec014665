import type { SentRequest } from '../client/exchange.ts';
import type { Violation } from '../checks/types.ts';
import { shellWord } from '../config/replay.ts';
import type { TokenSource } from '../config/tokens.ts';
import { HEADINGS, type ObservationKind, type ObservationTally } from '../drift/observe.ts';
import type { Finding } from '../run/findings.ts';
import type { Outcome } from '../run/ledger.ts';
import type { RunReport } from './aggregate.ts';
import { curlLine, tokenExport, tokensIn } from './format.ts';
import { html, type Html } from './html-escape.ts';
import { PAGE_CSS } from './html-style.ts';
import { checkRows, NOT_REJUDGED, replayOf, totals } from './summary.ts';

/** What the page says beyond the RunReport: facts the reporter gathers from files and from the run. */
export interface HtmlExtras {
  /** The suite that ran (package.json). */
  tool: { name: string; version: string };
  /** sha256 of the spec file's bytes: which contract exactly was checked. */
  specSha256?: string;
  /** The upstream snapshot beside the spec (spec/upstream/<api>/manifest.json): when its pages were last fetched. */
  upstream?: { manifest: string; fetchedAt: string; files: number };
  /** Contract tests run, property cases generated, requests sent (when the tests counted them). */
  figures: { tests: number; cases: number; requests?: number };
  /** The live drift observations, as reports/drift.json holds them (already redacted). */
  drift: readonly ObservationTally[];
  /** Where the token matrix lives, for the lines that set a curl line's token variable (never a value). */
  tokenSource?: TokenSource;
}

/** How a matrix cell reads: its outcome, or `known` (violated, every finding in the baseline), or `none` (no such check there). */
export type CellClass = Outcome['status'] | 'known' | 'none';

const CELL: Record<CellClass, { symbol: string; label: string }> = {
  passed: { symbol: '✓', label: 'passed' },
  warned: { symbol: '!', label: 'warning (tolerated)' },
  violated: { symbol: '✗', label: 'violated' },
  inferred: { symbol: '?', label: 'unconfirmed inference' },
  known: { symbol: '○', label: 'known (in the baseline)' },
  'not-applicable': { symbol: '–', label: 'not applicable' },
  'not-reached': { symbol: '…', label: 'not reached' },
  none: { symbol: '', label: 'not a check of this operation' },
};

const VERDICT = {
  holds: 'the contract holds',
  violated: 'the contract is violated',
  incomplete: 'INCOMPLETE — not fully checked',
  'cannot-run': 'the run could not be made',
} as const;

/** Long server text stays readable: the page shows the start, the JSON report keeps the rest. */
const clip = (s: string, max = 1500) => (s.length > max ? `${s.slice(0, max)}… (${s.length - max} more characters in contract.json)` : s);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Operations by path, then method; flows (not a method and a path) after them. */
function operationOrder(a: string, b: string): number {
  const split = (k: string): [number, string, string] => (/^[A-Z]+ \//.test(k) ? [0, k.slice(k.indexOf(' ') + 1), k] : [1, k, k]);
  const [x, y] = [split(a), split(b)];
  return x[0] - y[0] || x[1].localeCompare(y[1]) || x[2].localeCompare(y[2]);
}

/** A cell of the matrix: its class, and what a reader sees on hover or focus. */
export function cellOf(o: Outcome | undefined, findings: readonly Finding[]): { cls: CellClass; why: string; finding?: string } {
  if (!o) return { cls: 'none', why: CELL.none.label };
  const mine = findings.filter((f) => f.check === o.check && f.operation === o.operation);
  const judged = `${plural(o.evaluated, 'exchange')} judged`;
  switch (o.status) {
    case 'violated': {
      const errors = mine.filter((f) => f.severity === 'error');
      const failing = errors.filter((f) => !f.known);
      const known = !failing.length && errors.some((f) => f.known);
      const first = (known ? errors : failing)[0];
      return { cls: known ? 'known' : 'violated', why: `${CELL[known ? 'known' : 'violated'].label} — ${judged}`, ...(first ? { finding: first.id } : {}) };
    }
    case 'inferred':
    case 'warned': {
      const first = mine.find((f) => f.severity === (o.status === 'inferred' ? 'inference' : 'warning'));
      return { cls: o.status, why: `${CELL[o.status].label} — ${judged}`, ...(first ? { finding: first.id } : {}) };
    }
    case 'passed':
      return { cls: 'passed', why: `passed — ${judged}` };
    default:
      return { cls: o.status, why: `${CELL[o.status].label}: ${o.reason ?? 'nothing to judge'}` };
  }
}

function matrix(report: RunReport): Html {
  const operations = [...new Set(report.outcomes.map((o) => o.operation))].sort(operationOrder);
  const byKey = new Map(report.outcomes.map((o) => [`${o.check}\u0000${o.operation}`, o]));
  const rows = checkRows(report.outcomes, report.findings);
  const counts = new Map<CellClass, number>();
  const body = rows.map((r) => {
    const cells = operations.map((op) => {
      const c = cellOf(byKey.get(`${r.check}\u0000${op}`), report.findings);
      counts.set(c.cls, (counts.get(c.cls) ?? 0) + 1);
      const symbol = c.finding ? html`<a href="#f-${c.finding}">${CELL[c.cls].symbol}</a>` : CELL[c.cls].symbol;
      return html`<td class="cell ${c.cls}" data-check="${r.check}" data-operation="${op}" title="${c.why}"${c.cls === 'none' ? '' : html` tabindex="0"`}>${symbol}<span class="tip">${c.why}</span></td>`;
    });
    return html`<tr><th scope="row"><code>${r.check}</code></th>${cells}</tr>`;
  });
  const legend = (Object.keys(CELL) as CellClass[])
    .filter((k) => k !== 'none')
    .map((k) => html`<li><span class="cell ${k}">${CELL[k].symbol}</span> ${CELL[k].label} <small>(${counts.get(k) ?? 0})</small></li>`);
  // Checks that could judge nothing anywhere, by reason: the hover text in a list a printout keeps.
  const idle = new Map<string, string[]>();
  for (const r of rows.filter((x) => x.passed + x.warned + x.violated + x.inferred + x.notReached === 0)) {
    const why = [...r.reasons][0] ?? 'nothing to judge';
    idle.set(why, [...(idle.get(why) ?? []), r.check]);
  }
  return html`<section id="matrix"><h2>Checks × operations</h2>
<ul class="legend">${legend}</ul>
<p class="hint">Hover over or focus (click, Tab) a cell for why; a ✗ leads to its finding. Not applicable is never counted as passed.</p>
<div class="scroll"><table class="matrix"><thead><tr><th>check</th>${operations.map((op) => html`<th scope="col" class="op"><span>${op}</span></th>`)}</tr></thead>
<tbody>${body}</tbody></table></div>
${idle.size ? html`<h3>Not applicable anywhere in this run</h3><ul class="reasons">${[...idle].map(([why, checks]) => html`<li>${checks.map((c, i) => html`${i ? ', ' : ''}<code>${c}</code>`)} — ${why}</li>`)}</ul>` : ''}
</section>`;
}

function requestText(r: SentRequest): string {
  const lines = [`${r.method} ${r.url}`, ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`)];
  if (r.body !== undefined) lines.push('', JSON.stringify(r.body, null, 2));
  return lines.join('\n');
}

/** The part of the response the check judged: status, where, what was there (the report keeps no whole body). */
function responseText(v: Violation): string {
  const status = v.status !== undefined ? `HTTP ${v.status}` : 'no response';
  return v.actual === status ? status : `${status}${v.location ? ` · at ${v.location}` : ''} · received ${clip(v.actual)}`;
}

function findingBlock(report: RunReport, f: Finding, source: TokenSource | undefined): Html {
  const ex = f.examples[0];
  const replay = replayOf(report, f);
  const kind = f.known ? 'known' : f.severity;
  const label = f.known ? 'known' : f.severity === 'error' ? 'violation' : f.severity === 'inference' ? 'unconfirmed inference' : 'warning';
  const curl = ex?.request ? [...tokensIn(ex.request).map((t) => tokenExport(t, source)), curlLine(ex.request)].join('\n') : undefined;
  const row = (name: string, value: string | undefined, cls: string) =>
    value === undefined ? '' : html`<dt>${name}</dt><dd><pre class="${cls}">${value}</pre></dd>`;
  return html`<article class="finding ${kind}" id="f-${f.id}">
<h3><span class="badge ${kind}">${label}</span> <code>${f.check}</code> · ${f.operation}</h3>
<p class="meta">${f.statuses.length ? `HTTP ${f.statuses.join(', ')} · ` : ''}${f.location ? html`at <code>${f.location}</code> · ` : ''}${plural(f.count, 'occurrence')}${f.tokens.length ? ` · tokens ${f.tokens.join(', ')}` : ''} · ${f.basis} · id <code>${f.id}</code></p>
<dl class="ev">${row('expected', ex && clip(ex.expected), 'expected')}${row('response', ex && responseText(ex), 'response')}${f.inferred ? row('inferred', `${f.inferred.reason} (x-inferred at ${f.inferred.marking})`, 'inferred') : ''}${row('request', ex?.request && requestText(ex.request), 'request')}${row('curl', curl, 'curl')}${row('replay', replay && `${replay}\nnpm run contract -- replay ${f.id}`, 'replay')}</dl>
</article>`;
}

function findingTable(list: readonly Finding[], withGuess: boolean): Html {
  const head = withGuess ? html`<th>the guess (x-inferred)</th><th>marking</th>` : html`<th>expected</th><th>received</th>`;
  const rows = list.map((f) => {
    const ex = f.examples[0];
    const detail = withGuess
      ? html`<td>${f.inferred?.reason ?? ''}</td><td><code>${f.inferred?.marking ?? ''}</code></td>`
      : html`<td>${clip(ex?.expected ?? '', 300)}</td><td>${clip(ex?.actual ?? '', 300)}</td>`;
    return html`<tr id="f-${f.id}"><td><code>${f.check}</code></td><td>${f.operation}</td><td><code>${f.location || '(response)'}</code></td>${detail}<td class="n">${f.count}</td></tr>`;
  });
  return html`<div class="scroll"><table class="list"><thead><tr><th>check</th><th>operation</th><th>where</th>${head}<th>seen</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function driftSection(drift: readonly ObservationTally[]): Html {
  // RFC 3339 timestamps are what the specs expect: listed, but not counted as something the server does beyond them.
  const surprising = drift.filter((t) => !(t.kind === 'timestamp-format' && t.value === 'rfc3339'));
  const order = Object.keys(HEADINGS) as ObservationKind[];
  const sorted = [...drift].sort(
    (a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || operationOrder(a.operation, b.operation) || a.location.localeCompare(b.location),
  );
  const row = (t: ObservationTally) =>
    html`<tr class="${surprising.includes(t) ? 'drift' : ''}"><td>${HEADINGS[t.kind]}</td><td>${t.operation}</td><td><code>${t.location || '(response)'}</code></td><td><code>${t.value}</code></td><td class="n">${t.count}</td><td><code>${clip(JSON.stringify(t.example.value) ?? 'absent', 120)}</code></td></tr>`;
  const byKind = order.map((k) => [k, surprising.filter((t) => t.kind === k).length] as const).filter(([, n]) => n);
  return html`<section id="drift"><h2>Live drift</h2>
<p>${surprising.length ? `${plural(surprising.length, 'thing')} the server did that the spec does not say` : 'The server did nothing the spec does not say'}${byKind.length ? html`: ${byKind.map(([k, n], i) => html`${i ? ', ' : ''}${n} ${HEADINGS[k]}`)}` : ''}. <small>(drift.json and drift.md, beside this page)</small></p>
${drift.length ? html`<div class="scroll"><table class="list"><thead><tr><th>observed</th><th>operation</th><th>where</th><th>seen</th><th>count</th><th>example</th></tr></thead><tbody>${sorted.map(row)}</tbody></table></div>` : ''}
</section>`;
}

function facts(report: RunReport, extras: HtmlExtras): Html {
  const t = totals(report);
  const { figures } = extras;
  const rerun = `${report.replay.env.map(([k, v]) => `${k}=${shellWord(v)}`).join(' ')} npm run contract`;
  const dl = (pairs: Array<[string, Html | string | number | undefined]>) =>
    html`<dl class="facts">${pairs.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
  return html`<div class="columns"><section id="figures"><h2>The run</h2>${dl([
    ['verdict', html`<strong>${report.verdict}</strong> — ${report.because}`],
    ['contract tests', `${figures.tests}${report.skipped.length ? ` (${report.skipped.length} skipped: nothing to judge)` : ''}`],
    ['property cases', figures.cases],
    ['requests sent', figures.requests],
    ['time', `${(report.durationMs / 1000).toFixed(1)} s`],
    [
      'findings',
      `${plural(t.failing.length, 'finding')} failing (${plural(t.occurrences, 'occurrence')}), ${t.known.length} known, ${t.inferred.length} unconfirmed inference(s), ${t.warnings.length} warning(s)`,
    ],
  ])}</section>
<section id="sign-off"><h2>For a release sign-off</h2>${dl([
    ['spec', html`<code>${report.spec}</code>`],
    ['spec sha256', extras.specSha256 ? html`<code>${extras.specSha256}</code>` : 'unreadable'],
    [
      'upstream snapshot',
      extras.upstream
        ? html`pages fetched ${extras.upstream.fetchedAt} <small>(${plural(extras.upstream.files, 'file')}, <code>${extras.upstream.manifest}</code>)</small>`
        : 'no manifest beside this spec (npm run upstream -- pull writes one)',
    ],
    ['target', `${report.target.kind} ${report.target.baseUrl}`],
    ['seed', html`<code>${report.runSeed}</code> · ${report.runs} runs per property`],
    ['policies', `inferred findings: ${report.policy.inferred} · nullable: ${report.policy.nullable}`],
    [
      'baseline',
      report.baseline
        ? `${report.baseline.file} (${report.baseline.known} known, ${report.baseline.fixed.length} fixed, ${report.baseline.notJudged.length} not re-judged)`
        : 'none',
    ],
    ['started', report.startedAt],
    ['tool', `${extras.tool.name} ${extras.tool.version} · report version ${report.reportVersion}`],
    ['run it again', html`<pre class="replay">${rerun}</pre>`],
  ])}</section></div>`;
}

function notJudged(report: RunReport): Html {
  const parts: Html[] = [];
  if (report.errors.length) parts.push(html`<h3>Could not run</h3><ul>${report.errors.map((e) => html`<li>${e}</li>`)}</ul>`);
  if (report.cutShort.length)
    parts.push(
      html`<h3>Request budget spent — raise CONTRACT_MAX_REQUESTS</h3><ul>${report.cutShort.map((c) => html`<li>${c.test} (${c.unsent} not sent)</li>`)}</ul>`,
    );
  if (report.gaps.length)
    parts.push(html`<h3>Could not generate — requests not sent, so not judged</h3><ul>${report.gaps.map((g) => html`<li>${g}</li>`)}</ul>`);
  if (report.skipped.length) parts.push(html`<h3>Skipped — nothing to judge</h3><ul>${report.skipped.map((s) => html`<li>${s.test}: ${s.reason}</li>`)}</ul>`);
  if (report.rateLimited) parts.push(html`<p>${report.rateLimited} answer(s) of 429 were waited out and retried — not violations.</p>`);
  return parts.length ? html`<section id="not-judged"><h2>Not judged</h2>${parts}</section>` : html``;
}

/**
 * reports/index.html: the run as a person reads it — one self-contained file (inline CSS, no script, a CSP that
 * forbids fetching anything), built from the same RunReport as every other report. Pure: the same report and
 * extras give the same page. Every value is escaped by the `html` tag: a server's text is never markup.
 */
export function htmlReport(report: RunReport, extras: HtmlExtras): string {
  const t = totals(report);
  const source = extras.tokenSource;
  const section = (id: string, title: string, list: readonly Finding[], body: Html, open = true) =>
    list.length
      ? html`<section id="${id}"><details${open ? html` open` : ''}><summary><h2>${title} (${list.length})</h2></summary>${body}</details></section>`
      : html``;
  const nav: Array<[string, string, number | undefined]> = [
    ['matrix', 'checks × operations', undefined],
    ['findings', 'findings', t.failing.length],
    ['known', 'known', t.known.length],
    ['inferences', 'unconfirmed inferences', t.inferred.length],
    ['warnings', 'warnings', t.warnings.length],
    ['drift', 'live drift', undefined],
    ['sign-off', 'sign-off', undefined],
  ];
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Contract run — ${report.verdict} — ${report.spec}</title>
<style>${PAGE_CSS}</style></head>
<body>
<header class="verdict ${report.verdict}"><h1>${VERDICT[report.verdict]}</h1><p>${report.because} · <code>${report.spec}</code> against ${report.target.kind} ${report.target.baseUrl} · seed <code>${report.runSeed}</code></p>
<nav>${nav.filter(([, , n]) => n !== 0).map(([id, label, n]) => html`<a href="#${id}">${label}${n === undefined ? '' : ` (${n})`}</a>`)}</nav></header>
<main>
${facts(report, extras)}
${matrix(report)}
${section('findings', 'Findings — the server breaks the contract', t.failing, html`${t.failing.map((f) => findingBlock(report, f, source))}`)}
${section('known', `Known — in the baseline ${report.baseline?.file ?? ''}, reported, not failing`, t.known, html`${t.known.map((f) => findingBlock(report, f, source))}`, false)}
${report.baseline?.fixed.length ? html`<section id="fixed"><h2>Fixed since the baseline (${report.baseline.fixed.length})</h2><ul>${report.baseline.fixed.map((f) => html`<li><code>${f.check}</code> · ${f.operation}${f.location ? html` at <code>${f.location}</code>` : ''} · id <code>${f.id}</code></li>`)}</ul></section>` : ''}
${report.baseline?.notJudged.length ? html`<section id="not-rejudged"><h2>Not re-judged since the baseline (${report.baseline.notJudged.length}) — ${NOT_REJUDGED}</h2><ul>${report.baseline.notJudged.map((f) => html`<li><code>${f.check}</code> · ${f.operation}${f.location ? html` at <code>${f.location}</code>` : ''} · id <code>${f.id}</code> — ${f.why}</li>`)}</ul></section>` : ''}
${section('inferences', 'Unconfirmed inferences — the spec guessed, the server disagrees: confirm upstream, or relax the spec', t.inferred, findingTable(t.inferred, true))}
${section('warnings', 'Warnings — drift the contract tolerates', t.warnings, findingTable(t.warnings, false), false)}
${section('spec-findings', "Spec findings — the spec's own examples break it", t.spec, findingTable(t.spec, false), false)}
${driftSection(extras.drift)}
${notJudged(report)}
</main>
<footer>${extras.tool.name} ${extras.tool.version} · reports/contract.json holds everything shown here · no token value is ever written: tokens appear as &lt;redacted:name&gt; and curl lines read them from <code>$CONTRACT_TOKEN_…</code></footer>
</body></html>
`;
  return page.text;
}
