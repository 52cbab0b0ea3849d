/**
 * What a user waits for (`npm run bench -- latency`), side by side with the way it was done before in the
 * same run (a fresh `lungcam view` process per click):
 *  1. Quick Analysis of a 20 s recording by the warm engine: the first (the engine starts) and later ones
 *     (target ≤ 1.5 s), on a recording it has seen and on a new one.
 *  2. A CAM method change in the view of a 20 s recording (target ≤ 1 s end to end: request to the new
 *     output in the extension; the renderer then draws it in tens of ms, see renderer.bench.ts).
 *  3. Kernel start to the first result of the quickstart notebook (target ≤ 4 s): a fresh tslab kernel,
 *     then its first code cell.
 * Targets are for a quiet machine: the load is printed with the figures, and beside each warm-engine time
 * the CPU time the engine process spent on the request (all its threads), which the machine's load does
 * not inflate: on a quiet machine the request takes about that long, or less on several cores. Medians
 * of LUNGCAM_BENCH_ROUNDS (default 5).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EngineClient } from '../../extension/engineClient';
import { TslabKernel } from '../../kernels/client/kernel';
import { loadLine, writeWav } from './benchWav';

const root = path.resolve(__dirname, '../..');
const model = path.join(root, 'samples', 'models', 'baseline');
const ROUNDS = Number(process.env.LUNGCAM_BENCH_ROUNDS ?? 5);
const METHODS = ['gradcam++', 'xgradcam', 'gradcam', 'layercam', 'hirescam'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (s: number) => `${s.toFixed(2)} s`;

async function seconds<T>(work: () => Promise<T>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** CPU seconds a process has used so far, every thread (Linux /proc/PID/stat utime + stime). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A warm-engine request's wall time and the engine's CPU time for it. */
async function timed(client: EngineClient, work: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  await client.call('status', {});
  const before = cpuSeconds(client.pid!);
  const wall = await seconds(work);
  return { wall, cpu: cpuSeconds(client.pid!) - before };
}

const both = (xs: Array<{ wall: number; cpu: number }>) => `${fmt(median(xs.map((x) => x.wall)))}  (engine CPU ${fmt(median(xs.map((x) => x.cpu)))})`;

function cliView(wav: string, out: string, method: string): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'lungcam.js'), 'view', wav, '--model', model, '--method', method, '--out', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function quickstartFirstResult(): Promise<number> {
  const nb = JSON.parse(readFileSync(path.join(root, 'samples', 'notebooks', 'quickstart.lungnb'), 'utf8')) as { cells: { cell_type: string; source: string | string[] }[] };
  const first = nb.cells.find((c) => c.cell_type === 'code')!;
  const code = Array.isArray(first.source) ? first.source.join('') : first.source;
  const started = process.hrtime.bigint();
  const kernel = await TslabKernel.start({ cwd: path.join(root, 'samples', 'notebooks') });
  try {
    let got = false;
    await kernel.execute(code, { onStream: () => undefined, onDisplay: () => { got = true; } });
    if (!got) throw new Error('the quickstart\'s first cell showed nothing');
    return Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    await kernel.shutdown();
  }
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-latency-bench-'));
  const client = new EngineClient({ script: path.join(root, 'dist', 'kernels', 'engineServer.js') });
  try {
    console.log(`latency benchmark — ${loadLine()} at start, ${ROUNDS} rounds (medians)`);
    const wavs = Array.from({ length: ROUNDS + 1 }, (_, i) => {
      const f = path.join(dir, `rec${i}.wav`);
      writeWav(f, 44100, 2, 20 + i * 0.01);
      return f;
    });
    const first = await seconds(() => client.call('analyse', { wav: wavs[0], model, method: 'gradcam' }));
    const seen: Array<{ wall: number; cpu: number }> = [];
    const fresh: Array<{ wall: number; cpu: number }> = [];
    const method: Array<{ wall: number; cpu: number }> = [];
    const cli: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      seen.push(await timed(client, () => client.call('analyse', { wav: wavs[0], model, method: 'gradcam' })));
      fresh.push(await timed(client, () => client.call('analyse', { wav: wavs[r + 1], model, method: 'gradcam' })));
      method.push(await timed(client, () => client.call('recompute', { wav: wavs[0], model, method: METHODS[r % METHODS.length] })));
      cli.push(cliView(wavs[0], path.join(dir, 'view.json'), METHODS[r % METHODS.length]));
    }
    console.log('\nQuick Analysis of a 20 s 44.1 kHz stereo recording (target ≤ 1.5 s after the first)');
    console.log(`  warm engine, first (engine starts)      ${fmt(first)}`);
    console.log(`  warm engine, a recording it has seen    ${both(seen)}`);
    console.log(`  warm engine, a new recording            ${both(fresh)}`);
    console.log(`  before: lungcam view process per click  ${fmt(median(cli))}`);
    console.log('\nCAM method change in the view of a 20 s recording (target ≤ 1 s)');
    console.log(`  warm engine                              ${both(method)}  (${(median(cli) / median(method.map((m) => m.wall))).toFixed(1)}× faster than a process per click)`);
    const kernel: number[] = [];
    for (let r = 0; r < Math.min(3, ROUNDS); r++) kernel.push(await quickstartFirstResult());
    console.log('\nKernel start to the first result of the quickstart notebook (target ≤ 4 s)');
    console.log(`  tslab kernel + first cell                ${fmt(median(kernel))}  (runs: ${kernel.map(fmt).join(', ')})`);
    console.log(`\n${loadLine()} at the end`);
  } finally {
    client.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
