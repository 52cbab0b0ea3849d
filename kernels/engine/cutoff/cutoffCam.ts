/**
 * Grad-CAM and predictions of a recording at a band cutoff: the planned member (plan.ts) reads its own
 * low bands of the recording's full-band log-mel (lowBands.ts), with the bands above the cutoff masked when
 * the plan says so (bandMask.ts). The full-band log-mel is computed once and serves every cutoff.
 */
import { recordingCam, type CamModel, type RecordingCam, type RecordingCamOptions } from '../cam/explain';
import type { FamilyMember } from '../model/family';
import { loadModel, type LoadedModel } from '../model/modelIO';
import type { LogMel } from '../types';
import { maskBandsAbove } from './bandMask';
import { lowBandsOf } from './lowBands';
import { openModelSource, type CutoffPlan, type ModelSource } from './plan';

/**
 * Loads a source's members on first use and keeps them (a view switches between them); `load` is where a
 * model comes from (the warm engine's cache keeps them between requests).
 */
export class MemberModels {
  private readonly loaded = new Map<string, Promise<LoadedModel>>();

  constructor(readonly source: ModelSource, private readonly load: (dir: string) => Promise<LoadedModel> = loadModel) {}

  get(member: FamilyMember): Promise<LoadedModel> {
    let m = this.loaded.get(member.dir);
    if (!m) this.loaded.set(member.dir, (m = this.load(member.dir)));
    return m;
  }
}

/** A family (or one model) with every member's weights loaded. */
export async function loadModelFamily(dir: string): Promise<{ source: ModelSource; members: (FamilyMember & { loaded: LoadedModel })[] }> {
  const source = openModelSource(dir);
  const models = new MemberModels(source);
  const members = await Promise.all(source.members.map(async (m) => ({ ...m, loaded: await models.get(m) })));
  return { source, members };
}

export const camModelOf = (m: LoadedModel): CamModel => ({ model: m.model, id: m.meta.name, classes: m.meta.classes, convLayers: m.meta.convLayers });

/** The input the planned member sees: its bands of the recording, masked above the cutoff in masked mode. */
export function cutoffInput(full: LogMel, plan: CutoffPlan): LogMel {
  const own = lowBandsOf(full, plan.member.bandCutoffHz);
  if (plan.cutoffMode === 'model' || plan.bandCutoffHz === null) return own;
  return maskBandsAbove(own, own.axes.bandCentersHz, plan.bandCutoffHz, plan.maskFill);
}

export interface CutoffCam {
  plan: CutoffPlan;
  loaded: LoadedModel;
  rc: RecordingCam;
}

/** Grad-CAM (and the per-patch probabilities) of `full` at the plan's cutoff. */
export async function cutoffCam(models: MemberModels, full: LogMel, plan: CutoffPlan, opts: RecordingCamOptions = {}): Promise<CutoffCam> {
  const loaded = await models.get(plan.member);
  const rc = await recordingCam(camModelOf(loaded), cutoffInput(full, plan), opts);
  return { plan, loaded, rc };
}
