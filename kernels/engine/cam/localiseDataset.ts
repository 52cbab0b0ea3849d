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
import type { CamMethodName } from '../../shared/view/methods';

/** Figures over a set of events: overall and per event type. */
export interface EventFigures {
  events: number;
  meanRatio: number;
  meanEnergyShare: number;
  meanAreaShare: number;
  pointingGameRate: number;
}

export interface LocalisationFigures extends EventFigures {
  byType: Record<string, EventFigures>;
}

export interface DatasetLocalisation extends LocalisationFigures {
  /** The same, with boxes widened to at least one cell of the explained layer's map (its resolution). */
  atMapResolution: LocalisationFigures & { minFrames: number; minBands: number };
  recordings: number;
}

function figures(list: EventLocalisation[]): LocalisationFigures {
  const overall = summariseLocalisation(list);
  const byType: LocalisationFigures['byType'] = {};
  for (const type of [...new Set(list.map((e) => e.event.type))]) {
    const s = summariseLocalisation(list.filter((e) => e.event.type === type));
    byType[type] = { events: s.events.length, meanRatio: s.meanRatio, meanEnergyShare: s.meanEnergyShare, meanAreaShare: s.meanAreaShare, pointingGameRate: s.pointingGameRate };
  }
  return {
    events: list.length, meanRatio: overall.meanRatio, meanEnergyShare: overall.meanEnergyShare,
    meanAreaShare: overall.meanAreaShare, pointingGameRate: overall.pointingGameRate, byType,
  };
}

export async function localiseRecordings(
  cm: CamModel,
  recordings: { wavPath: string; eventsPath?: string | null }[],
  params: FeatureParams,
  opts: { layers?: string[]; method?: CamMethodName } = {},
): Promise<DatasetLocalisation> {
  const all: EventLocalisation[] = [];
  const wide: EventLocalisation[] = [];
  let used = 0;
  let cell = { minFrames: 0, minBands: 0 };
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
      const grid = { data: map, frames: logMel.frames, bands: logMel.bands };
      const windows = { startFrame: rc.patches.startFrame, patchFrames: rc.patches.frames };
      const ofType = events.filter((e) => e.type === type);
      all.push(...localise(grid, logMel.axes, ofType, windows));
      // One cell of the coarsest explained layer, in frames and bands.
      const native = rc.result.maps.filter((m) => rc.layers.includes(m.layer));
      cell = {
        minFrames: Math.ceil(rc.patches.frames / Math.min(...native.map((m) => m.timeSteps))),
        minBands: Math.ceil(logMel.bands / Math.min(...native.map((m) => m.bandSteps))),
      };
      wide.push(...localise(grid, logMel.axes, ofType, windows, cell));
    }
  }
  return { recordings: used, ...figures(all), atMapResolution: { ...figures(wide), ...cell } };
}
