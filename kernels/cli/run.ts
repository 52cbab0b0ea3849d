/**
 * Builds the commander program from the registered commands and applies the CLI's error policy.
 * Kept apart from kernels/cli.ts so tests can run the program in-process.
 */
import { Command, CommanderError } from 'commander';
import { isInputError, printable } from '../engine/errors';

export type RegisterCommand = (program: Command) => void;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/**
 * One line that is safe on a terminal, whatever the message contains (messages may quote file contents,
 * or paths with newlines or escape sequences).
 */
export function oneLine(text: string): string {
  return printable(text.replace(/\s*\r?\n\s*/g, ' ').trim());
}

/** Non-fatal problems, one `lungcam: warning:` line each on stderr. */
export function printWarnings(warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`lungcam: warning: ${oneLine(w)}\n`);
}

export function buildProgram(commands: RegisterCommand[], io: CliIo = processIo): Command {
  const program = new Command('lungcam')
    .description('Explain breath-sound classifiers: VGGish log-mel features, a CNN and Grad-CAM.')
    .showHelpAfterError(false)
    .showSuggestionAfterError(true)
    // Subcommands created after these calls inherit them (commander copies settings in .command()).
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: (s, write) => write(`lungcam: ${oneLine(s.replace(/^error: /, ''))}\n`),
    });
  for (const register of commands) register(program);
  return program;
}

/**
 * Runs the CLI and returns the exit code (0 ok, 1 internal fault, 2 bad input or usage).
 * `argv` is process.argv-shaped: [node, script, ...args].
 */
export async function runCli(commands: RegisterCommand[], argv: string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(commands, io);
  if (argv.length <= 2) {
    io.stderr(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has already printed its one-line message (or the help text).
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    if (isInputError(e)) {
      io.stderr(`lungcam: ${oneLine(e.message)}\n`);
      return 2;
    }
    if (process.env.LUNGCAM_DEBUG) {
      io.stderr(`${(e as Error)?.stack ?? String(e)}\n`);
    } else {
      const message = e instanceof Error ? e.message : String(e);
      io.stderr(`lungcam: internal error: ${oneLine(message)} (set LUNGCAM_DEBUG=1 for details)\n`);
    }
    return 1;
  }
}
