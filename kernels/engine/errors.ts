/**
 * Errors caused by the user's input (a bad WAV, a wrong flag, a missing file).
 * The CLI prints `message` as one line and exits 2; the notebook shows it without a stack.
 * Anything else that is thrown is an internal fault (exit 1).
 */
export class LungcamInputError extends Error {
  /** The file or argument the problem is about, when there is one (as given, not escaped). */
  readonly subject?: string;
  constructor(message: string, subject?: string) {
    super(subject ? `${printable(subject)}: ${message}` : message);
    this.name = 'LungcamInputError';
    this.subject = subject;
  }
}

export function isInputError(e: unknown): e is LungcamInputError {
  return e instanceof Error && e.name === 'LungcamInputError';
}

/**
 * Text that is safe to print on a terminal: control characters (C0 but tab, DEL, C1) and the Unicode
 * bidirectional overrides are shown as escapes (`\x1b`, `\u202e`), so a file name holding `ESC]0;…` cannot
 * retitle or recolour the user's terminal, and a name that reorders itself cannot hide what it is.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
