/**
 * Localisation over a set of recordings with ground-truth events (the synthetic corpus's NAME.events.json):
 * for each event, the map of the event's own class (crackle → "crackle", wheeze → "wheeze"), energy inside
 * its time × frequency box against the box's area share, and the pointing game; averaged per event type
 * and overall.
 */
import type { FeatureParams } from '../types';
import { logMelFromFile } from '../audio/features';
import { camImage } from './cam';
import { readEvents, recordingCam, type CamModel } from './explain';
import { localise, summariseLocalisation, type EventLocalisation } from './localisation';
import type { CamMethodName } from './methods';

export interface DatasetLocalisation {
  recordings: number;
  events: number;
  meanRatio: number;
  meanEnergyShare: number;
  meanAreaShare: number;
  pointingGameRate: number;
  byType: Record<string, { events: number; meanRatio: number; meanEnergyShare: number; meanAreaShare: number; pointingGameRate: number }>;
}

export async function localiseRecordings(
  cm: CamModel,
  recordings: { wavPath: string; eventsPath?: string | null }[],
  params: FeatureParams,
  opts: { layers?: string[]; method?: CamMethodName } = {},
): Promise<DatasetLocalisation> {
  const all: EventLocalisation[] = [];
  let used = 0;
  for (const rec of recordings) {
    const events = readEvents(rec.wavPath, rec.eventsPath ?? undefined);
    if (!events || events.length === 0) continue;
    used++;
    const logMel = await logMelFromFile(rec.wavPath, params);
    const rc = await recordingCam(cm, logMel, { layers: opts.layers, method: opts.method, everything: false });
    for (const type of [...new Set(events.map((e) => e.type))]) {
      const k = cm.classes.indexOf(type);
      const classIndex = k >= 0 ? k : rc.classIndex;
      const map = camImage(rc.result, classIndex, { startFrame: rc.patches.startFrame, frames: logMel.frames }, { layers: rc.layers });
      all.push(...localise({ data: map, frames: logMel.frames, bands: logMel.bands }, logMel.axes, events.filter((e) => e.type === type), {
        startFrame: rc.patches.startFrame, patchFrames: rc.patches.frames,
      }));
    }
  }
  const overall = summariseLocalisation(all);
  const byType: DatasetLocalisation['byType'] = {};
  for (const type of [...new Set(all.map((e) => e.event.type))]) {
    const s = summariseLocalisation(all.filter((e) => e.event.type === type));
    byType[type] = { events: s.events.length, meanRatio: s.meanRatio, meanEnergyShare: s.meanEnergyShare, meanAreaShare: s.meanAreaShare, pointingGameRate: s.pointingGameRate };
  }
  return {
    recordings: used, events: all.length, meanRatio: overall.meanRatio, meanEnergyShare: overall.meanEnergyShare,
    meanAreaShare: overall.meanAreaShare, pointingGameRate: overall.pointingGameRate, byType,
  };
}
