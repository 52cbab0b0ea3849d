/**
 * Errors caused by the user's input (a bad WAV, a wrong flag, a missing file).
 * The CLI prints `message` as one line and exits 2; the notebook shows it without a stack.
 * Anything else that is thrown is an internal fault (exit 1).
 */
export class LungcamInputError extends Error {
  /** The file or argument the problem is about, when there is one. */
  readonly subject?: string;
  constructor(message: string, subject?: string) {
    super(subject ? `${subject}: ${message}` : message);
    this.name = 'LungcamInputError';
    this.subject = subject;
  }
}

export function isInputError(e: unknown): e is LungcamInputError {
  return e instanceof Error && e.name === 'LungcamInputError';
}
