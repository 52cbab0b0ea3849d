/**
 * The extension side of the renderer's kernel link: `recompute` requests from a CAM view (another
 * method, a cutoff, a layer/class left out) are answered with `{type:'output', requestId, output}` or
 * `{type:'error', requestId, message}`. Outputs made by Quick Analysis carry a requestId naming their
 * WAV and model (recompute.ts), recomputed by the CLI in a child process; outputs made in a notebook
 * cell carry none (the renderer then tells the user to re-run the cell). One request per view at a time:
 * a newer request from the same view cancels the older one.
 */
import * as vscode from 'vscode';
import type { RendererReply, RendererRequest } from '../kernels/shared/outputTypes';
import { computeView, decodeRequestId } from './recompute';

const running = new Map<string, vscode.CancellationTokenSource>();

export async function answerRendererRequest(request: RendererRequest, post: (reply: RendererReply) => void): Promise<void> {
  if (!request || typeof request !== 'object') return;
  if (request.type === 'ping') {
    post({ type: 'pong' });
    return;
  }
  if (request.type !== 'recompute' || typeof request.requestId !== 'string') return;
  const { requestId } = request;
  const source = decodeRequestId(requestId);
  if (!source) {
    post({ type: 'error', requestId, message: 'this output was made in a notebook cell: change the method or cutoff in the cell and run it again' });
    return;
  }
  if (!vscode.workspace.isTrusted) {
    post({ type: 'error', requestId, message: 'the workspace is not trusted' });
    return;
  }
  running.get(requestId)?.cancel();
  const cts = new vscode.CancellationTokenSource();
  running.set(requestId, cts);
  try {
    const r = await computeView(source, { method: request.method, cutoffHz: request.cutoffHz, token: cts.token });
    if (r.ok) post({ type: 'output', requestId, output: r.outputs.cam });
    else if (!r.cancelled) post({ type: 'error', requestId, message: r.message });
  } finally {
    if (running.get(requestId) === cts) running.delete(requestId);
    cts.dispose();
  }
}

export function registerRendererMessaging(context: vscode.ExtensionContext): void {
  const messaging = vscode.notebooks.createRendererMessaging('lungcam-renderer');
  context.subscriptions.push(
    messaging.onDidReceiveMessage(({ editor, message }) => {
      void answerRendererRequest(message as RendererRequest, (reply) => void messaging.postMessage(reply, editor));
    }),
  );
}
