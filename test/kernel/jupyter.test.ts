// `lungcam jupyter-install` and the registered kernel under real Jupyter (Debian's jupyter-nbconvert):
// notebooks, the quickstart included, run headless with `jupyter nbconvert --to notebook --execute`.
import assert from 'node:assert/strict';
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { requireBuild, root, tempDir } from './helpers';

const JUPYTER = '/usr/bin/jupyter';
const quickstart = path.join(root, 'samples', 'notebooks', 'quickstart.lungnb');

function lungcam(args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(root, 'bin', 'lungcam.js'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

function jupyter(args: string[], dataDir: string, cwd: string): SpawnSyncReturns<string> {
  return spawnSync(JUPYTER, args, {
    cwd,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, JUPYTER_DATA_DIR: dataDir, PYDEVD_DISABLE_FILE_VALIDATION: '1', JUPYTER_PLATFORM_DIRS: '1' },
  });
}

interface NbOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
}
interface NbCell {
  cell_type: string;
  source: string | string[];
  outputs?: NbOutput[];
}

/** Runs `notebook` headless with the lungcam kernel; returns the executed notebook's cells. */
function nbconvertExecute(notebook: string, dataDir: string): { cells: NbCell[]; run: SpawnSyncReturns<string> } {
  const outDir = tempDir('lungcam-nbconvert-');
  const run = jupyter(
    ['nbconvert', '--to', 'notebook', '--execute', notebook, '--output-dir', outDir, '--output', 'executed.ipynb',
      '--ExecutePreprocessor.kernel_name=lungcam', '--ExecutePreprocessor.timeout=300'],
    dataDir,
    path.dirname(notebook),
  );
  const out = path.join(outDir, 'executed.ipynb');
  const cells = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')).cells as NbCell[]) : [];
  return { cells, run };
}

const text = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join('') : t ?? '');

describe('lungcam jupyter-install', () => {
  before(() => {
    requireBuild();
    assert.ok(existsSync(path.join(root, 'dist', 'kernels', 'cli.js')), 'dist/kernels/cli.js is missing: run `npm run build`');
  });

  it('--prefix writes a kernelspec that runs tslab through the LungCAM launcher with this Node', () => {
    const prefix = tempDir();
    const r = lungcam(['jupyter-install', '--prefix', prefix]);
    assert.equal(r.status, 0, r.stderr);
    const file = path.join(prefix, 'share', 'jupyter', 'kernels', 'lungcam', 'kernel.json');
    assert.match(r.stdout, new RegExp(file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    const spec = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(spec.argv[0], process.execPath);
    assert.match(spec.argv[1], /^--max-old-space-size=\d+$/);
    assert.equal(spec.argv[2], path.join(root, 'dist', 'kernels', 'kernelMain.js'));
    assert.deepEqual(spec.argv.slice(3), ['--config-path', '{connection_file}']);
    assert.equal(spec.language, 'typescript');
    assert.equal(spec.interrupt_mode, 'signal');
  });

  it('rejects --user with --prefix in one line, exit 2, writing nothing', () => {
    const prefix = tempDir();
    const r = lungcam(['jupyter-install', '--user', '--prefix', prefix]);
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /--user or --prefix/);
    assert.equal(existsSync(path.join(prefix, 'share')), false);
  });
});

describe('the lungcam kernel under Jupyter (nbconvert --execute)', () => {
  let dataDir: string;
  before(() => {
    requireBuild();
    assert.ok(existsSync(JUPYTER), `${JUPYTER} is missing: apt-get install jupyter-nbconvert`);
    dataDir = tempDir('lungcam-jupyter-data-');
    const r = lungcam(['jupyter-install', '--user'], { JUPYTER_DATA_DIR: dataDir });
    assert.equal(r.status, 0, r.stderr);
  });

  it('Jupyter lists the registered kernel (--user honours JUPYTER_DATA_DIR)', () => {
    const r = jupyter(['kernelspec', 'list', '--json'], dataDir, root);
    assert.equal(r.status, 0, r.stderr);
    const specs = JSON.parse(r.stdout).kernelspecs;
    assert.equal(specs.lungcam.resource_dir, path.join(dataDir, 'kernels', 'lungcam'));
    assert.equal(specs.lungcam.spec.display_name, 'LungCAM (TypeScript)');
  });

  it('executes a notebook headless: state across cells, stdout, and lc.show bundles', () => {
    const dir = tempDir();
    const nb = path.join(dir, 'small.lungnb');
    const cell = (source: string) => ({ cell_type: 'code', execution_count: null, id: `c${source.length}`, metadata: {}, outputs: [], source });
    writeFileSync(nb, JSON.stringify({
      cells: [
        cell('import * as lc from "lungcam";\nconst level = 0.25;'),
        cell('console.log("level", level);\nlc.show({ samples: new Float32Array(1600).fill(level), sampleRate: 16000, channels: 1, durationSeconds: 0.1, warnings: [] }, { fileName: "flat.wav" });'),
      ],
      metadata: { kernelspec: { name: 'lungcam', display_name: 'LungCAM (TypeScript)', language: 'typescript' } },
      nbformat: 4,
      nbformat_minor: 5,
    }));
    const { cells, run } = nbconvertExecute(nb, dataDir);
    assert.equal(run.status, 0, run.stderr.slice(-2000));
    const outputs = cells[1].outputs!;
    assert.equal(text(outputs.find((o) => o.output_type === 'stream')?.text), 'level 0.25\n');
    const display = outputs.find((o) => o.output_type === 'display_data')!;
    assert.deepEqual(Object.keys(display.data!).sort(), ['application/vnd.lungcam.audio+json', 'image/png', 'text/plain']);
    assert.equal((display.data!['application/vnd.lungcam.audio+json'] as { source: { fileName: string } }).source.fileName, 'flat.wav');
  });

  it('runs the quickstart notebook: every cell succeeds and shows audio, spectrogram, predictions and Grad-CAM', () => {
    assert.ok(existsSync(quickstart), `${quickstart} is missing`);
    const { cells, run } = nbconvertExecute(quickstart, dataDir);
    assert.equal(run.status, 0, run.stderr.slice(-3000));
    const code = cells.filter((c) => c.cell_type === 'code');
    assert.ok(code.length >= 4);
    for (const c of code) {
      const errors = (c.outputs ?? []).filter((o) => o.output_type === 'error');
      assert.deepEqual(errors, [], text(c.source));
    }
    const mimes = new Set(code.flatMap((c) => (c.outputs ?? []).flatMap((o) => Object.keys(o.data ?? {}))));
    for (const kind of ['audio', 'spectrogram', 'predictions', 'cam']) assert.ok(mimes.has(`application/vnd.lungcam.${kind}+json`), `no ${kind} output`);
    assert.ok(mimes.has('image/png') && mimes.has('text/plain'));
  });
});
