/**
 * Everything a Grad-CAM view of one recording needs at a band cutoff, from a model folder or a family
 * folder: the recording's full-band log-mel, the planned variant (plan.ts) and, for a family, every other
 * member precomputed (cutoffOutput.ts), and the recording's annotated cycles with the planned member's
 * verdict on each (the views' cycle lane). `lungcam view`, the warm engine (kernels/engineServer) and
 * notebook cells (`lc.cutoffView`) all use it.
 */
import { randomBytes } from 'node:crypto';
import { basename, resolve } from 'node:path';
import type { CamMap, CamOutput } from '../../shared/outputTypes';
import { encodeRequestId } from '../../shared/requestId';
import type { BandCutoffHz } from '../../shared/cutoff';
import { logMelFromFile } from '../audio/features';
import { loadModel, type LoadedModel } from '../model/modelIO';
import { viewLayerMaps } from '../cam/viewChunks';
import { checkModelInput } from '../audio/audioCheck';
import { readEvents } from '../cam/explain';
import { resolveMethod } from '../cam/layers';
import type { FeatureParams, LogMel } from '../types';
import { DEFAULT_MASK_FILL, type MaskFill } from './bandMask';
import { camModelOf, cutoffInput, MemberModels } from './cutoffCam';
import { readRecordingAnnotations } from '../data/annotations';
import { classifyLogMel } from '../model/classify';
import { cycleLaneOf } from '../model/cycleLane';
import { cutoffOutput, rungPlans } from './cutoffOutput';
import { openModelSource, planBandCutoff, readBandCutoff, type CutoffPlan, type ModelSource } from './plan';

export interface CutoffViewOptions {
  method?: string;
  /** The cutoff the view opens on (a number, "full", or null/undefined: the widest member's own). */
  bandCutoffHz?: BandCutoffHz | string;
  maskFill?: MaskFill;
  /** With a family: only the cutoff asked, not the other members. */
  onlyCutoff?: boolean;
  requestId?: string;
  /** Each step as it starts (the CLI's progress lines), and the share of the CAM done (0..1) as it goes. */
  onProgress?: (step: string, done?: number) => void;
  /** What is odd about the recording: decode warnings and audio the model may not read well. */
  onWarnings?: (warnings: string[]) => void;
  /** Stops the CAM between chunks (an AbortError). */
  signal?: AbortSignal;
  /** Where the recording's log-mel and the models come from (default: read and load them; the warm engine keeps both). */
  readLogMel?: (wav: string, params: FeatureParams) => Promise<LogMel & { warnings: string[] }>;
  loadModel?: (dir: string) => Promise<LoadedModel>;
}

export interface CutoffView {
  source: ModelSource;
  plan: CutoffPlan;
  /** The recording's full-band log-mel (the source's filterbank). */
  full: LogMel;
  models: MemberModels;
  /** The model that answers the plan's cutoff. */
  loaded: LoadedModel;
  cam: CamOutput;
  /** The planned member's classification of the recording and of its annotated cycles (the cycle lane). */
  prediction: ReturnType<typeof classifyLogMel>;
}

/** Opens the source and plans the cutoff before any audio or model work (bad input fails fast). */
export function planCutoffView(modelDir: string, opts: Pick<CutoffViewOptions, 'bandCutoffHz' | 'maskFill'> = {}): { source: ModelSource; plan: CutoffPlan } {
  const source = openModelSource(modelDir);
  const asked = opts.bandCutoffHz === undefined || opts.bandCutoffHz === null ? null : readBandCutoff(opts.bandCutoffHz, source);
  return { source, plan: planBandCutoff(source, asked, opts.maskFill ?? DEFAULT_MASK_FILL) };
}

export async function computeCutoffView(wav: string, modelDir: string, opts: CutoffViewOptions = {}): Promise<CutoffView> {
  const say = opts.onProgress ?? (() => undefined);
  const method = resolveMethod(opts.method);
  const { source, plan } = planCutoffView(modelDir, opts);
  say('reading the recording');
  const full = await (opts.readLogMel ?? logMelFromFile)(wav, source.featureParams);
  opts.onWarnings?.([...full.warnings, ...checkModelInput(full, wav)]);
  const family = source.kind === 'family' && !opts.onlyCutoff;
  say(source.kind === 'family' ? `loading the ${source.members.length} models of family ${source.name}` : 'loading the model');
  const models = new MemberModels(source, opts.loadModel);
  const loaded = await models.get(plan.member);
  say('classifying');
  const truth = readRecordingAnnotations(wav, { durationSeconds: full.source?.durationSeconds });
  opts.onWarnings?.(truth?.warnings ?? []);
  const prediction = classifyLogMel(loaded, cutoffInput(full, plan), truth);
  const lane = cycleLaneOf(prediction);
  const step = family ? `computing Grad-CAM for every layer and class at ${source.members.length} cutoffs` : 'computing Grad-CAM for every layer and class';
  say(step, 0);
  const events = readEvents(wav);
  const annotations = lane || events ? { ...lane, ...(events ? { events } : {}) } : undefined;
  const recording = { ...full, source: full.source ?? { fileName: basename(wav), durationSeconds: full.frames * full.axes.hopSeconds, originalSampleRate: 16000, channels: 1 } };
  const { output } = await cutoffOutput(models, recording, plan, family ? rungPlans(source.members, plan) : [], {
    method,
    ...(source.kind === 'family' ? { family: source.name } : {}),
    ...(annotations ? { annotations } : {}),
    ...(truth ? { annotated: truth } : {}),
    ...(opts.requestId ? { requestId: opts.requestId } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: (done) => say(step, done),
  });
  return { source, plan, full, models, loaded, cam: output, prediction };
}

/** One layer's maps (every class) at a band cutoff: a layer the view's output left out, fetched when picked. */
export async function cutoffLayerMaps(wav: string, modelDir: string, layer: string, opts: CutoffViewOptions = {}): Promise<Record<string, CamMap>> {
  const method = resolveMethod(opts.method);
  const { source, plan } = planCutoffView(modelDir, opts);
  const full = await (opts.readLogMel ?? logMelFromFile)(wav, source.featureParams);
  const loaded = await (opts.loadModel ?? loadModel)(plan.member.dir);
  const step = `computing ${layer} for every class`;
  opts.onProgress?.(step, 0);
  return viewLayerMaps(camModelOf(loaded), cutoffInput(full, plan), layer, {
    method, ...(opts.signal ? { signal: opts.signal } : {}), onProgress: (done) => opts.onProgress?.(step, done),
  });
}

/**
 * The CAM output of a recording at a band cutoff, for `lc.show` in a notebook: with a family every member
 * is precomputed, so the view's band-cutoff control switches between them with no kernel; its requestId
 * names the WAV and the folder, so other cutoffs (what-ifs) and methods can be asked for.
 */
export async function cutoffView(wavPath: string, modelDir: string, opts: Omit<CutoffViewOptions, 'requestId'> = {}): Promise<CamOutput> {
  const requestId = encodeRequestId({ wav: resolve(wavPath), model: openModelSource(modelDir).dir, key: randomBytes(6).toString('hex') });
  return (await computeCutoffView(wavPath, modelDir, { ...opts, requestId })).cam;
}

