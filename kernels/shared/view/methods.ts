// The CAM methods LungCAM computes (pytorch-grad-cam's names): what the engine implements, what the CLI
// accepts and what a view offers. Plain data, shared by the engine, the extension and the renderer.

export const CAM_METHODS = ['gradcam', 'gradcam++', 'xgradcam', 'hirescam', 'layercam', 'eigencam', 'scorecam'] as const;
export type CamMethodName = (typeof CAM_METHODS)[number];

export const DEFAULT_CAM_METHOD: CamMethodName = 'gradcam';

export function isCamMethod(name: string): name is CamMethodName {
  return (CAM_METHODS as readonly string[]).includes(name);
}

/** The methods a view offers: the output's own first, then those its host can compute (default: all). */
export function camMethodsOffered(current: string, offered: readonly string[] = CAM_METHODS): string[] {
  return Array.from(new Set([current, ...offered]));
}
