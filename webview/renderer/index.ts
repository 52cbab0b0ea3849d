// Notebook renderer entry (contributes.notebookRenderer id `lungcam-renderer`): one view per LungCAM MIME
// type. Outputs are plain JSON (kernels/shared/outputTypes.ts); CAM views ask the extension for
// recomputations through renderer messaging (hostLink.ts) when it is available, the workspace is trusted and
// the output carries a requestId.
// Through the same channel the extension sends the settings the views follow (`lungcam.colormap`): the
// renderer asks for them when it starts ({type:'ready'}) and gets them again whenever they change.
import type { ActivationFunction, OutputItem } from 'vscode-notebook-renderer';
import { MIME, type LungcamOutput, type RendererReply, type RendererRequest } from '../../kernels/shared/outputTypes';
import { renderCamView, type CamViewHandle, type CamViewState } from './cam/view';
import { hostLink } from './hostLink';
import { CAM_COLORMAPS, DEFAULT_CAM_COLORMAP, type ColormapName } from '../../kernels/shared/view/colormaps';
import { renderSpectrogramView } from './spectrogramView';
import { renderAudioView } from './audioView';
import { renderPredictionsView } from './predictionsView';
import { registerToolkit } from './widgets';
import { followVsCodeTheme } from './theme';
import { injectStyles } from './styles';

interface Mounted {
  dispose(): void;
  cam?: CamViewHandle;
  requestId?: string;
  unfollowTheme(): void;
}

function showError(element: HTMLElement, message: string): void {
  const p = document.createElement('p');
  p.className = 'lungcam lc-error';
  p.textContent = `LungCAM could not show this output: ${message}`;
  element.replaceChildren(p);
}

/** How many views' choices are remembered for when their output is drawn again. */
const REMEMBERED_VIEWS = 50;

export const activate: ActivationFunction = (ctx) => {
  const mounted = new Map<string, Mounted>();
  let colormap: ColormapName = DEFAULT_CAM_COLORMAP;
  // By requestId: a recomputed output replaces the old one in the notebook and is drawn anew; it opens
  // on the layer, class, cutoff and window the user had (and VS Code redraws outputs scrolled back into view).
  const remembered = new Map<string, CamViewState>();
  const remember = (m: Mounted | undefined) => {
    if (!m?.cam || !m.requestId) return;
    remembered.delete(m.requestId);
    remembered.set(m.requestId, m.cam.state());
    if (remembered.size > REMEMBERED_VIEWS) remembered.delete(remembered.keys().next().value!);
  };

  ctx.onDidReceiveMessage?.((message: RendererReply) => {
    if (!message || typeof message !== 'object') return;
    if (message.type === 'settings') {
      const name = message.colormap as ColormapName;
      if (!CAM_COLORMAPS.includes(name)) return;
      colormap = name;
      for (const m of mounted.values()) m.cam?.setColormap(name);
      for (const state of remembered.values()) state.colormap = name;
      return;
    }
    for (const m of mounted.values()) {
      if (!m.cam || m.requestId === undefined || !('requestId' in message) || message.requestId !== m.requestId) continue;
      if (message.type === 'output' && message.output?.kind === 'cam') {
        m.cam.update(message.output);
        m.requestId = message.output.requestId ?? m.requestId;
      } else if (message.type === 'cutoffWhatIf' && message.rung) {
        m.cam.addCutoff(message.rung);
      } else if (message.type === 'progress') {
        m.cam.showProgress(String(message.step), typeof message.done === 'number' ? message.done : undefined);
      } else if (message.type === 'cancelled') {
        m.cam.cancelled();
      } else if (message.type === 'maps' && message.maps && typeof message.layer === 'string') {
        m.cam.addLayer(message.layer, message.maps);
      } else if (message.type === 'error') {
        m.cam.showError(`The kernel could not recompute: ${String(message.message)}`);
      }
    }
  });

  // Ask for the settings (answered by extension/rendererMessaging.ts; without messaging the defaults stay).
  ctx.postMessage?.({ type: 'ready' } satisfies RendererRequest);

  return {
    renderOutputItem(outputItem: OutputItem, element: HTMLElement) {
      remember(mounted.get(outputItem.id));
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
          // VS Code may draw the replacement before it disposes the old view: ask the old view first.
          const requestId = data.requestId;
          const live = requestId ? [...mounted.values()].find((m) => m.cam && m.requestId === requestId) : undefined;
          const state = live?.cam?.state() ?? (requestId ? remembered.get(requestId) : undefined);
          const cam = renderCamView(element, data, hostLink(ctx, data), { colormap, state });
          mounted.set(outputItem.id, { dispose: cam.dispose, cam, requestId, unfollowTheme });
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
        remember(m);
        m?.dispose();
        m?.unfollowTheme();
        mounted.delete(k);
      }
    },
  };
};
