import type { OpenApiDocument } from '../spec/types.ts';
import { same } from './canonical.ts';
import { compareComponents } from './components.ts';
import { compareOperations, operationsOf } from './operations.ts';
import type { DriftChange } from './rules.ts';
import { DiffRun, type At, type DiffOptions, type KeyRule } from './run.ts';
import { docRule } from './schema.ts';
import { compareServers } from './servers.ts';
import { child, rootSide } from './side.ts';

export type { DiffOptions } from './run.ts';

const DOCUMENT: At = { operation: '(document)', location: 'document' };

const DOCUMENT_RULES: Array<KeyRule<At>> = [
  docRule(['openapi'], 'openapi-version-changed'),
  {
    keys: ['info'],
    compare: (run, a, b, at) =>
      run.byKeys(child(a, 'info'), child(b, 'info'), { ...at, location: 'info' }, [docRule(['description', 'summary'], 'description-changed')], {
        other: 'info-changed',
      }),
  },
  { keys: ['servers'], compare: (run, a, b, at) => compareServers(run, child(a, 'servers'), child(b, 'servers'), at) },
  docRule(['tags'], 'tags-changed'),
  docRule(['externalDocs'], 'description-changed'),
];

/**
 * Every change from one spec version to the next, classified by DRIFT_RULES; what no rule names is reported as
 * `unclassified-change` at its pointer. Empty exactly when the two documents are the same contract after
 * normalisation (see canonical.ts). Pure.
 */
export function diffDocuments(from: OpenApiDocument, to: OpenApiDocument, options: DiffOptions = {}): DriftChange[] {
  const a = rootSide(from);
  const b = rootSide(to);
  if (same(a, b)) return [];
  const run = new DiffRun(options);
  const root = { from: a, to: b };
  compareOperations(run, { root, container: 'paths' });
  if (options.partial) return dedupe(run.changes);
  compareOperations(run, { root, container: 'webhooks' });
  compareComponents(run, child(a, 'components'), child(b, 'components'));
  // The document's `security` is compared as each operation's effective security, where an operation inherits it.
  const inherited = [...operationsOf(a), ...operationsOf(b), ...operationsOf(a, 'webhooks'), ...operationsOf(b, 'webhooks')].some((op) => op.inherits);
  run.byKeys(a, b, DOCUMENT, DOCUMENT_RULES, { skip: ['paths', 'webhooks', 'components', ...(inherited ? ['security'] : [])] });
  if (!run.count) run.leaves(DOCUMENT, a, b); // the net's last word: never "No changes" for two different contracts
  return dedupe(run.changes);
}

/** `diffDocuments` for loaded specs (anything with a bundled `doc`). */
export function diffSpecs(from: { doc: OpenApiDocument }, to: { doc: OpenApiDocument }, options: DiffOptions = {}): DriftChange[] {
  return diffDocuments(from.doc, to.doc, options);
}

function dedupe(changes: DriftChange[]): DriftChange[] {
  const seen = new Set<string>();
  return changes.filter((c) => {
    const key = JSON.stringify([c.rule, c.operation, c.location, c.pointer, c.from, c.to]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
