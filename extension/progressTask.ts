/**
 * A CLI run behind a progress notification with Cancel: each progress line from the CLI becomes the
 * notification's message, `fraction` (if given) advances the bar.
 */
import * as vscode from 'vscode';
import { runCli, type CliResult } from './cliRunner';

export interface ProgressTaskOptions {
  title: string;
  args: string[];
  /** Share of the work done (0..1) a progress line reports, or undefined. */
  fraction?: (line: string) => number | undefined;
}

export function runWithProgress(o: ProgressTaskOptions): Promise<CliResult> {
  return Promise.resolve(vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: o.title, cancellable: true },
    async (progress, token) => {
      let done = 0;
      return runCli(o.args, {
        token,
        onLine: (line) => {
          const f = o.fraction?.(line);
          const increment = f !== undefined && f > done ? (f - done) * 100 : undefined;
          if (f !== undefined && f > done) done = f;
          progress.report({ message: line.replace(/^progress: /, '').slice(0, 160), ...(increment ? { increment } : {}) });
        },
      });
    },
  ));
}
