/**
 * A run that cannot be made (bad spec, bad config, unreachable target) is not a contract verdict: it exits 2
 * with one line that says what is wrong and what to do, never a stack trace.
 */
export class CannotRunError extends Error {
  override readonly name = 'CannotRunError';
  readonly exitCode = 2;
}

export const EXIT = { holds: 0, violated: 1, cannotRun: 2, incomplete: 3 } as const;

export function oneLine(error: unknown): string {
  if (error instanceof CannotRunError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message.split('\n')[0]}`;
  return String(error);
}
