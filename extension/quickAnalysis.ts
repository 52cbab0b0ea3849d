/**
 * Quick Analysis of WAV File: a webview panel with the renderer's predictions, spectrogram and Grad-CAM
 * views for one recording, no notebook needed. The outputs are computed by the window's warm engine
 * process (engine.ts: the model and the recording's features stay loaded; progress notification with
 * Cancel); the panel loads the notebook renderer bundle
 * (dist/webview/renderer.js) under a nonce CSP and hands it the outputs as a notebook would. The
 * renderer binds its theme tokens to the `--vscode-*` variables, which webviews get too, so the panel
 * follows the theme like notebook outputs do. Method/cutoff changes in the view come back here and are
 * answered like notebook renderer messages (rendererMessaging.ts).
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MIME, type RendererRequest } from '../kernels/shared/outputTypes';
import { classWords, plural } from '../kernels/shared/view/words';
import { answerRendererRequest } from './rendererMessaging';
import { computeView, type ViewOutputs } from './recompute';
import { requireModel } from './selectModel';
import { pickWav } from './wavInput';

const COMMAND = 'Quick Analysis of WAV File';
export const QUICK_ANALYSIS_VIEW = 'lungcam.quickAnalysis';

let extensionUri: vscode.Uri;

export function panelHtml(webview: vscode.Webview, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const renderer = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'renderer.js'));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data: blob:`,
    `media-src ${webview.cspSource} data: blob:`,
    // the renderer injects its stylesheet as a <style> element
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}' ${webview.cspSource}`,
  ].join('; ');
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${esc(title)}</title>
<style nonce="${nonce}">
  body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); padding: 8px 16px; }
  .lc-panel-status { color: var(--vscode-descriptionForeground); margin: 4px 0 12px; }
  .lc-panel-error { color: var(--vscode-errorForeground); }
  .lc-panel-output { margin-bottom: 20px; }
</style>
</head><body>
<h2>${esc(title)}</h2>
<p class="lc-panel-status" role="status" id="status">Computing the spectrogram, predictions and Grad-CAM…</p>
<div class="lc-panel-output" id="predictions"></div>
<div class="lc-panel-output" id="cam"></div>
<div class="lc-panel-output" id="spectrogram"></div>
<script type="module" nonce="${nonce}">
  import { activate } from ${JSON.stringify(renderer.toString())};
  const api = acquireVsCodeApi();
  const listeners = [];
  const ctx = {
    postMessage: (message) => api.postMessage({ type: 'renderer', message }),
    onDidReceiveMessage: (listener) => { listeners.push(listener); return { dispose() {} }; },
    workspace: { isTrusted: true },
    getState: () => undefined,
    setState: () => {},
  };
  const renderer = activate(ctx);
  const mimes = ${JSON.stringify({ predictions: MIME.predictions, cam: MIME.cam, spectrogram: MIME.spectrogram })};
  const status = document.getElementById('status');
  window.addEventListener('message', (event) => {
    const m = event.data;
    if (m.type === 'outputs') {
      for (const [kind, mime] of Object.entries(mimes)) {
        const value = m.outputs[kind];
        const text = JSON.stringify(value);
        renderer.renderOutputItem({ id: kind, mime, metadata: {}, json: () => value, text: () => text, data: () => new TextEncoder().encode(text), blob: () => new Blob([text]) }, document.getElementById(kind));
      }
      status.textContent = m.summary;
      status.classList.remove('lc-panel-error');
    } else if (m.type === 'status') {
      status.textContent = m.text;
      status.classList.toggle('lc-panel-error', !!m.error);
    } else if (m.type === 'reply') {
      for (const l of listeners) l(m.reply);
    }
  });
  api.postMessage({ type: 'ready' });
</script>
</body></html>`;
}

export async function quickAnalysis(uri?: vscode.Uri): Promise<vscode.WebviewPanel | undefined> {
  const wav = await pickWav(uri, COMMAND);
  if (!wav) return undefined;
  const model = requireModel();
  if (!model) return undefined;
  const panel = vscode.window.createWebviewPanel(QUICK_ANALYSIS_VIEW, `LungCAM: ${path.basename(wav)}`, vscode.ViewColumn.Active, { retainContextWhenHidden: true });
  return (await showAnalysis(panel, wav, model)) ? panel : undefined;
}

/**
 * Fills a webview panel (the command's own, or a custom editor's: wavEditor.ts) with the analysis of
 * `wav`: renderer views, progress with Cancel, renderer messages answered. False when it did not finish
 * (cancelled: the panel is closed; failed: the panel and a notification say why).
 */
