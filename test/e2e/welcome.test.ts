/**
 * End to end, as `npm start` serves it: code-server with LungCAM linked in, samples/ opened in
 * Chromium; open the welcome notebook and check what is on screen, screenshots in test-artifacts/e2e/.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
// @ts-ignore: plain ESM helpers shared with the launcher scripts
import { startDevServer } from '../../scripts/lib/dev-server.mjs';
// @ts-ignore
import { launchChromium } from '../../scripts/lib/code-server.mjs';
// @ts-ignore
import { freshRunDir, removeRunDir } from '../../scripts/lib/run-dirs.mjs';
import { inWebviews, quickOpen, runCommand, waitForWorkbench } from './vscode';
import { makeCamOutput } from '../renderer/fixtures';
import { MIME } from '../../kernels/shared/outputTypes';

const root = path.resolve(__dirname, '..', '..');
const artifacts = path.join(root, 'test-artifacts', 'e2e');
const samples = path.join(root, 'samples');
// Editor lines render spaces as non-breaking spaces: \s matches both.
const starterImport = /import\s\*\sas\slc\sfrom\s"lungcam";/;

describe('VS Code UI with LungCAM (code-server + Chromium)', () => {
  let server: { pid: number; url: (folder: string) => string; stop: () => Promise<void> } | undefined;
  let chromium: { pid: number; browser: import('playwright-core').Browser; stop: () => Promise<void> } | undefined;
  let page: Page;
  let runDir: string;

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    runDir = freshRunDir('e2e');
    server = await startDevServer({ dir: runDir, workspace: samples });
    chromium = await launchChromium();
    console.log(`# code-server pid ${server!.pid}, chromium pid ${chromium!.pid}`);
    page = await chromium!.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server!.url(samples));
    await waitForWorkbench(page);
  });

  after(async () => {
    await chromium?.stop();
    await server?.stop();
    if (runDir) removeRunDir(runDir); // screenshots live in test-artifacts/e2e, not here
  });

  it('opens samples/notebooks/welcome.lungnb as a LungCAM notebook showing its cells', async () => {
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
});
