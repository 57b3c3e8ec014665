import { Html } from './html-escape.ts';

/**
 * The HTML report's stylesheet, inlined into the page (no external asset: the file opens from disk, from a CI
 * artifact, offline). A constant of ours, so it is markup as it stands: inside <style> an escaped quote would not
 * be a quote. Colour always comes with a symbol, so the matrix reads in greyscale and to colour-blind eyes.
 */
export const PAGE_CSS = new Html(`
:root { --pass: #1f7a3a; --pass-bg: #dff3e4; --fail: #b42318; --fail-bg: #fde2df; --infer: #8a5a00; --infer-bg: #fff0c7;
  --warn: #555; --warn-bg: #e9e4d8; --known: #44508a; --known-bg: #e3e7f7; --na: #666; --na-bg: #f0f0f0; --reach: #9a4d00; --reach-bg: #ffe6cc; --line: #d6d6d6; }
* { box-sizing: border-box; }
body { font: 14px/1.45 "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif; margin: 0; color: #1b1b1b; background: #fff; }
main { padding: 0 1.5rem 2rem; max-width: 110rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 1.6rem 0 .6rem; display: inline-block; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
h4 { font-size: .85rem; margin: .7rem 0 .2rem; text-transform: uppercase; letter-spacing: .04em; color: #555; }
code, pre { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 4px; padding: .5rem .7rem; white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
summary { cursor: pointer; }
header.verdict { padding: 1rem 1.5rem; border-bottom: 4px solid; }
header.verdict p { margin: 0; }
header nav { margin-top: .5rem; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; }
header nav a { color: inherit; }
header.holds { background: var(--pass-bg); border-color: var(--pass); }
header.violated, header.cannot-run { background: var(--fail-bg); border-color: var(--fail); }
header.incomplete { background: var(--reach-bg); border-color: var(--reach); }
.columns { display: flex; flex-wrap: wrap; gap: 0 3rem; }
.columns > section { flex: 1 1 30rem; min-width: 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.facts dt { color: #555; }
dl.facts dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; }
table.matrix th, table.matrix td { border: 1px solid var(--line); }
table.matrix thead th.op { vertical-align: bottom; padding: .3rem .1rem; }
table.matrix thead th.op span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; font-weight: 500; font-size: 12px; }
table.matrix tbody th { text-align: left; padding: 0 .5rem; font-weight: normal; white-space: nowrap; }
.cell { position: relative; text-align: center; min-width: 1.6rem; height: 1.3rem; font-weight: 700; line-height: 1.2; }
span.cell { display: inline-block; border: 1px solid var(--line); line-height: 1.4rem; }
.cell a { color: inherit; text-decoration: none; display: block; }
.cell.passed { background: var(--pass-bg); color: var(--pass); }
.cell.warned { background: var(--warn-bg); color: var(--warn); }
.cell.violated { background: var(--fail); color: #fff; }
.cell.inferred { background: var(--infer-bg); color: var(--infer); }
.cell.known { background: var(--known-bg); color: var(--known); }
.cell.not-applicable { background: repeating-linear-gradient(45deg, var(--na-bg), var(--na-bg) 3px, #fff 3px, #fff 6px); color: var(--na); font-weight: normal; }
.cell.not-reached { background: var(--reach-bg); color: var(--reach); outline: 1px dashed var(--reach); outline-offset: -3px; }
.cell.none { background: #fff; }
.cell .tip { display: none; position: absolute; z-index: 2; left: 50%; top: 100%; width: 22rem; transform: translateX(-50%); background: #222; color: #fff;
  font-weight: normal; font-size: 12px; text-align: left; padding: .4rem .5rem; border-radius: 4px; }
.cell:hover .tip, .cell:focus .tip, .cell:focus-within .tip { display: block; }
.cell.none .tip { display: none; }
ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; margin: .2rem 0; }
.hint { color: #555; margin: .3rem 0 .6rem; }
article.finding { border: 1px solid var(--line); border-left: 5px solid var(--fail); border-radius: 4px; padding: .3rem 1rem .8rem; margin: .8rem 0; }
article.finding.known { border-left-color: var(--known); }
article.finding:target { box-shadow: 0 0 0 3px #f5b700; }
.badge { font-size: .75rem; text-transform: uppercase; padding: .1rem .4rem; border-radius: 3px; color: #fff; background: var(--fail); vertical-align: middle; }
.badge.known { background: var(--known); }
.badge.inference { background: var(--infer); }
.badge.warning { background: #777; }
.meta { color: #444; margin: .2rem 0 .4rem; }
dl.ev { display: grid; grid-template-columns: 5.5rem 1fr; gap: .25rem .8rem; margin: .3rem 0; }
dl.ev dt { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: #555; padding-top: .45rem; }
dl.ev dd { margin: 0; min-width: 0; }
dl.ev pre.response { border-color: #e8b4ad; }
table.list th, table.list td { border-bottom: 1px solid var(--line); padding: .25rem .6rem; text-align: left; vertical-align: top; }
table.list td.n { text-align: right; }
table.list tr.drift td:first-child { font-weight: 600; }
tr:target { background: #fff6d6; }
footer { color: #666; padding: 1rem 1.5rem; border-top: 1px solid var(--line); font-size: 12px; }
@media print { .cell .tip { display: none !important; } details { display: block; } }
`);
