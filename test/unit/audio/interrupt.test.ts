/**
 * Ctrl-C (SIGINT) or a kill (SIGTERM) while `lungcam features --out F.npy` computes: the rows go into a
 * temporary file beside F.npy from the start, so an interrupted run must remove it, leave any existing F.npy
 * as it was, and still end by the signal.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const repoRoot = path.resolve(__dirname, '../../..');

/** A 16-bit mono 16 kHz WAV of `seconds` of noise (long enough that the command is still computing when signalled). */
function noiseWav(file: string, seconds: number): void {
  const n = 16000 * seconds;
  const buf = Buffer.alloc(44 + 2 * n);
  buf.write('RIFF', 0); buf.writeUInt32LE(36 + 2 * n, 4); buf.write('WAVEfmt ', 8);
  buf.writeUInt32LE(16, 16); buf.writeUInt16LE(1, 20); buf.writeUInt16LE(1, 22); buf.writeUInt32LE(16000, 24);
  buf.writeUInt32LE(32000, 28); buf.writeUInt16LE(2, 32); buf.writeUInt16LE(16, 34); buf.write('data', 36); buf.writeUInt32LE(2 * n, 40);
  let seed = 5;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    buf.writeInt16LE((seed >>> 16) - 32768, 44 + 2 * i);
  }
  writeFileSync(file, buf);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} while features computes: no temporary file left, the previous output kept, the process ends by the signal`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-interrupt-'));
    try {
      const wav = path.join(dir, 'long.wav');
      noiseWav(wav, 1200);
      const out = path.join(dir, 'features.npy');
      writeFileSync(out, 'previous run');
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'kernels/cli.ts'), 'features', wav, '--out', out, '--quiet'], {
        cwd: repoRoot, env: { ...process.env, LUNGCAM_THREADS: '1' }, stdio: 'ignore',
      });
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
      // Signal as soon as the temporary file exists: the rows are being computed into it.
      const started = Date.now();
      while (!readdirSync(dir).some((f) => f.endsWith('.tmp'))) {
        assert.ok(Date.now() - started < 60_000, 'the temporary output file never appeared');
        await new Promise((r) => setTimeout(r, 2));
      }
      child.kill(signal);
      const { signal: endedBy } = await ended;
      assert.equal(endedBy, signal, 'the process ended by the signal');
      assert.deepEqual(readdirSync(dir).sort(), ['features.npy', 'long.wav'], 'no temporary file left');
      assert.equal(readFileSync(out, 'utf8'), 'previous run');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
