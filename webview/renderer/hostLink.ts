// The renderer's link to its host: the VS Code extension (renderer messaging), which recomputes an
// output (another method, a map left out) by running the engine. Views ask through it; it says why they
// cannot when the workspace is untrusted, messaging is missing or the output has no requestId.
import type { RendererContext } from 'vscode-notebook-renderer';
import type { CamOutput, RendererRequest } from '../../kernels/shared/outputTypes';

export const NO_HOST_REASON = 'No kernel: re-run the cell to compute other methods';
export const UNTRUSTED_REASON = 'Untrusted workspace: controls that reach the kernel are off.';

export interface HostLink {
  /** Null when requests can be sent; otherwise the visible reason the recompute controls are off. */
  disabledReason: string | null;
  /** Untrusted workspace: recompute controls are not shown at all. */
  hidden: boolean;
  post(request: RendererRequest): void;
}

/** The link for one output: requests go out only when trusted, with messaging and a requestId. */
export function hostLink(ctx: Pick<RendererContext<unknown>, 'postMessage' | 'workspace'>, output: CamOutput): HostLink {
  const trusted = ctx.workspace?.isTrusted !== false;
  const canPost = typeof ctx.postMessage === 'function' && !!output.requestId;
  return {
    hidden: !trusted,
    disabledReason: !trusted ? UNTRUSTED_REASON : canPost ? null : NO_HOST_REASON,
    post: (request: RendererRequest) => {
      if (trusted && canPost) ctx.postMessage!(request);
    },
  };
}
