/**
 * Runs LungCAM notebooks top to bottom in the LungCAM kernel (tslab, in the notebook's folder) and saves
 * them with their outputs, written as VS Code's serializer and Jupyter write them: how the sample
 * notebooks get their committed outputs, and how tests measure a run notebook's size.
 *
 *   npm run build && npx tsx scripts/run-notebooks.ts samples/notebooks/quickstart.lungnb [more.lungnb …]
 *
 * Prints each notebook's size; stops at the first cell that fails (the notebook is not rewritten).
 */
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TslabKernel } from '../kernels/client/kernel';
import type { DisplayMessage } from '../kernels/client/jupyterClient';
import { joinSource, parseNotebook, splitLines, stringifyNotebook, type NbCell } from '../extension/nbformat';

type NbOutput = Record<string, unknown>;

/** One cell's outputs as nbformat stores them (streams merged as Jupyter merges them, display ids replaced). */
class Outputs {
  readonly list: NbOutput[] = [];
  private readonly byId = new Map<string, NbOutput>();

  stream(name: 'stdout' | 'stderr', text: string): void {
    const last = this.list[this.list.length - 1];
    if (last?.output_type === 'stream' && last.name === name) last.text = splitLines(joinSource(last.text) + text);
    else this.list.push({ output_type: 'stream', name, text: splitLines(text) });
  }

  display(kind: 'display_data' | 'execute_result' | 'update_display_data', m: DisplayMessage, count: number | null): void {
    const data = Object.fromEntries(Object.entries(m.data).map(([mime, v]) => [mime, typeof v === 'string' && !mime.startsWith('image/') ? splitLines(v) : shareable(v)]));
    const existing = m.displayId ? this.byId.get(m.displayId) : undefined;
    if (kind === 'update_display_data') {
      if (existing) existing.data = data;
      return;
    }
    const output: NbOutput = kind === 'execute_result'
      ? { output_type: 'execute_result', data, metadata: m.metadata ?? {}, execution_count: count }
      : { output_type: 'display_data', data, metadata: m.metadata ?? {} };
    if (m.displayId) this.byId.set(m.displayId, output);
    this.list.push(output);
  }
}

/**
 * A view's output as a shared notebook keeps it: without its requestId, which names the recording and the
 * model by absolute paths on this machine (elsewhere the view says to re-run the cell to recompute).
 */
function shareable(value: unknown): unknown {
  if (!value || typeof value !== 'object' || !('requestId' in value)) return value;
  const { requestId: _machinePaths, ...rest } = value as Record<string, unknown>;
  return rest;
}

export async function runNotebook(file: string): Promise<{ bytes: number; cells: number }> {
  const nb = parseNotebook(readFileSync(file, 'utf8'));
  const kernel = await TslabKernel.start({ cwd: path.dirname(path.resolve(file)) });
  let count = 0;
  try {
    for (const [i, cell] of nb.cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      const out = new Outputs();
      let executionCount: number | null = null;
      const outcome = await kernel.execute(joinSource(cell.source), {
        onStream: (name, text) => out.stream(name, text),
        onDisplay: (kind, m) => out.display(kind, m, executionCount),
        onExecutionCount: (n) => { executionCount = n; },
      });
      if (outcome.status !== 'ok') {
        throw new Error(`${file}: cell ${i + 1} failed: ${outcome.error?.ename ?? outcome.status}: ${outcome.error?.evalue ?? ''}`);
      }
      (cell as NbCell & { outputs: NbOutput[]; execution_count: number | null }).outputs = out.list;
      (cell as NbCell & { execution_count: number | null }).execution_count = outcome.executionCount ?? executionCount;
      count++;
    }
  } finally {
    await kernel.shutdown();
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, stringifyNotebook(nb));
  renameSync(tmp, file);
  return { bytes: statSync(file).size, cells: count };
}

async function main(files: string[]): Promise<void> {
  if (files.length === 0) throw new Error('usage: tsx scripts/run-notebooks.ts NOTEBOOK.lungnb [...]');
  for (const f of files) {
    const { bytes, cells } = await runNotebook(f);
    console.log(`${f}: ${cells} code cells run, ${(bytes / 1024).toFixed(0)} KiB`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: Error) => {
    console.error(e.message);
    process.exitCode = 1;
  });
}
