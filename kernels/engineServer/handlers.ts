/**
 * One handler per kind of engine request (kernels/shared/engineProtocol.ts). A handler gets the request's
 * parameters and a context (cancellation, progress) and returns the answer; errors are reported by the
 * loop in main.ts. To add a kind: an entry in EngineCalls and a function here.
 */
import type { EngineCalls, EngineKind } from '../shared/engineProtocol';
import { backendDescription } from '../engine/model/backend';
import { resolveMethod } from '../engine/cam/layers';
import { camModelOf, checkViewCutoff, viewCam, viewOutputs } from '../engine/show/viewOutputs';
import { viewLayerMaps } from '../engine/cam/viewChunks';
import type { EngineCache } from './cache';

export interface HandlerContext {
  cache: EngineCache;
  signal: AbortSignal;
  progress(step: string, done?: number): void;
}

export type Handlers = { [K in EngineKind]: (params: EngineCalls[K]['params'], ctx: HandlerContext) => Promise<EngineCalls[K]['result']> };

export const handlers: Handlers = {
  async analyse(p, ctx) {
    ctx.progress('reading the recording');
    const logMel = await ctx.cache.logMel(p.wav, p.model);
    ctx.progress('loading the model');
    const loaded = await ctx.cache.model(p.model);
    return viewOutputs(loaded, logMel, p.wav, { method: resolveMethod(p.method), requestId: p.requestId, signal: ctx.signal, onProgress: ctx.progress });
  },

  async recompute(p, ctx) {
    const loaded = await ctx.cache.model(p.model);
    checkViewCutoff(loaded.meta, p.cutoffHz);
    const logMel = await ctx.cache.logMel(p.wav, p.model);
    return viewCam(loaded, logMel, p.wav, { method: resolveMethod(p.method), requestId: p.requestId, signal: ctx.signal, onProgress: ctx.progress });
  },

  async camLayer(p, ctx) {
    const logMel = await ctx.cache.logMel(p.wav, p.model);
    const loaded = await ctx.cache.model(p.model);
    ctx.progress(`computing ${p.layer} for every class`, 0);
    return viewLayerMaps(camModelOf(loaded), logMel, p.layer, {
      method: resolveMethod(p.method), signal: ctx.signal, onProgress: (done) => ctx.progress(`computing ${p.layer} for every class`, done),
    });
  },

  async status(_p, ctx) {
    return { pid: process.pid, rssMB: Math.round(process.memoryUsage().rss / 1e6), backend: backendDescription(), recordings: ctx.cache.recordings(), models: ctx.cache.modelFolders() };
  },
};
