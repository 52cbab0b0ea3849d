// Notebook renderer entry (contributes.notebookRenderer id `lungcam-renderer`): one view per LungCAM MIME
// type. Outputs are plain JSON (kernels/shared/outputTypes.ts); CAM views talk back to the kernel through
// renderer messaging when it is available, the workspace is trusted and the output carries a requestId.
import type { ActivationFunction, OutputItem, RendererContext } from 'vscode-notebook-renderer';
import { MIME, type CamOutput, type LungcamOutput, type RendererReply, type RendererRequest } from '../../kernels/shared/outputTypes';
import { renderCamView, type CamViewHandle, type KernelLink } from './camView';
import { renderSpectrogramView } from './spectrogramView';
import { renderAudioView } from './audioView';
import { renderPredictionsView } from './predictionsView';
import { registerToolkit } from './controls';
import { followVsCodeTheme } from './theme';
import { injectStyles } from './styles';

export const NO_KERNEL_REASON = 'No kernel: re-run the cell to compute other methods';
export const UNTRUSTED_REASON = 'Untrusted workspace: controls that reach the kernel are off.';

interface Mounted {
  dispose(): void;
  cam?: CamViewHandle;
  requestId?: string;
  unfollowTheme(): void;
}

/** Why kernel controls are off for this output, or null when requests can be sent. */
export function kernelLink(ctx: Pick<RendererContext<unknown>, 'postMessage' | 'workspace'>, output: CamOutput): KernelLink {
  const trusted = ctx.workspace?.isTrusted !== false;
  const canPost = typeof ctx.postMessage === 'function' && !!output.requestId;
  return {
    hidden: !trusted,
    disabledReason: !trusted ? UNTRUSTED_REASON : canPost ? null : NO_KERNEL_REASON,
    post: (request: RendererRequest) => {
      if (trusted && canPost) ctx.postMessage!(request);
    },
  };
}

function showError(element: HTMLElement, message: string): void {
  const p = document.createElement('p');
  p.className = 'lungcam lc-error';
  p.textContent = `LungCAM could not show this output: ${message}`;
  element.replaceChildren(p);
}

export const activate: ActivationFunction = (ctx) => {
  const mounted = new Map<string, Mounted>();

  ctx.onDidReceiveMessage?.((message: RendererReply) => {
    if (!message || typeof message !== 'object') return;
    for (const m of mounted.values()) {
      if (!m.cam || m.requestId === undefined || !('requestId' in message) || message.requestId !== m.requestId) continue;
      if (message.type === 'output' && message.output?.kind === 'cam') {
        m.cam.update(message.output);
        m.requestId = message.output.requestId ?? m.requestId;
      } else if (message.type === 'error') {
        m.cam.showKernelError(`The kernel could not recompute: ${String(message.message)}`);
      }
    }
  });

  return {
    renderOutputItem(outputItem: OutputItem, element: HTMLElement) {
      mounted.get(outputItem.id)?.dispose();
      mounted.delete(outputItem.id);
      injectStyles(element.ownerDocument);
      registerToolkit();
      const unfollowTheme = followVsCodeTheme(element);
      let data: LungcamOutput;
      try {
        data = outputItem.json() as LungcamOutput;
      } catch (e) {
        showError(element, `the output is not valid JSON (${(e as Error).message})`);
        return;
      }
      try {
        const mime = outputItem.mime;
        if (mime === MIME.cam && data?.kind === 'cam') {
          const cam = renderCamView(element, data, kernelLink(ctx, data));
          mounted.set(outputItem.id, { dispose: cam.dispose, cam, requestId: data.requestId, unfollowTheme });
        } else if (mime === MIME.spectrogram && data?.kind === 'spectrogram') {
          mounted.set(outputItem.id, { ...renderSpectrogramView(element, data), unfollowTheme });
        } else if (mime === MIME.audio && data?.kind === 'audio') {
          mounted.set(outputItem.id, { ...renderAudioView(element, data), unfollowTheme });
        } else if (mime === MIME.predictions && data?.kind === 'predictions') {
          mounted.set(outputItem.id, { ...renderPredictionsView(element, data), unfollowTheme });
        } else {
          showError(element, `unexpected ${mime} content (kind ${String((data as { kind?: unknown })?.kind)})`);
        }
      } catch (e) {
        showError(element, (e as Error).message);
      }
    },
    disposeOutputItem(id?: string) {
      const ids = id === undefined ? [...mounted.keys()] : [id];
      for (const k of ids) {
        const m = mounted.get(k);
        m?.dispose();
        m?.unfollowTheme();
        mounted.delete(k);
      }
    },
  };
};
