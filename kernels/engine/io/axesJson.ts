/**
 * The axes block every JSON output carries (`lungcam features`, `lungcam gradcam`), written once so a map
 * and its features always describe time and frequency the same way.
 */
import type { LogMel, Patches } from '../types';

export function axesFields(logMel: Pick<LogMel, 'params' | 'frames' | 'bands' | 'axes'>) {
  return {
    params: logMel.params,
    frames: logMel.frames,
    bands: logMel.bands,
    hopSeconds: logMel.axes.hopSeconds,
    windowSeconds: logMel.axes.windowSeconds,
    bandCentersHz: logMel.axes.bandCentersHz,
    bandEdgesHz: logMel.axes.bandEdgesHz,
    axes: logMel.axes,
  };
}

export function patchFields(patches: Pick<Patches, 'count' | 'frames' | 'hopFrames' | 'startFrame' | 'padded'>) {
  return { count: patches.count, frames: patches.frames, hopFrames: patches.hopFrames, startFrame: patches.startFrame, padded: patches.padded };
}
