/**
 * Localisation in time on real recordings whose events carry time bounds only (SPRSound): for each
 * adventitious event (crackle, wheeze, both), the map of the event's own class, its energy inside the
 * event's time window against the window's share of time, within the patches the event overlaps (the
 * same rule as the synthetic boxes of localisation.ts, with a box spanning every band), and the pointing
 * game in time (the map's maximum over those patches lies inside the window). Normal events are not
 * scored: there is nothing to point at.
 */
import type { FeatureParams } from '../types';
import type { EventAnnotation } from '../../shared/outputTypes';
import { logMelFromFile } from '../audio/features';
import type { Cycle } from '../data/cycles';
import { camImage } from './cam';
import { recordingCam, type CamModel } from './explain';
import { localise, summariseLocalisation, type EventLocalisation } from './localisation';

export interface TimeLocalisationFigures {
  events: number;
  /** Mean over events of energy share / time share (1 = no better than an even spread). */
  meanRatio: number;
  meanEnergyShare: number;
  meanTimeShare: number;
  pointingGameRate: number;
}

export interface TimeLocalisation extends TimeLocalisationFigures {
  recordings: number;
  byClass: Record<string, TimeLocalisationFigures>;
  layer: string;
}

const ADVENTITIOUS = new Set(['crackle', 'wheeze', 'both']);

function figures(list: EventLocalisation[]): TimeLocalisationFigures {
  const s = summariseLocalisation(list);
  return { events: list.length, meanRatio: s.meanRatio, meanEnergyShare: s.meanEnergyShare, meanTimeShare: s.meanAreaShare, pointingGameRate: s.pointingGameRate };
}

/** Time localisation of `cm`'s Grad-CAM (last conv layer unless `layers`) on the recordings' adventitious events. */
export async function localiseInTime(
  cm: CamModel, recordings: readonly { wavPath: string; cycles: readonly Cycle[] }[], params: FeatureParams, opts: { layers?: string[] } = {},
): Promise<TimeLocalisation> {
  const all: EventLocalisation[] = [];
  let used = 0;
  let layer = '';
  for (const rec of recordings) {
    const events: EventAnnotation[] = rec.cycles.filter((c) => ADVENTITIOUS.has(c.label))
      .map((c) => ({ type: c.label, startSeconds: c.startSeconds, endSeconds: c.endSeconds, lowHz: 0, highHz: Number.POSITIVE_INFINITY }));
    if (events.length === 0) continue;
    used++;
    const logMel = await logMelFromFile(rec.wavPath, params);
    const rc = await recordingCam(cm, logMel, { layers: opts.layers });
    layer = rc.layers.join('+');
    for (const type of [...new Set(events.map((e) => e.type))]) {
      const map = camImage(rc.result, cm.classes.indexOf(type), { startFrame: rc.patches.startFrame, frames: logMel.frames }, { layers: rc.layers });
      const windows = { startFrame: rc.patches.startFrame, patchFrames: rc.patches.frames };
      all.push(...localise({ data: map, frames: logMel.frames, bands: logMel.bands }, logMel.axes, events.filter((e) => e.type === type), windows));
    }
  }
  const byClass = Object.fromEntries([...new Set(all.map((e) => e.event.type))].sort().map((t) => [t, figures(all.filter((e) => e.event.type === t))]));
  return { recordings: used, layer, ...figures(all), byClass };
}
