// The `lungcam` kernel on a real Jupyter Server (Debian's jupyter-server, loopback, token) through
// RemoteKernel: cells run in the notebook's folder on the server, outputs and errors as locally,
// interrupt, restart, a kernel that exits; and every way the server can fail, each with its sentence.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KernelDiedError } from '../../kernels/client/executeEvents';
import { checkServer, JupyterServerError, parseServerAddress } from '../../kernels/client/jupyterServer';
import { RemoteKernel } from '../../kernels/client/remoteKernel';
import { cuttableRelay, freePort, startJupyterServer, type TestJupyterServer } from '../lib/jupyterServer';
import { collect, requireBuild, root, tempDir } from './helpers';

const rejection = (p: Promise<unknown>) => p.then(() => assert.fail('expected a rejection'), (e) => e as Error);

describe('remote kernel on a Jupyter Server', () => {
  let server: TestJupyterServer;
  let kernel: RemoteKernel;
  let serverRoot: string;
  before(async () => {
    requireBuild();
    serverRoot = tempDir('lungcam-server-root-');
    mkdirSync(path.join(serverRoot, 'study'));
    writeFileSync(path.join(serverRoot, 'study', 'note.txt'), 'on the server\n');
    server = await startJupyterServer({ packageRoot: root, rootDir: serverRoot });
    kernel = await RemoteKernel.start({ server: { baseUrl: server.url, token: server.token }, notebookPath: 'study/analysis.lungnb', interruptGraceMs: 4000 });
  });
  after(async () => {
    await kernel?.shutdown();
    await server?.stop();
  });

  it('runs cells in the notebook\'s folder on the server: streams, LungCAM outputs, TypeScript errors', async () => {
    assert.equal(kernel.folder, path.join(serverRoot, 'study'));
    const out = collect();
    const ok = await kernel.execute('import * as fs from "fs";\nimport * as lc from "lungcam";\nlet count = 2;\nconsole.log(fs.readFileSync("note.txt", "utf8").trim(), count);', out);
    assert.equal(ok.status, 'ok', JSON.stringify(ok.error));
    assert.equal(out.stdout(), 'on the server 2\n');
    const shown = collect();
    await kernel.execute('lc.show({ samples: new Float32Array(1600).fill(0.25), sampleRate: 16000, channels: 1, durationSeconds: 0.1, warnings: [] }, { fileName: "flat.wav" });', shown);
    assert.deepEqual(Object.keys(shown.displays[0].message.data).sort(), ['application/vnd.lungcam.audio+json', 'image/png', 'text/plain']);
    const bad = await kernel.execute('const n: number = 1;\nlc.nonexistent(n);', collect());
    assert.equal(bad.status, 'error');
    assert.equal(bad.error?.ename, 'TypeScript');
    assert.equal(bad.error?.diagnostics[0].line, 2);
    const next = collect();
    assert.equal((await kernel.execute('count + 1', next)).status, 'ok', 'a cell right after a failed one is not aborted');
  });

  it('interrupts a synchronous loop and keeps the variables; restart starts a fresh kernel', async () => {
    const running = kernel.execute('while (true) {}', collect());
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await kernel.interrupt(), 'interrupted');
    const outcome = await running;
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.error?.ename, 'Interrupted');
    const kept = collect();
    await kernel.execute('console.log(count * 10)', kept);
    assert.equal(kept.stdout().trim(), '20');
    await kernel.restart();
    assert.equal(kernel.status, 'idle');
    const fresh = await kernel.execute('count', collect());
    assert.equal(fresh.status, 'error', 'variables survived a restart');
  });

  it('reports a kernel that exits in a cell (the server restarts it) and runs the next cell', async () => {
    const e = await rejection(kernel.execute('process.exit(3)', collect()));
    assert.ok(e instanceof KernelDiedError);
    assert.match(e.message, /stopped .* and the server restarted it/);
    const after = collect();
    for (let i = 0; i < 100 && kernel.status !== 'idle'; i++) await new Promise((r) => setTimeout(r, 200));
    assert.equal((await kernel.execute('console.log("back")', after)).status, 'ok');
    assert.equal(after.stdout(), 'back\n');
  });
});

