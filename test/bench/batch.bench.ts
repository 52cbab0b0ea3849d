// Batch throughput: `npm run bench -- batch`. One synthetic corpus (LUNGCAM_BENCH_BATCH_COUNT recordings,
// default 24, 8–12 s each), explained (classify + Grad-CAM) side by side in one run by: the single-process
// loop (`lungcam batch` without --local), `--local 1`, `--local 2`, and a Dask LocalCluster of two worker
// processes (one thread each) on this machine. Prints recordings per minute, wall time, CPU time per
// recording (GNU time; Dask's workers not counted), and the
// load average around each run: on a shared machine the load decides the figures, so compare within a run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin', 'lungcam.js');
const count = Number(process.env.LUNGCAM_BENCH_BATCH_COUNT ?? 24);
const work = mkdtempSync(path.join(tmpdir(), 'lungcam-batch-bench-'));
const load = () => loadavg()[0].toFixed(1);

/** A LocalCluster (distributed's own) in a Python process; its scheduler address, and a stop. */
async function localCluster(workers: number): Promise<{ address: string; stop(): Promise<void> }> {
  const code = [
    'import sys',
    'from distributed import LocalCluster',
    `cluster = LocalCluster(n_workers=${workers}, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)`,
    'print(cluster.scheduler_address, flush=True)',
    'sys.stdin.read()',
    'cluster.close()',
  ].join('\n');
  const child = spawn('/usr/bin/python3', ['-c', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(String(d).trim()));
    child.once('exit', (c) => reject(new Error(`LocalCluster exited (${c})`)));
  });
  return {
    address,
    stop: () => new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.stdin.end();
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    }),
  };
}

const TIME = '/usr/bin/time';

interface Row {
  how: string;
  seconds: number;
  cpuSeconds: number;
  loadBefore: string;
  loadAfter: string;
}

function timeBatch(how: string, extra: string[], dataset: string): Row {
  const out = path.join(work, how.replace(/\W+/g, '-'));
  const loadBefore = load();
  const t0 = performance.now();
  // GNU time gives the CPU time of the batch and every process it started (not Dask's workers: not its children)
  const timed = existsSync(TIME) ? [TIME, '-f', 'cpu-seconds %U %S', process.execPath] : [process.execPath];
  const r = spawnSync(timed[0], [...timed.slice(1), bin, 'batch', dataset, '--out', out, ...extra], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${how}: ${r.stderr}`);
  const cpu = /cpu-seconds ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { how, seconds, cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN, loadBefore, loadAfter: load() };
}

async function main() {
  const dataset = path.join(work, 'corpus');
  const synth = spawnSync(process.execPath, [bin, 'synth', dataset, '--count', String(count), '--seed', '5', '--seconds', '8-12'], { encoding: 'utf8' });
  if (synth.status !== 0) throw new Error(synth.stderr);
  console.log(`batch: ${count} recordings of 8–12 s, classify + Grad-CAM, ${cpus().length} cores`);
  const rows: Row[] = [];
  rows.push(timeBatch('single-process loop', [], dataset));
  rows.push(timeBatch('--local 1', ['--local', '1'], dataset));
  rows.push(timeBatch('--local 2', ['--local', '2'], dataset));
  const cluster = await localCluster(2);
  try {
    // two tasks per worker: each task starts LungCAM once (the default --shard-size 16 is for archives)
    rows.push(timeBatch('Dask LocalCluster, 2 workers', ['--scheduler', cluster.address, '--shard-size', String(Math.ceil(count / 4))], dataset));
  } finally {
    await cluster.stop();
  }
  const base = rows[0].seconds;
  console.log('  how                              recordings/min   wall s   vs loop   CPU s/recording   load (1 min) before → after');
  for (const r of rows) {
    const cpu = Number.isFinite(r.cpuSeconds) ? (r.cpuSeconds / count).toFixed(2) : '–';
    console.log(`  ${r.how.padEnd(32)} ${(count / (r.seconds / 60)).toFixed(1).padStart(14)} ${r.seconds.toFixed(1).padStart(8)} ${(base / r.seconds).toFixed(2).padStart(8)}× ${cpu.padStart(17)}   ${r.loadBefore} → ${r.loadAfter}`);
  }
}

main().finally(() => rmSync(work, { recursive: true, force: true }));
