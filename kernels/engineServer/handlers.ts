/**
 * One handler per kind of engine request (kernels/shared/engineProtocol.ts). A handler gets the request's
 * parameters and a context (cancellation, progress) and returns the answer; errors are reported by the
 * loop in main.ts. To add a kind: an entry in EngineCalls and a function here.
 */
import type { EngineCalls, EngineKind } from '../shared/engineProtocol';
import { rungOf } from '../shared/cutoffRung';
import { backendDescription, wasmHeapBytes } from '../engine/model/backend';
import { readFileSync } from 'node:fs';
import { cutoffLayerMaps, type CutoffViewOptions } from '../engine/cutoff/cutoffView';
import { viewCam, viewOutputs } from '../engine/cutoff/viewOutputs';
import type { EngineCache } from './cache';

export interface HandlerContext {
  cache: EngineCache;
  signal: AbortSignal;
  progress(step: string, done?: number): void;
}

export type Handlers = { [K in EngineKind]: (params: EngineCalls[K]['params'], ctx: HandlerContext) => Promise<EngineCalls[K]['result']> };

/** What every view computation takes from the engine: its kept features and models, cancellation, progress. */
const fromEngine = (ctx: HandlerContext): CutoffViewOptions => ({
  readLogMel: (wav, params) => ctx.cache.logMel(wav, params),
  loadModel: (dir) => ctx.cache.model(dir),
  signal: ctx.signal,
  onProgress: ctx.progress,
});

/** The process's peak resident size in bytes (Linux VmHWM), or null where /proc is not there. */
function peakRss(): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export const handlers: Handlers = {
  async analyse(p, ctx) {
    return (await viewOutputs(p.wav, p.model, { ...fromEngine(ctx), method: p.method, requestId: p.requestId })).outputs;
  },

  async recompute(p, ctx) {
    return (await viewCam(p.wav, p.model, { ...fromEngine(ctx), method: p.method, requestId: p.requestId })).cam;
  },

  async cutoffWhatIf(p, ctx) {
    const { cam } = await viewCam(p.wav, p.model, { ...fromEngine(ctx), method: p.method, bandCutoffHz: p.bandCutoffHz, onlyCutoff: true });
    return rungOf(cam)!;
  },

  async camLayer(p, ctx) {
    return cutoffLayerMaps(p.wav, p.model, p.layer, { ...fromEngine(ctx), method: p.method, bandCutoffHz: p.bandCutoffHz });
  },

  async status(_p, ctx) {
    const mb = (bytes: number) => Math.round(bytes / 1e6);
    const memory = process.memoryUsage();
    return {
      pid: process.pid, rssMB: mb(memory.rss), peakRssMB: mb(peakRss() ?? memory.rss), jsHeapMB: mb(memory.heapUsed), wasmHeapMB: mb(wasmHeapBytes()),
      backend: backendDescription(), recordings: ctx.cache.recordings(), models: ctx.cache.modelFolders(),
    };
  },
};
