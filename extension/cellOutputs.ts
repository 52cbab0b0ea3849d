/**
 * Maps what the kernel reports onto VS Code cell outputs: streams appended as they come, MIME
 * bundles (richest type first), display ids replaced in place, and errors pointed at the cell's lines.
 */
import * as vscode from 'vscode';
import type { DisplayMessage } from '../kernels/client/jupyterClient';
import type { KernelError } from '../kernels/client/kernelErrors';

/** LungCAM's renderer first, then images, then text: VS Code picks the first it can render. */
function mimeRank(mime: string): number {
  if (mime.startsWith('application/vnd.lungcam.')) return 0;
  if (mime.startsWith('image/')) return 1;
  if (mime === 'text/html' || mime === 'text/markdown') return 2;
  if (mime === 'text/plain') return 4;
  return 3;
}

function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || /\+json$/.test(mime);
}

const isBinaryImage = (mime: string) => mime.startsWith('image/') && mime !== 'image/svg+xml';

export function outputItems(data: Record<string, unknown>): vscode.NotebookCellOutputItem[] {
  return Object.keys(data)
    .sort((a, b) => mimeRank(a) - mimeRank(b))
    .map((mime) => {
      const value = data[mime];
      if (isJsonMime(mime)) return vscode.NotebookCellOutputItem.json(value, mime);
      if (isBinaryImage(mime) && typeof value === 'string') return new vscode.NotebookCellOutputItem(Buffer.from(value, 'base64'), mime);
      const text = Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : JSON.stringify(value);
      return vscode.NotebookCellOutputItem.text(text, mime);
    });
}

/** Writes one execution's outputs into its cell. */
export class CellOutputWriter {
  private lastStream: { name: 'stdout' | 'stderr'; output: vscode.NotebookCellOutput } | undefined;
  private readonly byDisplayId = new Map<string, vscode.NotebookCellOutput>();
  /** Output calls are async; chaining keeps them in the order the kernel sent them. */
  private chain: Thenable<unknown> = Promise.resolve();

  constructor(private readonly execution: vscode.NotebookCellExecution) {}

  stream(name: 'stdout' | 'stderr', text: string): void {
    const item = name === 'stdout' ? vscode.NotebookCellOutputItem.stdout(text) : vscode.NotebookCellOutputItem.stderr(text);
    this.enqueue(() => {
      if (this.lastStream?.name === name) return this.execution.appendOutputItems(item, this.lastStream.output);
      const output = new vscode.NotebookCellOutput([item]);
      this.lastStream = { name, output };
      return this.execution.appendOutput(output);
    });
  }

  display(kind: 'display_data' | 'execute_result' | 'update_display_data', message: DisplayMessage): void {
    const items = outputItems(message.data);
    const id = message.displayId;
    this.enqueue(() => {
      this.lastStream = undefined;
      const existing = id ? this.byDisplayId.get(id) : undefined;
      if (existing) return this.execution.replaceOutputItems(items, existing);
      if (kind === 'update_display_data') return undefined; // its display is in another cell or gone
      const output = new vscode.NotebookCellOutput(items, { ...message.metadata, ...(id ? { displayId: id } : {}) });
      if (id) this.byDisplayId.set(id, output);
      return this.execution.appendOutput(output);
    });
  }

  /**
   * The error output. tslab reports a failure as text on stderr, written last: when the cell's last
   * output is that stderr text, the error output replaces it rather than repeating it.
   */
  error(error: KernelError, cellSource: string): void {
    this.enqueue(() => {
      const errorOutput = new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error(toVsError(error, cellSource))]);
      const outputs = this.execution.cell.outputs;
      const last = outputs[outputs.length - 1];
      const stderrMime = vscode.NotebookCellOutputItem.stderr('').mime;
      const lastIsReport = this.lastStream?.name === 'stderr' && !!last && last.items.every((i) => i.mime === stderrMime);
      this.lastStream = undefined;
      if (lastIsReport) return this.execution.replaceOutput([...outputs.slice(0, -1), errorOutput]);
      return this.execution.appendOutput(errorOutput);
    });
  }

  /** A message from LungCAM itself (kernel died, untrusted workspace): an error output, no stack. */
  notice(name: string, message: string): void {
    this.enqueue(() => {
      this.lastStream = undefined;
      return this.execution.appendOutput(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name, message, stack: '' })]));
    });
  }

  /** Resolves when every output so far is in the cell. */
  flush(): Thenable<unknown> {
    return this.chain;
  }

  private enqueue(step: () => Thenable<unknown> | undefined | Promise<unknown>): void {
    this.chain = this.chain.then(step, step);
  }
}

/** TypeScript diagnostics get the cell line they point at, with a caret under the column. */
export function toVsError(error: KernelError, cellSource: string): Error {
  const lines = cellSource.split(/\r?\n/);
  let stack: string;
  if (error.diagnostics.length > 0) {
    stack = error.diagnostics
      .map((d) => {
        const src = lines[d.line - 1] ?? '';
        const gutter = `${d.line} | `;
        return `line ${d.line}, column ${d.column}: ${d.message}\n  ${gutter}${src}\n  ${' '.repeat(gutter.length)}${' '.repeat(Math.max(0, d.column - 1))}^`;
      })
      .join('\n\n');
  } else {
    stack = [`${error.ename}: ${error.evalue}`, ...error.traceback.map((l) => `    ${l}`)].join('\n');
  }
  const e = new Error(error.diagnostics.length > 0 ? `${error.diagnostics.length} TypeScript error(s)` : error.evalue);
  e.name = error.ename;
  e.stack = stack;
  return e;
}
