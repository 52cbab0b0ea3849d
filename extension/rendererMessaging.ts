/**
 * The extension side of the renderer's host link (webview/renderer/hostLink.ts).
 * - `recompute` requests from a CAM view (another method, a layer/class left out) are answered
 *   with `{type:'output', requestId, output}` or `{type:'error', requestId, message}`. The requestId names
 *   the view's WAV and model (kernels/shared/requestId.ts): Quick Analysis outputs carry one, and so do
 *   outputs of `lc.show(cam)` in a notebook cell when the cell read the WAV and loaded the model through the
 *   `lungcam` module. The window's warm engine (engine.ts) computes it, reporting `progress` to the view;
 *   the view's Cancel (`cancel`) stops it. A notebook whose kernel runs on a Jupyter Server recomputes in
 *   that kernel (the paths are the server's). In a notebook the new output also replaces the old one in
 *   the cell, so the notebook saves what the view shows.
 * - `cutoffWhatIf` (a band cutoff the output has no model for) is answered by cutoffWhatIf.ts.
 * - `layer` requests (a layer left out of a large output, picked in the view) are answered with that
 *   layer's maps (`maps`), which the view merges into its output.
 * - `ready` (a renderer instance started) is answered with the settings the views follow
 *   (`lungcam.colormap`); a settings change is posted to every open notebook's renderer.
 * Every value of a request is checked before it is used (kernels/shared/viewArgs.ts). One request per
 * view at a time: a newer request from the same view cancels the older one.
 */
import * as vscode from 'vscode';
import { MIME, type CamOutput, type RendererReply, type RendererRequest } from '../kernels/shared/outputTypes';
import { fallbackPng, summaryText } from '../kernels/engine/formats';
import { CAM_COLORMAPS, DEFAULT_CAM_COLORMAP, type ColormapName } from '../kernels/shared/view/colormaps';
import { checkViewRequest } from '../kernels/shared/viewArgs';
import { camLayer, decodeRequestId, recomputeCam, type Computed, type ViewSource } from './recompute';
import type { NotebookKernels } from './controller';
import { camInKernel, type CamRequest, type CamResult } from './kernelRecompute';
import { answerCutoffWhatIf } from './cutoffWhatIf';

const running = new Map<string, vscode.CancellationTokenSource>();

/** `lungcam.colormap`: what views open with, and what exported figures are drawn in (so they match). */
export function colormapSetting(): ColormapName {
  const name = vscode.workspace.getConfiguration('lungcam').get<string>('colormap', DEFAULT_CAM_COLORMAP);
  return CAM_COLORMAPS.includes(name as ColormapName) ? (name as ColormapName) : DEFAULT_CAM_COLORMAP;
}

export function rendererSettings(): RendererReply {
  return { type: 'settings', colormap: colormapSetting() };
}

export interface RequestContext {
  /** The notebook the request came from (absent for the Quick Analysis panel). */
  notebook?: vscode.NotebookDocument;
  /** Recomputes in the notebook's own kernel (one on a Jupyter Server: the paths are the server's). */
  inKernel?: (request: CamRequest) => Promise<CamResult>;
}

type ComputeRequest = Extract<RendererRequest, { type: 'recompute' | 'cutoffWhatIf' | 'layer' }>;

const isComputeRequest = (r: RendererRequest): r is ComputeRequest =>
  (r.type === 'recompute' || r.type === 'cutoffWhatIf' || r.type === 'layer') && typeof r.requestId === 'string';

export async function answerRendererRequest(request: RendererRequest, post: (reply: RendererReply) => void, context: RequestContext = {}): Promise<void> {
  if (!request || typeof request !== 'object') return;
  if (request.type === 'ping') {
    post({ type: 'pong' });
    return;
  }
  if (request.type === 'ready') {
    post(rendererSettings());
    return;
  }
  if (request.type === 'cancel') {
    running.get(request.requestId)?.cancel();
    return;
  }
  if (!isComputeRequest(request)) return;
  const { requestId } = request;
  const source = decodeRequestId(requestId);
  if (!source) {
    post({ type: 'error', requestId, message: 'this output does not name its recording and model: compute it with lc.logMelFromFile, lc.loadModel (or lc.cutoffView) and run the cell again' });
    return;
  }
  if (!vscode.workspace.isTrusted) {
    post({ type: 'error', requestId, message: 'the workspace is not trusted' });
    return;
  }
  const checked = checkViewRequest({ requestId, method: request.method, bandCutoffHz: request.type === 'recompute' ? undefined : request.bandCutoffHz });
  if ('refused' in checked || (request.type === 'layer' && typeof request.layer !== 'string')) {
    post({ type: 'error', requestId, message: 'refused' in checked ? checked.refused : 'the layer is not a layer name' });
    return;
  }
  running.get(requestId)?.cancel();
  const cts = new vscode.CancellationTokenSource();
  running.set(requestId, cts);
  // A newer request from the same view took over: it answers, not this one.
  const current = () => running.get(requestId) === cts;
  const onProgress = (step: string, done?: number) => { if (current()) post({ type: 'progress', requestId, step, ...(done === undefined ? {} : { done }) }); };
  const failed = (r: { message: string; cancelled: boolean }) => { if (current()) post(r.cancelled ? { type: 'cancelled', requestId } : { type: 'error', requestId, message: r.message }); };
  const inKernel = context.inKernel && ((r: CamRequest) => untilCancelled(context.inKernel!(r), cts.token));
  try {
    if (request.type === 'layer') {
      const r = inKernel
        ? { ok: false as const, message: 'a layer left out of the output cannot be fetched from a kernel on a Jupyter Server: choose the layer with lc.show(cam, { layers }) in the cell and run it again', cancelled: false }
        : await camLayer(source, { method: checked.method, layer: request.layer, bandCutoffHz: request.bandCutoffHz === null ? null : checked.bandCutoffHz, token: cts.token, onProgress });
      if (!r.ok) failed(r);
      else if (current()) post({ type: 'maps', requestId, layer: request.layer, maps: r.value });
      return;
    }
    if (request.type === 'cutoffWhatIf') {
      const r = await answerCutoffWhatIf(source, { requestId, method: checked.method, bandCutoffHz: checked.bandCutoffHz! }, cts.token, onProgress, inKernel);
      if (!r.ok) failed(r);
      else if (current()) post({ type: 'cutoffWhatIf', requestId, rung: r.value });
      return;
    }
    const r = inKernel ? await inKernel({ requestId, method: checked.method }) : await computeCam(source, { requestId, method: checked.method }, cts.token, onProgress);
    if (!r.ok) {
      failed(r);
      return;
    }
    if (!current()) return;
    // In a notebook the cell's output is replaced (the view is drawn again from it, keeping its layer,
    // class and window); elsewhere, or when the output is gone, the view updates itself from the reply.
    const replaced = context.notebook ? await replaceCamOutput(context.notebook, requestId, r.cam) : false;
    if (!replaced) post({ type: 'output', requestId, output: r.cam });
  } finally {
    if (current()) running.delete(requestId);
    cts.dispose();
  }
}


