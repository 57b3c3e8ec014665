import { expect } from 'vitest';
import { CannotRunError } from '../../../src/base/errors.ts';

/** The refusal a call makes: a CannotRunError of one line (what the CLI prints after `contract: `), or a failure. */
export function refusal(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(CannotRunError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a refusal, got none');
}
