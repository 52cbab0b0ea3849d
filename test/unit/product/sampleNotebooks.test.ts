/**
 * The sample notebooks ship with their outputs (a reader sees the views before running anything), small
 * enough to share: each under 1 MB, every code cell run without an error, and every view drawn from a
 * recording shipped in samples/wav (no real recording, nor anything computed from one, in the repository).
 */
import { test } from 'node:test';
import * as assert from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../cliHarness';

const NOTEBOOKS = path.join(repoRoot, 'samples', 'notebooks');
const SHIPPED_WAVS = new Set(readdirSync(path.join(repoRoot, 'samples', 'wav')).filter((f) => f.endsWith('.wav')));
/** Notebooks that ship with outputs (band-cutoff-study trains two models: it ships without). */
const WITH_OUTPUTS = ['quickstart.lungnb', 'compare-methods.lungnb', 'welcome.lungnb'];

interface Output { output_type: string; data?: Record<string, unknown>; ename?: string }
interface Cell { cell_type: string; source: string | string[]; outputs?: Output[] }

for (const name of readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.lungnb'))) {
  test(`${name}: under 1 MB`, () => {
    const bytes = statSync(path.join(NOTEBOOKS, name)).size;
    assert.ok(bytes <= 1024 * 1024, `${name} is ${(bytes / 1024).toFixed(0)} KiB`);
  });
}

for (const name of WITH_OUTPUTS) {
  test(`${name}: every code cell ran, its views drawn from the shipped recordings`, () => {
    const nb = JSON.parse(readFileSync(path.join(NOTEBOOKS, name), 'utf8')) as { cells: Cell[] };
    const code = nb.cells.filter((c) => c.cell_type === 'code');
    code.forEach((c, i) => {
      const outputs = c.outputs ?? [];
      assert.ok(outputs.length > 0, `code cell ${i + 1} has its outputs`);
      assert.ok(!outputs.some((o) => o.output_type === 'error'), `code cell ${i + 1} ran without an error`);
    });
    const views = code.flatMap((c) => c.outputs ?? []).flatMap((o) => Object.entries(o.data ?? {}))
      .filter(([mime]) => mime.startsWith('application/vnd.lungcam.'))
      .map(([, v]) => v as { source?: { fileName?: string }; requestId?: string });
    assert.ok(views.length > 0 || name === 'welcome.lungnb', 'the notebook shows its views');
    for (const v of views) {
      assert.ok(v.source?.fileName && SHIPPED_WAVS.has(v.source.fileName), `a view of ${v.source?.fileName}, a recording shipped in samples/wav`);
      assert.strictEqual(v.requestId, undefined, 'no requestId: it would name files by paths on the machine that ran the notebook');
    }
  });
}
