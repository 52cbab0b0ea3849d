/**
 * End to end through `npm start` itself (scripts/start.mjs): it prints a URL, Chromium opens it (VS Code
 * with samples/ and LungCAM loaded), the tests check what is on screen (screenshots in
 * test-artifacts/e2e/), and Ctrl-C stops the server.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
// @ts-expect-error: plain ESM helpers shared with the launcher scripts (no type declarations)
import { launchChromium, freePort } from '../../scripts/lib/code-server.mjs';
// @ts-expect-error: plain ESM helper (no type declarations)
import { isAlive } from '../../scripts/lib/processes.mjs';
// @ts-expect-error: plain ESM helper (no type declarations)
import { freshRunDir, removeRunDir } from '../../scripts/lib/run-dirs.mjs';
import { inWebviews, quickOpen, runCommand, waitForWorkbench } from './vscode';
import { npmStart, type NpmStart } from './npmStart';
import { makeCamOutput } from '../renderer/fixtures';
import { MIME } from '../../kernels/shared/outputTypes';

const root = path.resolve(__dirname, '..', '..');
const artifacts = path.join(root, 'test-artifacts', 'e2e');
const samples = path.join(root, 'samples');
// Editor lines render spaces as non-breaking spaces: \s matches both.
const starterImport = /import\s\*\sas\slc\sfrom\s"lungcam";/;

describe('npm start: VS Code UI with LungCAM (code-server + Chromium)', () => {
  let server: NpmStart | undefined;
  let chromium: { pid: number; browser: import('playwright-core').Browser; stop: () => Promise<void> } | undefined;
  let page: Page;
  let runDir: string;

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    runDir = freshRunDir('e2e');
    // test-e2e.mjs has built and set up code-server; a fresh state folder and a free port.
    server = await npmStart(['--skip-build', '--port', String(await freePort()), '--state-dir', runDir]);
    chromium = await launchChromium();
    console.log(`# npm start printed ${server!.url} (code-server pid ${server!.serverPid}); chromium pid ${chromium!.pid}`);
    page = await chromium!.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server!.url);
    await waitForWorkbench(page);
  });

  after(async () => {
    await chromium?.stop();
    await server?.kill();
    if (runDir) removeRunDir(runDir); // screenshots live in test-artifacts/e2e, not here
  });

  it('opens samples/notebooks/welcome.lungnb as a LungCAM notebook showing its cells', async () => {
    assert.strictEqual(new URL(server!.url).searchParams.get('folder'), samples, 'the URL opens samples/');
    await assert.doesNotReject(page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'notebooks' }).first().waitFor({ timeout: 60_000 }), 'the explorer shows samples/notebooks');
    await quickOpen(page, 'welcome.lungnb');
    const notebook = page.locator('.notebookOverlay:visible');
    await notebook.waitFor({ timeout: 60_000 });
    // The markdown cell is rendered (a heading, not source text) and the code cell shows its TypeScript.
    const heading = await inWebviews(page, 'h1');
    assert.strictEqual(await heading.innerText(), 'Welcome to LungCAM');
    const code = notebook.locator('.cell.code .view-lines').filter({ hasText: starterImport });
    await code.waitFor({ timeout: 60_000 });
    assert.strictEqual(await notebook.locator('.cell-list-container .monaco-list-row').count(), 2, 'two cells on screen');
    const tab = page.locator('.tabs-container .tab.active');
    assert.match(await tab.innerText(), /welcome\.lungnb/);
    const shot = path.join(artifacts, 'welcome-notebook.png');
    await page.screenshot({ path: shot });
    console.log(`# screenshot: ${path.relative(root, shot)}`);
  });

  it('LungCAM: New Notebook from the command palette opens an untitled notebook with the starter cell', async () => {
    await runCommand(page, 'LungCAM: New Notebook');
    const tab = page.locator('.tabs-container .tab.active');
    await assert.doesNotReject(tab.filter({ hasText: /Untitled/ }).waitFor({ timeout: 30_000 }));
    const code = page.locator('.notebookOverlay:visible .cell.code .view-lines').filter({ hasText: starterImport });
    await assert.doesNotReject(code.waitFor({ timeout: 60_000 }), 'the starter cell is on screen');
    const shot = path.join(artifacts, 'new-notebook.png');
    await page.screenshot({ path: shot });
    console.log(`# screenshot: ${path.relative(root, shot)}`);
  });

  it('a corrupt .lungnb opens with a clear error on screen and stays unchanged on disk', async () => {
    const broken = path.join(runDir, 'broken.lungnb');
    const content = '{"nbformat": 4, "cells": [ truncated';
    writeFileSync(broken, content);
    await quickOpen(page, broken, 'broken.lungnb'); // Quick Open takes absolute paths too
    const message = page.locator('.monaco-workbench').getByText(/Cannot open this LungCAM notebook: it is not valid JSON/);
    const shown = message.first().waitFor({ timeout: 30_000 });
    await shown.catch(() => {});
    const shot = path.join(artifacts, 'corrupt-notebook.png');
    await page.screenshot({ path: shot }); // also when the message is missing: shows what is there instead
    console.log(`# screenshot: ${path.relative(root, shot)}`);
    await assert.doesNotReject(shown, 'the error message is shown');
    await runCommand(page, 'File: Save'); // saving the errored editor must not write the file
    assert.strictEqual(readFileSync(broken, 'utf8'), content);
  });

  it('a saved Grad-CAM output is drawn by the LungCAM renderer with no kernel running', async () => {
    // A notebook as a LungCAM cell leaves it: the CAM JSON for the renderer plus a text fallback.
    const notebook = path.join(runDir, 'saved-cam.lungnb');
    const cam = makeCamOutput({ fileName: 'saved_recording.wav' });
    writeFileSync(notebook, JSON.stringify({
      nbformat: 4, nbformat_minor: 5,
      metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' }, language_info: { name: 'typescript' } },
      cells: [{
        cell_type: 'code', id: 'cam-cell', metadata: {}, execution_count: 1, source: ['lc.show(cam)'],
        outputs: [{ output_type: 'display_data', metadata: {}, data: { [MIME.cam]: cam, 'text/plain': ['Grad-CAM of saved_recording.wav'] } }],
      }],
    }));
    await quickOpen(page, notebook, 'saved-cam.lungnb');
    const drawn = inWebviews(page, '.lungcam canvas');
    await drawn.catch(() => {});
    const shot = path.join(artifacts, 'saved-cam-output.png');
    await page.screenshot({ path: shot });
    console.log(`# screenshot: ${path.relative(root, shot)}`);
    await assert.doesNotReject(drawn, 'the CAM view (a canvas inside the .lungcam output) is on screen');
    const box = await (await drawn).boundingBox();
    assert.ok(box && box.width > 100 && box.height > 50, `the heatmap has a visible size (${JSON.stringify(box)})`);
  });

  it('Ctrl-C stops npm start and the code-server it started', async () => {
    assert.ok(server, 'npm start is running');
    const code = await server.interrupt();
    assert.strictEqual(code, 0, `npm start exits cleanly on Ctrl-C; output:\n${server.output()}`);
    assert.ok(!isAlive(server.serverPid), `code-server (pid ${server.serverPid}) is stopped`);
  });
});
