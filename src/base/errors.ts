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

/**
 * Commander's own refusals (an unknown option, a bad value, two flags that conflict) in a script's voice —
 * `<script>: …`, one line like every other exit-2 line — with the advice `advise` has for that line, if any.
 */
export function scriptVoice(script: string, advise: (line: string) => string = () => ''): (message: string, write: (s: string) => void) => void {
  return (message, write) => {
    const line = message.trim().replace(/^error: /, `${script}: `);
    write(`${line}${advise(line)}\n`);
  };
}
