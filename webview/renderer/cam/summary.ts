// The text a screen reader gets for a CAM view: what is shown, where the model looks most, and how the
// attention splits across frequency ranges, including the share above the attention threshold, and which
// band cutoff (model or what-if) the map is for.
import type { CamOutput } from '../../../kernels/shared/outputTypes';
import type { PatchPeak } from '../../../kernels/shared/view/summaries';
import { formatHz, formatSeconds } from '../scales';
import { variantLabel } from './cutoffs';
import { cycleSummary } from '../../../kernels/shared/view/cycleVerdicts';
import { normalisationInfo, type CamNormalisation } from '../../../kernels/shared/view/normalisation';

export interface SummaryInput {
  output: CamOutput;
  layer: string;
  className: string;
  normalisation: CamNormalisation;
  regions: PatchPeak[];
  ranges: { lowHz: number; highHz: number; share: number }[];
  attentionThresholdHz: number;
  shareAboveThreshold: number;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

function rangeLabel(r: { lowHz: number; highHz: number }): string {
  if (r.lowHz <= 0) return `below ${formatHz(r.highHz)}`;
  if (!Number.isFinite(r.highHz)) return `above ${formatHz(r.lowHz)}`;
  return `${formatHz(r.lowHz)}–${formatHz(r.highHz)}`;
}

/** Plain sentences (inserted with textContent by the caller). */
export function camSummary(s: SummaryInput): string {
  const o = s.output;
  const parts: string[] = [];
  parts.push(`${o.method} map of class ${s.className} at layer ${s.layer} for ${o.source.fileName}, ${formatSeconds(o.source.durationSeconds)}, ${o.patches.startFrame.length} patches, normalised ${normalisationInfo(s.normalisation).label}.`);
  const cycles = o.annotations?.cycles;
  if (cycles?.length) parts.push(cycleSummary(cycles, o.annotations?.source));
  if (o.cutoff && (o.cutoff.cutoffMode === 'masked' || o.cutoff.bandCutoffHz !== null)) parts.push(`${variantLabel(o.cutoff)}.`);
  if (s.regions.length > 0) {
    const rs = s.regions.map((r) => `${formatSeconds(r.startSeconds)} to ${formatSeconds(r.endSeconds)} at ${formatHz(r.lowHz)}–${formatHz(r.highHz)} (patch ${r.patch + 1})`);
    parts.push(`Strongest regions: ${rs.join('; ')}.`);
  } else {
    parts.push('The map is zero everywhere: the model gives this class no positive evidence.');
  }
  if (s.ranges.some((r) => r.share > 0)) parts.push(`Attention by band: ${s.ranges.map((r) => `${rangeLabel(r)} ${pct(r.share)}`).join(', ')}.`);
  parts.push(`${(s.shareAboveThreshold * 100).toFixed(1)}% of the attention lies above ${formatHz(s.attentionThresholdHz)}.`);
  return parts.join(' ');
}
