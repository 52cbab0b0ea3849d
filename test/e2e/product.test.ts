/**
 * The product as a user installs it: `npm run package` makes the .vsix, code-server installs it into its
 * own extensions folder (not the development tree), and Chromium drives the commands from the explorer:
 * Open WAV File in Notebook (all cells run, the CAM view appears), Quick Analysis (the panel's views
 * appear), Train Model on Folder (progress shows, the new model is offered by Select Model).
 * Screenshots in test-artifacts/e2e/product-*.png. LUNGCAM_VSIX=path reuses an existing package.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
// @ts-expect-error: plain ESM helper (no type declarations)
import { ensureCodeServer } from '../../scripts/setup-code-server.mjs';
import { explorerMenu as explorerMenuOf, inWebviews, runCommand } from './vscode';
import { root, startSession, type Session } from './lib/session';
import { extensionHostLogFiles, extensionProblems, readExtensionHostLog } from './lib/hostLog';

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const SAMPLE = 'S003_1b1_Lr_sc_SYNTH';
let session: Session;
const shot = (page: Page, name: string) => session.shot(name, page);
const explorerMenu = (page: Page, name: string, entry: string) => explorerMenuOf(page, name, entry, (n) => shot(page, n));

describe('the packaged extension (.vsix installed into code-server)', () => {
  let page: Page;
  let runDir: string;
  let workspace: string;

  before(async () => {
    session = await startSession({
      name: 'e2e-product',
      extension: 'installed',
      shotPrefix: 'product-',
      settings: { 'lungcam.train.epochs': 3 },
      prepare: (dir) => {
        let vsix = process.env.LUNGCAM_VSIX;
        if (!vsix) {
          vsix = path.join(dir, `${pkg.name}-${pkg.version}.vsix`);
          // In a shared working tree another build may rewrite dist/ while vsce zips it ("unexpected number
          // of bytes"): one more try before giving up.
          let r = spawnSync(process.execPath, ['scripts/package.mjs', '--out', vsix], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
          if (r.status !== 0) r = spawnSync(process.execPath, ['scripts/package.mjs', '--out', vsix], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
          assert.strictEqual(r.status, 0, 'npm run package succeeds');
        }
        const bin = ensureCodeServer();
        const extensions = path.join(dir, 'extensions');
        const inst = spawnSync(bin, ['--extensions-dir', extensions, '--user-data-dir', path.join(dir, 'user-data'), '--install-extension', vsix], { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'config') } });
        // (code-server also prints its missing spdlog binding's stack here: only the install lines are kept)
        console.log(`# ${(inst.stdout + inst.stderr).split('\n').filter((l) => /install/i.test(l)).join('\n# ')}`);
        assert.strictEqual(inst.status, 0, 'code-server installs the .vsix');
        const installed = path.join(extensions, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
        assert.ok(existsSync(path.join(installed, 'dist', 'extension', 'extension.js')), 'the bundle is installed');
        assert.ok(!lstatSync(installed).isSymbolicLink(), 'installed as a copy, not a link to the development folder');
        assert.ok(!existsSync(path.join(installed, 'extension')) && !existsSync(path.join(installed, 'test')), 'sources and tests stay out');

        // A workspace of its own: one sample recording and a tiny training corpus.
        const ws = path.join(dir, 'workspace');
        mkdirSync(ws, { recursive: true });
        for (const ext of ['.wav', '.txt', '.events.json']) copyFileSync(path.join(root, 'samples', 'wav', SAMPLE + ext), path.join(ws, SAMPLE + ext));
        const synth = spawnSync(process.execPath, [path.join(installed, 'bin', 'lungcam.js'), 'synth', path.join(ws, 'corpus'), '--count', '8', '--seconds', '4-6', '--quiet'], { encoding: 'utf8' });
        assert.strictEqual(synth.status, 0, synth.stderr);
        return ws;
      },
    });
    ({ page, runDir, workspace } = session);
  });

  after(() => session?.close());

  it('Open WAV File in Notebook (explorer) writes NAME.lungnb, runs every cell and shows the CAM view', async () => {
    await session.guard(async () => {
      await explorerMenu(page, `${SAMPLE}.wav`, 'Open WAV File in Notebook');
      await page.locator('.tabs-container .tab.active').filter({ hasText: `${SAMPLE}.lungnb` }).waitFor({ timeout: 60_000 });
      // The notebook list is virtual: outputs are drawn when their cell is near the viewport, so scroll
      // down while the cells run until the last cell's Grad-CAM view is there.
      const notebook = page.locator('.notebookOverlay:visible .cell-list-container').first();
      const seen = new Set<string>();
      const deadline = Date.now() + 300_000;
      let cam: import('playwright-core').Locator | undefined;
      while (!cam && Date.now() < deadline) {
        for (const view of ['lc-audio', 'lc-predictions']) {
          if (!seen.has(view) && (await inWebviews(page, `.lungcam.${view}`, 500).then(() => true, () => false))) seen.add(view);
        }
        cam = await inWebviews(page, '.lungcam.lc-cam canvas', 2_000).catch(() => undefined);
        if (!cam) {
          await notebook.hover().catch(() => {});
          await page.mouse.wheel(0, 600);
        }
      }
      if (cam) {
        // bring the Grad-CAM view itself on screen for the screenshot
        for (let i = 0; i < 3; i++) await page.mouse.wheel(0, 500);
        await page.waitForTimeout(1_000);
      }
      await shot(page, 'open-wav-notebook');
      assert.ok(cam, 'the Grad-CAM view is drawn after run-all');
      // The notebook shows the log-mel spectrogram once, under the Grad-CAM maps: it is drawn there.
      const spectrogram = await inWebviews(page, '.lungcam.lc-cam canvas.lc-spec', 30_000);
      const drawn = await spectrogram.evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const shades = new Set<number>();
        let opaque = 0;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i + 3] > 200) opaque++;
          shades.add(d[i]);
        }
        return { opaque, total: d.length / 4, shades: shades.size };
      });
      assert.ok(drawn.total > 0 && drawn.opaque > 0.9 * drawn.total && drawn.shades > 16, `the log-mel spectrogram is drawn under the maps (${JSON.stringify(drawn)})`);
      // outputs may have been scrolled past before they arrived (the list is virtual): go back up for them
      for (let i = 0; i < 14 && seen.size < 2; i++) {
        await notebook.hover().catch(() => {});
        await page.mouse.wheel(0, -600);
        for (const view of ['lc-audio', 'lc-predictions']) {
          if (!seen.has(view) && (await inWebviews(page, `.lungcam.${view}`, 1_000).then(() => true, () => false))) seen.add(view);
        }
      }
      assert.deepStrictEqual([...seen].sort(), ['lc-audio', 'lc-predictions'], 'the audio and predictions views were drawn too');
      assert.ok(existsSync(path.join(workspace, `${SAMPLE}.lungnb`)), 'the notebook was written beside the WAV');
      // A failed cell stops the run (later cells are cancelled), so the last cell's view means all ran;
      // and no cell on screen shows the failed state.
      assert.strictEqual(await page.locator('.notebookOverlay:visible .codicon-notebook-state-error').count(), 0, 'no cell failed');
    });
  });

  it('Export Heatmap… on the notebook\'s Grad-CAM cell writes that output as PNG where the Save dialog says', async () => {
    await session.guard(async () => {
      // Select the Grad-CAM cell (the last code cell) by clicking into its code, as a user would.
      const camCell = page.locator('.notebookOverlay:visible .cell.code .view-lines').filter({ hasText: /lc\.show\(cam/ }).first();
      const list = page.locator('.notebookOverlay:visible .cell-list-container').first();
      for (let i = 0; i < 20 && !(await camCell.isVisible().catch(() => false)); i++) {
        await list.hover().catch(() => {});
        await page.mouse.wheel(0, 600); // the list is virtual: the cell exists once scrolled near
      }
      // A cell the list holds may still lie above or below its visible part (under the title bar, say):
      // wheel it into the list's upper third before clicking.
      for (let i = 0; i < 10; i++) {
        const area = (await list.boundingBox())!;
        const cell = await camCell.boundingBox();
        if (cell && cell.y >= area.y + 10 && cell.y + cell.height <= area.y + area.height - 10) break;
        await page.mouse.move(area.x + area.width / 2, area.y + area.height / 2);
        await page.mouse.wheel(0, (cell?.y ?? area.y) - (area.y + area.height / 3));
        await page.waitForTimeout(400);
      }
      await camCell.click();
      await page.keyboard.press('Escape'); // leave the editor, keep the cell selected
      await runCommand(page, 'LungCAM: Export Heatmap');
      const input = page.locator('.quick-input-widget input');
      await page.locator('.quick-input-widget').getByText(/notebook output/).first().waitFor({ timeout: 30_000 });
      await input.fill('PNG');
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget').getByText(/which map of/).first().waitFor({ timeout: 30_000 });
      await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'shown first' }).first().waitFor();
      await page.keyboard.press('Enter');
      // VS Code's own Save dialog (a quick input holding the suggested path beside the notebook): accept it.
      await page.waitForFunction(() => /\.png$/.test((document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value ?? ''), undefined, { timeout: 30_000 });
      const suggested = await input.inputValue();
      console.log(`# save dialog suggests ${suggested}`);
      await page.keyboard.press('Enter');
      const saved = page.locator('.notifications-toasts').getByText(/heatmap \(.+\) saved to/).first();
      await saved.waitFor({ timeout: 60_000 });
      await shot(page, 'export-notebook-output');
      const written = readdirSync(workspace).filter((f) => f.endsWith('.png'));
      assert.strictEqual(written.length, 1, `one PNG beside the notebook: ${readdirSync(workspace).join(', ')}`);
      assert.match(written[0], new RegExp(`^${SAMPLE}\\..+\\.gradcam\\.png$`));
      const png = readFileSync(path.join(workspace, written[0]));
      assert.strictEqual(png.subarray(1, 4).toString('latin1'), 'PNG');
      assert.ok(!readdirSync(workspace).some((f) => f.endsWith('.tmp')), 'no temp file left');
    });
  });

  it('Quick Analysis of WAV File (explorer) opens a panel with the predictions and CAM views', async () => {
    await session.guard(async () => {
      await explorerMenu(page, `${SAMPLE}.wav`, 'Quick Analysis of WAV File');
      await page.locator('.tabs-container .tab.active').filter({ hasText: `LungCAM: ${SAMPLE}.wav` }).waitFor({ timeout: 30_000 });
      const cam = inWebviews(page, '.lungcam.lc-cam canvas', 180_000);
      await cam.catch(() => {});
      await shot(page, 'quick-analysis');
      await assert.doesNotReject(cam, 'the panel shows the Grad-CAM view');
      const predictions = await inWebviews(page, '.lungcam.lc-predictions', 10_000);
      assert.ok(await predictions.isVisible());
    });
  });

  it('choosing another CAM method in the Quick Analysis view recomputes it through renderer messaging', async () => {
    await session.guard(async () => {
      const dd = await inWebviews(page, 'vscode-dropdown[data-control="method"]:not([disabled])', 30_000);
      await dd.click();
      await dd.locator('vscode-option[value="gradcam++"]').click();
      const updated = inWebviews(page, '.lc-status:has-text("Updated by the kernel: gradcam++")', 180_000);
      await updated.catch(() => {});
      await shot(page, 'quick-analysis-recomputed');
      await assert.doesNotReject(updated, 'the view says the kernel sent the Grad-CAM++ maps');
    });
  });

  it('Open With… LungCAM Quick Analysis on a .wav shows the same Quick Analysis view as a custom editor', async () => {
    await session.guard(async () => {
      await runCommand(page, 'View: Close All Editors');
      await explorerMenu(page, `${SAMPLE}.wav`, 'Open With');
      const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'LungCAM Quick Analysis' }).first();
      await row.waitFor({ timeout: 30_000 });
      await row.click();
      await page.locator('.tabs-container .tab.active').filter({ hasText: `${SAMPLE}.wav` }).waitFor({ timeout: 30_000 });
      const cam = inWebviews(page, '.lungcam.lc-cam canvas', 180_000);
      await cam.catch(() => {});
      await page.waitForTimeout(1_000);
      await shot(page, 'open-with-quick-analysis');
      await assert.doesNotReject(cam, 'the custom editor shows the Grad-CAM view');
      assert.ok(await (await inWebviews(page, '.lungcam.lc-predictions', 10_000)).isVisible(), 'and the predictions');
      assert.ok(await (await inWebviews(page, 'h2:has-text("Quick analysis: ' + SAMPLE + '.wav")', 10_000)).isVisible(), 'the Quick Analysis page itself');
    });
  });

  it('Train Model on Folder (explorer) shows progress, then Select Model offers the new model', async () => {
    await session.guard(async () => {
      await explorerMenu(page, 'corpus', 'Train Model on Folder');
      const progress = page.locator('.notifications-toasts').getByText(/LungCAM: training on corpus/).first();
      await progress.waitFor({ timeout: 60_000 });
      // the notification carries the CLI's progress lines
      await page.locator('.notifications-toasts').getByText(/epoch \d\/3/).first().waitFor({ timeout: 60_000 }).catch(() => {});
      await shot(page, 'train-progress');
      // Done is the model on disk or an error on screen; the toast saying so may be hidden behind
      // others (VS Code shows three at a time), so its words are read from the notification center.
      const failure = page.locator('.notifications-toasts').getByText(/LungCAM: training failed/).first();
      const modelJson = path.join(workspace, 'corpus-model', 'model.json');
      for (const started = Date.now(); !existsSync(modelJson) && Date.now() - started < 240_000;) {
        assert.ok(!(await failure.isVisible()), `training failed: ${await failure.innerText().catch(() => '')}`);
        await page.waitForTimeout(500);
      }
      assert.ok(existsSync(modelJson), 'the model folder is beside the corpus, with its model.json');
      await shot(page, 'train-done');
      await runCommand(page, 'Notifications: Show Notifications');
      const saved = page.locator('.notifications-center').getByText(/corpus-model: model saved/).first();
      await saved.waitFor({ timeout: 30_000 });
      await page.keyboard.press('Escape');
      await runCommand(page, 'LungCAM: Select Model');
      const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'corpus-model' }).first();
      await row.waitFor({ timeout: 30_000 });
      await shot(page, 'select-model');
      await row.click();
      await page.locator('.notifications-toasts').getByText(/model corpus-model selected/).first().waitFor({ timeout: 30_000 });
      const settings = JSON.parse(readFileSync(path.join(runDir, 'user-data', 'User', 'settings.json'), 'utf8'));
      assert.strictEqual(settings['lungcam.model'], path.join(workspace, 'corpus-model'));
      assert.deepStrictEqual(settings['lungcam.models'], [path.join(workspace, 'corpus-model')]);
    });
  });

  it('the notebook kernel\'s sockets were never offered for forwarding: no "ports forwarded" notification', async () => {
    // The notebook test above ran a kernel; code-server forwards the ports its processes listen on and
    // says so ("Your application running on port N is available", "Over 20 ports have been automatically
    // forwarded"). Notifications stay in the notification center after their toast is gone.
    await page.keyboard.press('Escape');
    await runCommand(page, 'Notifications: Show Notifications');
    const center = page.locator('.notifications-center');
    await center.waitFor({ timeout: 30_000 });
    await shot(page, 'notifications');
    const shown = [...await center.allInnerTexts(), ...await page.locator('.notifications-toasts').allInnerTexts()].join('\n');
    assert.doesNotMatch(shown, /automatically forwarded|forwarded ports?|running on port \d+ is available/i);
    await page.keyboard.press('Escape');
  });

  it('the installed extension activated offline with no warnings or errors about LungCAM or missing files', async () => {
    const folder = `${pkg.publisher}.${pkg.name}-${pkg.version}`;
    const files = extensionHostLogFiles(runDir);
    const hostLines = readExtensionHostLog(runDir);
    const lines = [...hostLines, ...session.browserLog];
    console.log(`# extension host log: ${files.length} file(s), ${hostLines.length} line(s); browser side: ${session.browserLog.length} line(s) (console, page errors, failed loads)`);
    const problems = extensionProblems(lines, folder);
    for (const p of problems) console.log(`# ${p.level} (${p.source}): ${p.text.split('\n')[0].slice(0, 300)}`);
    assert.deepStrictEqual(problems.map((p) => `${p.level}: ${p.text.split('\n')[0]}`), [], 'no warning or error mentions LungCAM or a missing file');
  });
});
