// `lungcam batch` end to end with the built CLI: one process (`--local 1`) as the reference; a real Dask
// cluster on loopback (scheduler + two workers started here) gives the same files byte for byte, also
// when a worker is killed mid-run; a second run skips what is done; a scheduler that goes away stops the
// batch with what is done kept, and a rerun resumes; a plain folder of WAVs; bad options.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDaskCluster, type TestDaskCluster } from '../../lib/daskCluster';
import { freePort } from '../../lib/jupyterServer';

const root = path.resolve(__dirname, '../../..');
const bin = path.join(root, 'bin', 'lungcam.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI; `whileRunning` gets the child to act on it mid-run. */
function lungcam(args: string[], whileRunning?: () => Promise<void>): Promise<Run> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return whileRunning ? whileRunning().then(() => done) : done;
}

const records = (out: string) => (existsSync(path.join(out, 'recordings')) ? readdirSync(path.join(out, 'recordings')).filter((f) => f.endsWith('.json')) : []);

async function waitForRecords(out: string, n: number, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (records(out).length < n) {
    if (Date.now() > deadline) throw new Error(`fewer than ${n} recordings done in ${out} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every output file of a batch (not the plan, which records the shard size) → its bytes. */
function outputs(out: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const f of readdirSync(path.join(out, 'recordings')).sort()) files.set(`recordings/${f}`, readFileSync(path.join(out, 'recordings', f)));
  for (const f of ['summary.csv', 'summary.json']) files.set(f, readFileSync(path.join(out, f)));
  return files;
}

function assertSameOutputs(actual: string, expected: string): void {
  const a = outputs(actual);
  const e = outputs(expected);
  assert.deepEqual([...a.keys()], [...e.keys()]);
  for (const [name, bytes] of e) assert.ok(a.get(name)!.equals(bytes), `${name} differs from the --local 1 run`);
}

describe('lungcam batch', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'lungcam-batch-test-'));
  const dataset = path.join(work, 'dataset');
  const reference = path.join(work, 'local1');
  let cluster: TestDaskCluster | undefined;

  before(async () => {
    assert.ok(existsSync(path.join(root, 'dist', 'kernels', 'cli.js')), 'run `npm run build` first');
    const synth = await lungcam(['synth', dataset, '--count', '4', '--seed', '11', '--seconds', '3-4']);
    assert.equal(synth.code, 0, synth.stderr);
    writeFileSync(path.join(dataset, 'broken.wav'), 'not a wav'); // the reader skips it, counted
  });
  after(async () => {
    await cluster?.stop();
  });

  it('--local 1: per-recording outputs and a summary table with predictions, cycle verdicts and attention by band', async () => {
    const r = await lungcam(['batch', dataset, '--out', reference, '--what', 'classify,gradcam,features', '--local', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /summary\.csv: 4 recording\(s\), 4 explained, 1 skipped; cycles right \d+\/\d+; 4 this run, [\d.]+ recordings\/min/);
    const csv = readFileSync(path.join(reference, 'summary.csv'), 'utf8').trim().split('\n');
    assert.equal(csv.length, 5);
    assert.match(csv[0], /^name,database,patient,duration_s,label,p_normal,p_crackle,p_wheeze,p_both,cycles,cycles_right,cycles_wrong,attention_0-250Hz,.*,attention_2000\+Hz,error$/);
    const record = JSON.parse(readFileSync(path.join(reference, 'recordings', `${csv[1].split(',')[0]}.json`), 'utf8'));
    assert.ok(record.cycles.length > 0 && record.cycles.every((c: { annotated: string }) => c.annotated));
    const shares = Object.values(record.gradcam.attentionShare) as number[];
    assert.ok(Math.abs(shares.reduce((s, v) => s + v, 0) - 1) < 1e-9);
    const npy = readFileSync(path.join(reference, 'recordings', record.gradcam.file));
    assert.equal(npy.length, 128 + 4 * record.gradcam.frames * record.gradcam.bands, 'the Grad-CAM NPY is [frames, bands] float32');
    assert.ok(existsSync(path.join(reference, 'recordings', record.features.file)));
    const summary = JSON.parse(readFileSync(path.join(reference, 'summary.json'), 'utf8'));
    assert.equal(summary.skippedRecordings[0].reason, 'unreadable-audio');
  });

  it('on a Dask cluster (scheduler + two workers): the same files as --local 1, with a worker killed mid-run', async () => {
    cluster = await startDaskCluster(2);
    const out = path.join(work, 'dask');
    const r = await lungcam(['batch', dataset, '--out', out, '--what', 'classify,gradcam,features', '--scheduler', cluster.address, '--shard-size', '1'], async () => {
      await waitForRecords(out, 1);
      await cluster!.killWorker(0);
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /4 to do in 4 shard\(s\) on the Dask cluster/);
    assertSameOutputs(out, reference);

    const mtimes = records(out).map((f) => statSync(path.join(out, 'recordings', f)).mtimeMs);
    const again = await lungcam(['batch', dataset, '--out', out, '--what', 'features,gradcam,classify', '--scheduler', cluster.address]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /4 done before, 0 to do/);
    assert.deepEqual(records(out).map((f) => statSync(path.join(out, 'recordings', f)).mtimeMs), mtimes, 'a done recording was computed again');
  });

  it('a scheduler that goes away stops the batch with what is done kept; a rerun resumes to the same files', async () => {
    const out = path.join(work, 'lost');
    const c = cluster!;
    const r = await lungcam(['batch', dataset, '--out', out, '--what', 'classify,gradcam,features', '--scheduler', c.address, '--shard-size', '1'], async () => {
      await waitForRecords(out, 1);
      await c.killScheduler();
    });
    if (records(out).length < 4) {
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /the recordings done are kept: rerun the same command to resume/);
    }
    const resumed = await lungcam(['batch', dataset, '--out', out, '--what', 'classify,gradcam,features', '--local', '2']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assertSameOutputs(out, reference);
  });

  it('a plain folder of WAVs (no annotations): predictions and attention, no cycle verdicts', async () => {
    const plain = path.join(work, 'plain');
    mkdirSync(plain);
    for (const f of readdirSync(dataset).filter((f) => /\.wav$/.test(f) && f !== 'broken.wav').slice(0, 2)) copyFileSync(path.join(dataset, f), path.join(plain, f));
    const out = path.join(work, 'plain-out');
    const r = await lungcam(['batch', plain, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const rows = readFileSync(path.join(out, 'summary.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    assert.equal(rows.length, 2);
    for (const row of rows) {
      assert.equal(row[1], 'unannotated');
      assert.equal(row[9], '', 'cycles given for a recording without annotations');
    }
  });

  it('bad input: one line naming what is wrong, exit 2, nothing half-written', async () => {
    const what = await lungcam(['batch', dataset, '--out', path.join(work, 'x'), '--what', 'classify,saliency']);
    assert.equal(what.code, 2);
    assert.match(what.stderr, /--what takes a comma-separated list of classify, gradcam, features \(got "classify,saliency"\)/);
    const closed = await freePort();
    const started = Date.now();
    const noScheduler = await lungcam(['batch', dataset, '--out', path.join(work, 'nosched'), '--scheduler', `tcp://127.0.0.1:${closed}`]);
    assert.equal(noScheduler.code, 2);
    assert.match(noScheduler.stderr, /cannot reach the Dask scheduler at tcp:\/\/127\.0\.0\.1:\d+/);
    assert.ok(Date.now() - started < 90_000);
    assert.deepEqual(records(path.join(work, 'nosched')), []);
    const other = await lungcam(['batch', dataset, '--out', reference, '--what', 'classify']);
    assert.equal(other.code, 2);
    assert.match(other.stderr, /holds a batch made with what \["classify","gradcam","features"\], not \["classify"\]: rerun with the same options to resume it, or give another --out/);
    const address = await lungcam(['batch', dataset, '--out', path.join(work, 'y'), '--scheduler', 'localhost:8786']);
    assert.equal(address.code, 2);
    assert.match(address.stderr, /is not a Dask scheduler address: give tcp:\/\/HOST:8786/);
    unlinkSync(path.join(dataset, 'broken.wav'));
  });
});
