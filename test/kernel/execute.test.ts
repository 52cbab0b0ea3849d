// Executing cells in a real tslab kernel: state, streams, displays, type and runtime errors. Each test
// starts its own kernel, so one test's kernel trouble never fails the next.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { TslabKernel } from '../../kernels/client/kernel';
import { collect, requireBuild, tempDir } from './helpers';

describe('tslab kernel: execute', () => {
  let kernel: TslabKernel;
  let cwd: string;

  beforeEach(async () => {
    requireBuild();
    cwd = tempDir();
    kernel = await TslabKernel.start({ cwd });
  });
  afterEach(() => kernel?.shutdown());

  it('runs a cell, keeps its variables for later cells, and counts executions', async () => {
    const a = collect();
    const first = await kernel.execute('let total = 40;\nconst add = (x: number) => total + x;', a);
    assert.equal(first.status, 'ok');
    const b = collect();
    const second = await kernel.execute('add(2)', b);
    assert.equal(second.status, 'ok');
    assert.equal(b.stdout().trim(), '42');
    assert.ok(first.executionCount! >= 1);
    assert.equal(second.executionCount, first.executionCount! + 1);
  });

  it('runs in the folder it was started in (relative paths in cells resolve there)', async () => {
    const c = collect();
    await kernel.execute('process.cwd()', c);
    assert.equal(c.stdout().trim(), cwd);
  });

  it('streams stdout and stderr in the order the cell wrote them, with top-level await', async () => {
    const c = collect();
    const r = await kernel.execute(
      'for (let i = 0; i < 30; i++) {\n  if (i % 10 === 9) console.error(`err ${i}`); else console.log(`out ${i}`);\n  if (i % 5 === 0) await new Promise((r) => setTimeout(r, 5));\n}',
      c,
    );
    assert.equal(r.status, 'ok');
    const lines = c.streams.map((s) => s.text).join('').trim().split('\n');
    assert.deepEqual(lines, Array.from({ length: 30 }, (_, i) => (i % 10 === 9 ? `err ${i}` : `out ${i}`)));
    assert.equal(c.stderr(), 'err 9\nerr 19\nerr 29\n');
  });

  it('delivers output written while the cell is still running, before it finishes', async () => {
    let firstAt = 0;
    const c = collect();
    const started = Date.now();
    const done = kernel.execute('console.log("early");\nawait new Promise((r) => setTimeout(r, 800));\nconsole.log("late");', {
      ...c,
      onStream(name, text) {
        if (!firstAt) firstAt = Date.now();
        c.onStream!(name, text);
      },
    });
    await done;
    const finishedAt = Date.now();
    assert.ok(firstAt > 0 && firstAt - started < finishedAt - started - 500, 'first line arrived only at the end');
    assert.equal(c.stdout(), 'early\nlate\n');
  });

  it('lc.show emits one display_data with the LungCAM JSON, a PNG and a text fallback', async () => {
    const c = collect();
    const r = await kernel.execute(
      'import * as lc from "lungcam";\nconst tone = new Float32Array(8000).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000));\n' +
        'lc.show({ samples: tone, sampleRate: 16000, channels: 1, durationSeconds: 0.5, warnings: [] }, { fileName: "tone.wav" });',
      c,
    );
    assert.equal(r.status, 'ok', c.stderr());
    assert.equal(c.displays.length, 1);
    const { kind, message } = c.displays[0];
    assert.equal(kind, 'display_data');
    assert.deepEqual(Object.keys(message.data).sort(), ['application/vnd.lungcam.audio+json', 'image/png', 'text/plain']);
    const audio = message.data['application/vnd.lungcam.audio+json'] as { kind: string; source: { fileName: string }; envelope: { max: number[] }; wavDataUrl: string };
    assert.equal(audio.kind, 'audio');
    assert.equal(audio.source.fileName, 'tone.wav');
    assert.ok(Math.abs(Math.max(...audio.envelope.max) - 0.5) < 0.01);
    assert.match(audio.wavDataUrl, /^data:audio\/wav;base64,/);
    const png = Buffer.from(message.data['image/png'] as string, 'base64');
    assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
    const idat = png.indexOf('IDAT');
    assert.ok(inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4))).length > 0);
    assert.match(message.data['text/plain'] as string, /tone\.wav.*0\.50 s.*16000 Hz/);
    assert.equal(c.stdout(), '', 'show must not also print the bundle');
  });

  it('lc.show with a display id replaces that output in place (update_display_data)', async () => {
    await kernel.execute('import * as lc from "lungcam";\nconst tone = new Float32Array(8000).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000));', collect());
    const c = collect();
    const cell = (gain: number) =>
      `lc.show({ samples: tone.map((x) => x * ${gain}), sampleRate: 16000, channels: 1, durationSeconds: 0.5, warnings: [] }, { displayId: "level" });`;
    await kernel.execute(cell(1), c);
    await kernel.execute(cell(0.5), c);
    assert.deepEqual(c.displays.map((d) => [d.kind, d.message.displayId]), [['display_data', 'level'], ['update_display_data', 'level']]);
    const peak = (i: number) => Math.max(...(c.displays[i].message.data['application/vnd.lungcam.audio+json'] as { envelope: { max: number[] } }).envelope.max);
    assert.ok(Math.abs(peak(1) - peak(0) / 2) < 0.01);
  });

  it('type-checks cells against the engine declarations: a wrong call is a TypeScript error at its line and column', async () => {
    assert.equal((await kernel.execute('import * as lc from "lungcam";', collect())).status, 'ok');
    const ok = collect();
    const good = await kernel.execute('const mime: string = lc.MIME.cam;\nmime', ok);
    assert.equal(good.status, 'ok', ok.stderr());
    assert.equal(ok.stdout().trim(), 'application/vnd.lungcam.cam+json');
    const bad = await kernel.execute('const x = 1;\nlc.nonexistent(x);', collect());
    assert.equal(bad.status, 'error');
    assert.equal(bad.error!.ename, 'TypeScript');
    assert.deepEqual(bad.error!.diagnostics.map((d) => [d.line, d.column]), [[2, 4]]);
    assert.match(bad.error!.diagnostics[0].message, /Property 'nonexistent' does not exist/);
    const wrongType = await kernel.execute('const n: number = lc.MIME.audio;', collect());
    assert.match(wrongType.error!.evalue, /not assignable to type 'number'/);
  });

  it('reports a runtime error with its name, message and the cell frames, and keeps the kernel usable', async () => {
    await kernel.execute('let total = 40;', collect());
    const c = collect();
    const r = await kernel.execute('function explode() {\n  throw new RangeError("band out of range");\n}\nexplode();', c);
    assert.equal(r.status, 'error');
    assert.equal(r.error!.ename, 'RangeError');
    assert.equal(r.error!.evalue, 'band out of range');
    assert.ok(r.error!.traceback.some((l) => l.includes('explode')), r.error!.traceback.join('\n'));
    assert.ok(!r.error!.traceback.some((l) => l.includes('tslab/dist')), 'tslab internals leak into the traceback');
    const after = collect();
    assert.equal((await kernel.execute('total', after)).status, 'ok');
    assert.equal(after.stdout().trim(), '40');
  });

  it('shows a LungcamInputError as one line, without a stack', async () => {
    const r = await kernel.execute('import * as lc from "lungcam";\nlc.show(42)', collect());
    assert.equal(r.error!.ename, 'LungcamInputError');
    assert.match(r.error!.evalue, /^lc\.show: cannot show number/);
    assert.deepEqual(r.error!.traceback, []);
  });

  it('answers the heartbeat', async () => {
    assert.equal(await kernel.ping(), true);
  });
});
