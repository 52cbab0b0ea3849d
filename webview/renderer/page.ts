// The CAM view outside VS Code: the page `lungcam gradcam --out F.html` writes runs this bundle (an IIFE,
// global `LungcamPage`, inlined in the page). It is the notebook renderer's own view, without a host to
// recompute outputs: the method is named, and the page says how to compute another one.
import type { CamOutput } from '../../kernels/shared/outputTypes';
import type { ColormapName } from '../../kernels/shared/view/colormaps';
import { renderCamView } from './cam/view';
import type { HostLink } from './hostLink';
import { injectStyles } from './styles';
import { followVsCodeTheme } from './theme';
import { registerToolkit } from './widgets';

const SAVED_PAGE: HostLink = {
  hidden: true,
  disabledReason: 'A saved page: for another method run lungcam gradcam --method NAME.',
  post: () => undefined,
};

export function showCamPage(element: HTMLElement, output: CamOutput, colormap?: ColormapName): void {
  injectStyles(element.ownerDocument);
  registerToolkit();
  followVsCodeTheme(element);
  renderCamView(element, output, SAVED_PAGE, { colormap });
}
