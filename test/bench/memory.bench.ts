/**
 * Peak memory of every command on a long recording (`npm run bench -- memory`): makes a 1-hour 44.1 kHz
 * stereo 16-bit WAV (≈ 635 MB, in a temp folder), runs each command on it under /usr/bin/time -v and
 * prints its peak RSS (target: under 400 MB each), then Quick Analysis of a 20 s recording (target: under
 * 150 MB) by `lungcam view` and by the warm engine process (its peak, VmHWM, after two analyses).
 *
 * Env: LUNGCAM_BENCH_MINUTES (default 60), LUNGCAM_BENCH_ONLY=name,name (a subset of the commands).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EngineClient } from '../../extension/engineClient';
import { loadLine, writeWav } from './benchWav';

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'bin', 'lungcam.js');
const MINUTES = Number(process.env.LUNGCAM_BENCH_MINUTES ?? 60);
const ONLY = process.env.LUNGCAM_BENCH_ONLY?.split(',');
const LIMIT_MB = 400;
const QUICK_LIMIT_MB = 150;

interface Peak { mb: number; seconds: number; ok: boolean; err: string }

function peak(args: string[]): Peak {
  const started = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'BENCH %M', process.execPath, cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const m = /BENCH (\d+)/.exec(r.stderr ?? '');
  const err = (r.stderr ?? '').split('\n').filter((l) => l.startsWith('lungcam:')).pop() ?? '';
  return { mb: m ? Number(m[1]) / 1024 : NaN, seconds: (Date.now() - started) / 1000, ok: r.status === 0, err };
}

/** An interactive page holds the whole recording: longer than its limit, it is refused before any work (by design). */
const REFUSED = /an interactive page holds the whole recording/;

const row = (name: string, p: Peak, limit: number) =>
  console.log(`  ${name.padEnd(34)} ${p.mb.toFixed(0).padStart(5)} MB  ${p.seconds.toFixed(1).padStart(6)} s  ${!p.ok ? (REFUSED.test(p.err) ? `refused before any work: ${p.err}` : `FAILED ${p.err}`) : p.mb < limit ? 'ok' : `OVER ${limit} MB`}`);

/** Peak RSS of a process so far (Linux VmHWM), MB. */
function highWater(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function main() {
  if (!existsSync('/usr/bin/time')) {
    console.log('memory bench: /usr/bin/time is missing (Debian package "time")');
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-memory-bench-'));
  try {
    console.log(`memory benchmark — ${loadLine()} at start`);
    const long = path.join(dir, 'long.wav');
    writeWav(long, 44100, 2, MINUTES * 60);
    console.log(`\n${MINUTES}-minute 44.1 kHz stereo 16-bit WAV: peak RSS per command (target < ${LIMIT_MB} MB)`);
    const out = (f: string) => path.join(dir, f);
    const commands: Array<[string, string[]]> = [
      ['features --out F.npy', ['features', long, '--out', out('f.npy'), '--quiet']],
      ['features --out F.json', ['features', long, '--out', out('f.json'), '--quiet']],
      ['classify', ['classify', long]],
      ['classify --json', ['classify', long, '--json']],
      ['gradcam --out F.npy', ['gradcam', long, '--out', out('g.npy'), '--quiet']],
      ['gradcam --out F.json', ['gradcam', long, '--out', out('g.json'), '--quiet']],
      ['gradcam --out F.png', ['gradcam', long, '--out', out('g.png'), '--quiet']],
      ['gradcam --out F.svg', ['gradcam', long, '--out', out('g.svg'), '--quiet']],
      ['gradcam --out F.html', ['gradcam', long, '--out', out('g.html'), '--quiet']],
      ['view --out F.json', ['view', long, '--out', out('v.json')]],
    ];
    for (const [name, args] of commands) {
      if (ONLY && !ONLY.some((o) => name.includes(o))) continue;
      row(name, peak(args), LIMIT_MB);
      rmSync(out(path.basename(args[3] ?? 'x')), { force: true });
    }
    rmSync(long, { force: true });

    console.log(`\n20 s 44.1 kHz stereo recording: Quick Analysis peak RSS (target < ${QUICK_LIMIT_MB} MB)`);
    const short = path.join(dir, 'short.wav');
    writeWav(short, 44100, 2, 20);
    row('lungcam view (a process per analysis)', peak(['view', short, '--out', out('q.json')]), QUICK_LIMIT_MB);
    const client = new EngineClient({ script: path.join(root, 'dist', 'kernels', 'engineServer.js') });
    try {
      const started = Date.now();
      const model = path.join(root, 'samples', 'models', 'baseline');
      await client.call('analyse', { wav: short, model, method: 'gradcam' });
      await client.call('recompute', { wav: short, model, method: 'gradcam++' });
      await client.call('analyse', { wav: short, model, method: 'gradcam' });
      row('warm engine (analyse, method, analyse)', { mb: highWater(client.pid!), seconds: (Date.now() - started) / 1000, ok: true, err: '' }, QUICK_LIMIT_MB);
    } finally {
      client.dispose();
    }
    console.log(`\n${loadLine()} at the end`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