/**
 * A kernel's answer, or `cancelled` as soon as the view's Cancel is pressed (the kernel's recomputation
 * runs to its end in its own process; its answer is then dropped).
 */
function untilCancelled<T extends { ok: boolean }>(work: Promise<T>, token: vscode.CancellationToken): Promise<T | { ok: false; message: string; cancelled: true }> {
  const cancelled = { ok: false as const, message: 'cancelled', cancelled: true as const };
  if (token.isCancellationRequested) return Promise.resolve(cancelled);
  return Promise.race([work, new Promise<typeof cancelled>((resolve) => token.onCancellationRequested(() => resolve(cancelled)))]);
}

/** The CAM of a view recomputed on this machine, by the window's warm engine. */
async function computeCam(source: ViewSource, request: CamRequest, token: vscode.CancellationToken, onProgress: (step: string, done?: number) => void): Promise<CamResult> {
  const r: Computed<CamOutput> = await recomputeCam(source, { method: request.method, token, requestId: request.requestId, onProgress });
  return r.ok ? { ok: true, cam: r.value } : r;
}

function camOf(item: vscode.NotebookCellOutputItem): CamOutput | undefined {
  if (item.mime !== MIME.cam) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(item.data)) as CamOutput;
  } catch {
    return undefined;
  }
}

/**
 * Replaces the CAM output with this requestId (and its PNG/text fallbacks) in the notebook, as an edit
 * of its cell (undoable; the notebook becomes dirty and saves the new output). False when no cell has it.
 */
export async function replaceCamOutput(notebook: vscode.NotebookDocument, requestId: string, cam: CamOutput): Promise<boolean> {
  for (const cell of notebook.getCells()) {
    const index = cell.outputs.findIndex((o) => o.items.some((i) => camOf(i)?.requestId === requestId));
    if (index < 0) continue;
    const old = cell.outputs[index];
    const items = old.items.map((i) => {
      if (i.mime === MIME.cam) return vscode.NotebookCellOutputItem.json(cam, MIME.cam);
      if (i.mime === 'image/png') return new vscode.NotebookCellOutputItem(fallbackPng(cam), 'image/png');
      if (i.mime === 'text/plain') return vscode.NotebookCellOutputItem.text(summaryText(cam), 'text/plain');
      return i;
    });
    const outputs = cell.outputs.map((o, k) => (k === index ? new vscode.NotebookCellOutput(items, o.metadata) : o));
    const data = new vscode.NotebookCellData(cell.kind, cell.document.getText(), cell.document.languageId);
    data.outputs = outputs;
    data.metadata = cell.metadata;
    data.executionSummary = cell.executionSummary;
    const edit = new vscode.WorkspaceEdit();
    edit.set(notebook.uri, [vscode.NotebookEdit.replaceCells(new vscode.NotebookRange(cell.index, cell.index + 1), [data])]);
    return vscode.workspace.applyEdit(edit);
  }
  return false;
}

export function registerRendererMessaging(context: vscode.ExtensionContext, kernels: NotebookKernels): void {
  const messaging = vscode.notebooks.createRendererMessaging('lungcam-renderer');
  context.subscriptions.push(
    messaging.onDidReceiveMessage(({ editor, message }) => {
      const session = kernels.sessionOf(editor.notebook);
      const inKernel = session?.kind === 'remote' ? (request: CamRequest) => camInKernel(session, request) : undefined;
      void answerRendererRequest(message as RendererRequest, (reply) => void messaging.postMessage(reply, editor), { notebook: editor.notebook, inKernel });
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('lungcam.colormap')) void messaging.postMessage(rendererSettings());
    }),
  );
}
