// bin/lungcam.js, the launcher: it loads the CLI bundle through a per-command V8 code cache. What a user
// would notice: the second run gives the same output as the first, a damaged or stale cache never breaks
// a run (it is rewritten), a failed run stores nothing, and LUNGCAM_NO_CODE_CACHE=1 skips the cache.
// The launcher runs from a temp copy of bin/ beside a fresh bundle of kernels/cli.ts (as `npm run build`
// lays them out), with its own temp folder for the cache.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { pcm16Wav, sine } from './audio/wavBuilder';

const repoRoot = path.resolve(__dirname, '../..');
let dir: string;
let launcher: string;
let cacheRoot: string;
let wav: string;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'lungcam-launcher-'));
  mkdirSync(path.join(dir, 'bin'));
  launcher = path.join(dir, 'bin', 'lungcam.js');
  copyFileSync(path.join(repoRoot, 'bin', 'lungcam.js'), launcher);
  buildSync({
    absWorkingDir: repoRoot, entryPoints: ['kernels/cli.ts'], outfile: path.join(dir, 'dist', 'kernels', 'cli.js'), bundle: true,
    platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'error',
    nodePaths: [path.join(repoRoot, 'node_modules')],
  });
  cacheRoot = path.join(dir, 'tmp');
  mkdirSync(cacheRoot);
  wav = path.join(dir, 'tone.wav');
  writeFileSync(wav, pcm16Wav(sine(440, 2, 16000, 0.5), 16000));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function lungcam(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [launcher, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules'), TMPDIR: cacheRoot, LUNGCAM_NO_CODE_CACHE: '', LUNGCAM_CODE_CACHE_RESET: '', ...env },
  });
}

const cacheFiles = () => {
  const folders = readdirSync(cacheRoot).filter((f) => f.startsWith('lungcam-v8-cache'));
  return folders.flatMap((f) => readdirSync(path.join(cacheRoot, f)).map((n) => path.join(cacheRoot, f, n)));
};

test('the first successful run stores a code cache for its command; later runs use it and give the same bytes', () => {
  const first = lungcam(['features', wav, '--out', path.join(dir, 'a.npy'), '--quiet']);
  assert.equal(first.status, 0, first.stderr);
  const files = cacheFiles();
  assert.equal(files.length, 1, `one cache file: ${files}`);
  assert.match(path.basename(files[0]), /-features-/);
  if (process.platform !== 'win32') assert.equal(statSync(path.dirname(files[0])).mode & 0o077, 0, 'private folder');
  const stored = statSync(files[0]).mtimeMs;
  const second = lungcam(['features', wav, '--out', path.join(dir, 'b.npy'), '--quiet']);
  assert.equal(second.status, 0, second.stderr);
  assert.deepEqual(readFileSync(path.join(dir, 'b.npy')), readFileSync(path.join(dir, 'a.npy')));
  assert.equal(statSync(files[0]).mtimeMs, stored, 'an accepted cache is not rewritten');
});

test('a damaged cache is ignored and rewritten; a failed run or LUNGCAM_NO_CODE_CACHE=1 stores nothing', () => {
  const [file] = cacheFiles().filter((f) => /-features-/.test(f));
  writeFileSync(file, 'not a V8 code cache');
  const r = lungcam(['features', wav, '--out', path.join(dir, 'c.npy'), '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readFileSync(path.join(dir, 'c.npy')), readFileSync(path.join(dir, 'a.npy')));
  assert.notEqual(readFileSync(file, 'utf8').slice(0, 19), 'not a V8 code cache', 'rewritten');

  const bad = lungcam(['synth', path.join(dir, 'missing', 'deeper'), '--count', 'x']);
  assert.equal(bad.status, 2);
  const off = lungcam(['view', '--help'], { LUNGCAM_NO_CODE_CACHE: '1' });
  assert.equal(off.status, 0, off.stderr);
  assert.match(off.stdout, /Usage: lungcam view/);
  assert.deepEqual(cacheFiles().map((f) => path.basename(f).split('-')[1]), ['features'], 'no cache for the failed run or with the cache off');
});