export async function showAnalysis(panel: vscode.WebviewPanel, wav: string, model: string): Promise<boolean> {
  const name = path.basename(wav);
  panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] };
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const cts = new vscode.CancellationTokenSource();
  panel.onDidDispose(() => {
    cts.cancel();
    ready();
  });
  panel.webview.onDidReceiveMessage((m: { type: string; message?: RendererRequest }) => {
    if (m.type === 'ready') ready();
    else if (m.type === 'renderer' && m.message) void answerRendererRequest(m.message, (reply) => void panel.webview.postMessage({ type: 'reply', reply }));
  });
  panel.webview.html = panelHtml(panel.webview, `Quick analysis: ${name}`);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `LungCAM: analysing ${name}`, cancellable: true },
    (progress, token) => {
      token.onCancellationRequested(() => cts.cancel());
      let reported = 0;
      return computeView({ wav, model }, {
        method: vscode.workspace.getConfiguration('lungcam').get<string>('method', 'gradcam'),
        token: cts.token,
        onProgress: (step, done) => {
          const increment = done !== undefined && done > reported ? (done - reported) * 100 : undefined;
          if (increment) reported = done!;
          progress.report({ message: step, ...(increment ? { increment } : {}) });
          void panel.webview.postMessage({ type: 'status', text: `${step}${done !== undefined ? ` (${Math.round(done * 100)} %)` : ''}…` });
        },
      });
    },
  );
  await isReady;
  if (!result.ok) {
    if (result.cancelled) {
      panel.dispose();
      void vscode.window.showInformationMessage(`LungCAM: ${COMMAND} cancelled.`);
    } else {
      void panel.webview.postMessage({ type: 'status', text: `Could not analyse ${name}: ${result.message}`, error: true });
      void vscode.window.showErrorMessage(`LungCAM: could not analyse ${name}: ${result.message}`);
    }
    return false;
  }
  void panel.webview.postMessage({ type: 'outputs', outputs: result.value, summary: summaryLine(result.value, model) });
  return true;
}

/** A panel that only says why there is no analysis (a custom editor opened on a file that is not a WAV). */
export function showProblem(panel: vscode.WebviewPanel, title: string, problem: string): void {
  panel.webview.options = { enableScripts: false };
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"></head>
<body style="color: var(--vscode-foreground); font-family: var(--vscode-font-family); padding: 8px 16px"><h2>${esc(title)}</h2>
<p class="lc-panel-error" role="alert" style="color: var(--vscode-errorForeground)">${esc(problem)}</p></body></html>`;
}

export function summaryLine(o: ViewOutputs, modelDir: string): string {
  const p = o.predictions;
  const i = p.classes.indexOf(p.label);
  return `Model ${path.basename(modelDir)}: ${classWords(p.label)} (mean p ${(p.recordingProbabilities[i] ?? 0).toFixed(2)}) over ${plural(p.patches.startFrame.length, 'patch', 'patches')}; ${o.cam.method}, every layer and class.`;
}

export function registerQuickAnalysis(context: vscode.ExtensionContext): void {
  extensionUri = context.extensionUri;
  context.subscriptions.push(vscode.commands.registerCommand('lungcam.quickAnalysis', quickAnalysis));
}
