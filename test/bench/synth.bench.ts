// Synthetic corpus speed: `npm run bench -- synth`. Writes a corpus of LUNGCAM_BENCH_SYNTH_COUNT
// recordings (default 200, the default recording mix: 4–44.1 kHz, 8–20 s) to a temp folder and prints
// wall and CPU time, audio seconds made per second, and the time per recording. Target: a 200-recording
// corpus well under a minute. Compare in one run on a quiet machine: other processes inflate wall time.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { synthThreads, writeSynthCorpusParallel } from '../../kernels/engine/data/synthPool';

const count = Number(process.env.LUNGCAM_BENCH_SYNTH_COUNT ?? 200);
const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-synth-bench-'));
async function main() {
  const threads = synthThreads();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = await writeSynthCorpusParallel(dir, { count, seed: 1 }, undefined, threads);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(`synth: ${summary.recordings} recordings, ${summary.seconds} s of audio, ${summary.patients} patients`);
  console.log(`  wall ${wall.toFixed(1)} s with ${threads} thread(s) (LUNGCAM_THREADS), CPU (all threads) ${cpuSeconds.toFixed(1)} s`);
  console.log(`  ${(wall / summary.recordings * 1000).toFixed(0)} ms per recording, ${(summary.seconds / wall).toFixed(0)}× real time`);
  console.log(`  load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}

main().finally(() => rmSync(dir, { recursive: true, force: true }));
