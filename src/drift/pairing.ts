/** What pairing two lists leaves: pairs, and the items of each side nothing matched. */
export interface Pairing<T> {
  matched: Array<[T, T]>;
  removed: T[];
  added: T[];
}

/**
 * Pairs the items of two lists that are the same thing in two versions of a spec: each test in turn pairs what
 * the earlier ones left, in list order (`oneOf` branches by equal content, then same component, then same title;
 * servers by URL, then description, then position).
 */
export function pairUp<T>(before: readonly T[], after: readonly T[], tests: ReadonlyArray<(x: T, y: T) => boolean>): Pairing<T> {
  const matched: Array<[T, T]> = [];
  const removed = [...before];
  const added = [...after];
  for (const test of tests) {
    for (const x of [...removed]) {
      const y = added.find((candidate) => test(x, candidate));
      if (y === undefined) continue;
      removed.splice(removed.indexOf(x), 1);
      added.splice(added.indexOf(y), 1);
      matched.push([x, y]);
    }
  }
  return { matched, removed, added };
}
