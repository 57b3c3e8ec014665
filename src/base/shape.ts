/** A JSON object (not null, not an array): what a file read from disk must be before its fields are looked at. */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