describe('remote kernel: a server that cannot be used', () => {
  let server: TestJupyterServer;
  let bare: TestJupyterServer;
  before(async () => {
    requireBuild();
    [server, bare] = await Promise.all([
      startJupyterServer({ packageRoot: root, rootDir: tempDir('lungcam-server-root-') }),
      startJupyterServer({ packageRoot: root, rootDir: tempDir('lungcam-server-root-'), kernelspec: false }),
    ]);
  });
  after(async () => {
    await Promise.all([server?.stop(), bare?.stop()]);
  });

  it('reads the address and token `jupyter server list` prints, and a JupyterHub page', () => {
    assert.deepEqual(parseServerAddress('http://127.0.0.1:8888/?token=abc'), { baseUrl: 'http://127.0.0.1:8888/', token: 'abc' });
    assert.deepEqual(parseServerAddress('https://hub.example.org/user/ana/lab/tree/x.ipynb'), { baseUrl: 'https://hub.example.org/user/ana/' });
    assert.throws(() => parseServerAddress('127.0.0.1:8888'), (e: Error) => e instanceof JupyterServerError && /not an http\(s\) URL|not a URL/.test(e.message));
  });

  it('an unreachable server, a wrong token, a server without the kernelspec: one sentence each, no wait', async () => {
    const closed = await freePort();
    const started = Date.now();
    const unreachable = await rejection(RemoteKernel.start({ server: { baseUrl: `http://127.0.0.1:${closed}/`, token: 'x' }, notebookPath: 'a.lungnb' }));
    assert.ok(unreachable instanceof JupyterServerError && unreachable.reason === 'unreachable', unreachable.message);
    assert.match(unreachable.message, /Cannot reach the Jupyter Server at http:\/\/127\.0\.0\.1:\d+\/ \(.*ECONNREFUSED.*\)\. Check the URL/);
    assert.ok(Date.now() - started < 10_000);

    const token = await rejection(checkServer({ baseUrl: server.url, token: 'wrong' }));
    assert.ok(token instanceof JupyterServerError && token.reason === 'token', token.message);
    assert.match(token.message, /refused the token \(HTTP 403\)\. Copy the token from the server/);

    const missing = await rejection(RemoteKernel.start({ server: { baseUrl: bare.url, token: bare.token }, notebookPath: 'a.lungnb' }));
    assert.ok(missing instanceof JupyterServerError && missing.reason === 'no-kernelspec', missing.message);
    assert.match(missing.message, /has no "lungcam" kernel .*npm install -g .*lungcam jupyter-install/);

    const notJupyter = await rejection(checkServer({ baseUrl: `${server.url}nothing/here/`, token: server.token }));
    assert.ok(notJupyter instanceof JupyterServerError && notJupyter.reason === 'not-jupyter', notJupyter.message);
  });

  it('a connection lost mid-cell fails the cell with what to do, reports the death; a restart says the server is out of reach', async () => {
    const relay = await cuttableRelay(server.port);
    const kernel = await RemoteKernel.start({ server: { baseUrl: `http://127.0.0.1:${relay.port}/`, token: server.token }, notebookPath: 'lost.lungnb', reconnectGraceMs: 1500, requestTimeoutMs: 3000 });
    try {
      const deaths: string[] = [];
      kernel.onDeath((r) => deaths.push(r));
      const running = rejection(kernel.execute('await new Promise((r) => setTimeout(r, 60_000));', collect()));
      await new Promise((r) => setTimeout(r, 1500));
      const cutAt = Date.now();
      await relay.cut();
      const e = await running;
      assert.ok(Date.now() - cutAt < 15_000, `the cell took ${Date.now() - cutAt} ms to fail`);
      assert.ok(e instanceof KernelDiedError, String(e));
      assert.match(e.message, /Lost the connection to the Jupyter Server at .* Check that the server is running and reachable, then Restart Kernel/);
      assert.equal(kernel.status, 'dead');
      assert.equal(deaths.length, 1);
      const restart = await rejection(kernel.restart());
      assert.match(restart.message, /Cannot reach the Jupyter Server/);
    } finally {
      await kernel.shutdown();
    }
  });
});
