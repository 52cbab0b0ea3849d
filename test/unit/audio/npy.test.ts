import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeNpy, encodeNpy, readNpy, writeNpy, npyHeader } from '../../../kernels/engine/io/npy';
import { atomicWriteFile } from '../../../kernels/engine/io/atomicWrite';
import { isInputError } from '../../../kernels/engine/errors';

const PY = '/usr/bin/python3';
const hasNumpy = existsSync(PY) && spawnSync(PY, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

test('float32 and float64 round-trip with their shape', () => {
  const f32 = Float32Array.from({ length: 24 }, (_, i) => i / 3 - 2);
  const a = decodeNpy(encodeNpy(f32, [2, 3, 4]));
  assert.deepEqual(a.shape, [2, 3, 4]);
  assert.equal(a.dtype, 'float32');
  assert.deepEqual(Array.from(a.data), Array.from(f32));
  const f64 = Float64Array.from([Math.PI, -1e300, 0]);
  const b = decodeNpy(encodeNpy(f64, [3]));
  assert.deepEqual(b.shape, [3]);
  assert.equal(b.dtype, 'float64');
  assert.deepEqual(Array.from(b.data), Array.from(f64));
  assert.equal(decodeNpy(encodeNpy(f32, [24], 'float64')).dtype, 'float64');
});

test('the header is 64-byte aligned and says C order', () => {
  const h = new TextDecoder().decode(npyHeader([298, 64], 'float32'));
  assert.equal(h.length % 64, 0);
  assert.match(h, /'descr': '<f4', 'fortran_order': False, 'shape': \(298, 64\)/);
  assert.match(new TextDecoder().decode(npyHeader([5], 'float64')), /'shape': \(5,\)/);
});

test('bad .npy bytes are input errors', () => {
  assert.throws(() => decodeNpy(new Uint8Array([1, 2, 3]), 'x.npy'), isInputError);
  const good = encodeNpy(new Float32Array(10), [10]);
  assert.throws(() => decodeNpy(good.subarray(0, good.length - 4), 'x.npy'), /truncated/);
});

test('numpy reads what we write and we read what numpy writes', { skip: !hasNumpy && 'Debian python3-numpy not installed' }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-npy-'));
  try {
    const ours = path.join(dir, 'ours.npy');
    await writeNpy(ours, Float32Array.from([1.5, -2, 3.25, 4, 5, 6]), [2, 3]);
    const theirs = path.join(dir, 'theirs.npy');
    const r = spawnSync(PY, ['-c', `import numpy as np, sys
a = np.load(sys.argv[1]); assert a.dtype == np.float32 and a.shape == (2, 3) and a[0, 2] == 3.25 and a.flags.c_contiguous, a
np.save(sys.argv[2], np.arange(12, dtype=np.float64).reshape(3, 4) / 8)`, ours, theirs], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const t = await readNpy(theirs);
    assert.deepEqual(t.shape, [3, 4]);
    assert.equal(t.dtype, 'float64');
    assert.equal(t.data[5], 5 / 8);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('atomicWriteFile leaves no partial or temp file when it fails, and replaces whole files', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-atomic-'));
  try {
    const target = path.join(dir, 'out.bin');
    writeFileSync(target, 'old');
    await atomicWriteFile(target, [new Uint8Array([1, 2]), 'x']);
    assert.deepEqual(readdirSync(dir), ['out.bin']);
    await assert.rejects(atomicWriteFile(path.join(dir, 'missing', 'out.bin'), 'data'), (e: unknown) => isInputError(e) && /does not exist/.test((e as Error).message));
    await assert.rejects(atomicWriteFile(path.join(dir, 'out.bin', 'x.npy'), 'data'), isInputError);
    assert.deepEqual(readdirSync(dir), ['out.bin']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
