// Streamed JSON output files (io/jsonStream.ts): the file's text is exactly JSON.stringify of the whole
// document, whatever the document holds; it is written atomically (nothing left when an item throws).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jsonText, streamedArray, writeJsonFile } from '../../../kernels/engine/io/jsonStream';

const rows = (n: number) => Array.from({ length: n }, (_, i) => [i, i / 3, -i * 1e-9, Number.NaN]);

test('a streamed document has the text JSON.stringify gives the same document held whole', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-json-'));
  try {
    const whole = {
      kind: 'x', quote: 'a "b" \u0000 é', none: null, skipped: undefined, flags: [true, false],
      data: rows(2500), empty: [], nested: { deep: rows(3), more: [rows(2), 'tail'] }, last: 1,
      base64: Buffer.alloc(300000, 7).toString('base64'), longText: 'é"'.repeat(70000),
    };
    const streamed = {
      ...whole,
      data: streamedArray(2500, (i) => rows(2500)[i]),
      empty: streamedArray(0, () => 0),
      nested: { deep: streamedArray(3, (i) => rows(3)[i]), more: streamedArray(2, (i) => (i === 0 ? streamedArray(2, (j) => rows(2)[j]) : 'tail')) },
    };
    const file = path.join(dir, 'doc.json');
    await writeJsonFile(file, streamed);
    assert.equal(readFileSync(file, 'utf8'), JSON.stringify(whole));
    assert.equal(jsonText(streamed), JSON.stringify(whole));
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).data[2499], [2499, 2499 / 3, -2499e-9, null]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an item that throws leaves no output and no temporary file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-json-'));
  try {
    const doc = { data: streamedArray(100000, (i) => { if (i === 90000) throw new Error('disk on fire'); return [i]; }) };
    await assert.rejects(writeJsonFile(path.join(dir, 'doc.json'), doc), /disk on fire/);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
