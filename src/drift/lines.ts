import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { parsePointer } from '../spec/pointer.ts';

/**
 * JSON pointer → line in a YAML (or JSON) file, read from the `yaml` package's syntax tree, so an annotation
 * lands on the changed line. A pointer the file does not hold (a node that was removed, or one the bundler brought
 * in from another file) gives the line of its nearest ancestor that the file does hold.
 */
export function lineFinder(text: string): (pointer: string) => number {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false });
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : counter.linePos(offset).line);
  return (pointer) => {
    let node: unknown = doc.contents;
    let line = 1;
    for (const token of parsePointer(pointer)) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === token);
        if (!pair) break;
        line = lineAt((pair.key as Node | null)?.range?.[0]);
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(token)] as Node | undefined;
        if (!item) break;
        line = lineAt(item.range?.[0]);
        node = item;
      } else break;
    }
    return line;
  };
}
