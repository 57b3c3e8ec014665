import { textOf } from '../spec/text.ts';

/** Values in violations are shown as short JSON: enough to see the drift, never a whole body. */
export function show(value: unknown, max = 120): string {
  if (value === undefined) return 'absent';
  const text = JSON.stringify(value) ?? textOf(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
