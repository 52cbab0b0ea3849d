/**
 * `lungcam synth <dir>` on folders it cannot create: one line naming the folder, exit 2, nothing left
 * behind (it used to hang on /proc, where Node's recursive mkdir never returns). A nested new folder is
 * still created level by level.
 */
import { describe, it, after } from 'node:test';
import * as assert from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runLungcam } from './cliHarness';

const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-synth-folder-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function oneLineError(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.strictEqual(r.code, 2, `exit 2 (got ${r.code}; a timeout is null): ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.strictEqual(lines.length, 1, `one line: ${r.stderr}`);
  assert.match(lines[0], pattern);
}

describe('lungcam synth: the output folder', () => {
  it('/proc/x (a file system that refuses new folders): a one-line error, exit 2, no hang', () => {
    const r = runLungcam(['synth', '/proc/lungcam-test-x/corpus', '--count', '2'], { timeoutMs: 30_000 });
    oneLineError(r, /^lungcam: \/proc\/lungcam-test-x\/corpus: cannot create the output folder \(\/proc does not accept new folders\): choose a folder you can write to$/);
  });

  it('a path under a file: says which part is a file', () => {
    const file = path.join(dir, 'notes.txt');
    writeFileSync(file, 'x');
    const r = runLungcam(['synth', path.join(file, 'corpus'), '--count', '1']);
    oneLineError(r, /cannot create the output folder: .*notes\.txt is a file, not a folder$/);
  });

  it('bad options create no folder; a nested new folder is created and filled', () => {
    const bad = path.join(dir, 'bad', 'corpus');
    const r = runLungcam(['synth', bad, '--count', '2', '--seconds', '9-3']);
    assert.strictEqual(r.code, 2, r.stderr);
    assert.ok(!existsSync(path.join(dir, 'bad')), 'no folder for a run that could not start');
    const good = path.join(dir, 'a', 'b', 'corpus');
    const ok = runLungcam(['synth', good, '--count', '1', '--seconds', '2-2', '--quiet']);
    assert.strictEqual(ok.code, 0, ok.stderr);
    assert.ok(readdirSync(good).some((f) => f.endsWith('.wav')));
  });
});
