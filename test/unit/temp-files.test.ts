// Temporary files of atomic writes: a killed run leaves one that says what it is and whose it is, and the
// next run that writes into that folder removes it, while temps of running writers are never touched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runLungcam } from './cliHarness';
import { pcm16Wav, sine } from './audio/wavBuilder';
import { isStaleTemp, processStartTicks, tempNameBeside } from '../../kernels/engine/io/tempFiles';

let dir: string;
before(() => { dir = mkdtempSync(path.join(tmpdir(), 'lungcam-temps-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

const temps = () => readdirSync(dir).filter((n) => n.endsWith('.tmp')).sort();

/** A process that opens an atomic write of `target` the way the CLI does, then is SIGKILLed mid-write. */
async function killedWriter(target: string): Promise<string> {
  const script = `
    const { openAtomicFileSync } = require(${JSON.stringify(path.resolve(__dirname, '../../kernels/engine/io/atomicWrite.ts'))});
    const f = openAtomicFileSync(${JSON.stringify(target)});
    require('node:fs').writeSync(f.fd, Buffer.alloc(1 << 20));
    process.stdout.write('writing\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('writing') && resolve());
    child.on('exit', (code) => reject(new Error(`writer exited early (${code})`)));
  });
  child.removeAllListeners('exit');
  const gone = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await gone;
  return String(child.pid);
}

test('a SIGKILLed write leaves a temp named for its target and writer; the next run in that folder removes it', async () => {
  const pid = await killedWriter(path.join(dir, 'rec.npy'));
  const left = temps();
  assert.equal(left.length, 1);
  assert.match(left[0], new RegExp(`^\\.rec\\.npy\\.lungcam-partial\\.${pid}-\\d+\\.\\w+\\.tmp$`));
  assert.ok(isStaleTemp(left[0]));
  const wav = path.join(dir, 'short.wav');
  writeFileSync(wav, pcm16Wav(sine(440, 1, 16000, 0.5)));
  const r = runLungcam(['features', wav, '--out', path.join(dir, 'short.npy')]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(temps(), [], 'the stale temp was swept');
  assert.ok(existsSync(path.join(dir, 'short.npy')));
});

test('temps of running writers stay: this process, and any live process with its own start time', () => {
  const mine = path.basename(tempNameBeside(path.join(dir, 'a.json')));
  assert.match(mine, new RegExp(`^\\.a\\.json\\.lungcam-partial\\.${process.pid}-${processStartTicks('self')}\\.`));
  assert.equal(isStaleTemp(mine), false);
  const parent = process.ppid;
  const parentStart = processStartTicks(parent);
  assert.notEqual(parentStart, null);
  assert.equal(isStaleTemp(`.b.npy.lungcam-partial.${parent}-${parentStart}.0.tmp`), false, 'live writer');
  if (parentStart) assert.equal(isStaleTemp(`.b.npy.lungcam-partial.${parent}-${parentStart + 1}.0.tmp`), true, 'the id was reused by another process');
  assert.equal(isStaleTemp('.b.npy.lungcam-partial.2147483646-5.0.tmp'), true, 'no such process');
  assert.equal(isStaleTemp('.b.npy.12345.tmp'), false, 'not ours: never touched');
  // A CLI run in the folder keeps the live ones.
  const live = `.c.npy.lungcam-partial.${parent}-${parentStart}.0.tmp`;
  writeFileSync(path.join(dir, live), 'x');
  const wav = path.join(dir, 'again.wav');
  writeFileSync(wav, pcm16Wav(sine(440, 1, 16000, 0.5)));
  assert.equal(runLungcam(['features', wav, '--out', path.join(dir, 'again.npy')]).code, 0);
  assert.deepEqual(temps(), [live]);
});
