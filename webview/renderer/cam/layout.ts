// Where everything of a CAM view sits, in CSS pixels, as plain numbers (no DOM): the rows stacked under
// each other in the plot column (probability strip, cycle lane, map, time profile, time axis and, for long
// recordings, the overview) and the band profile and colour bars to the right of the map.
// A new lane is a new entry in ROWS.

/** A row of the plot column: its top edge and height. */
export interface Row {
  top: number;
  height: number;
}

export type RowId = 'strip' | 'cycles' | 'map' | 'timeProfile' | 'timeAxis' | 'overview' | 'overviewAxis';

interface RowSpec {
  id: RowId;
  height: number;
  /** Space left below the row. */
  gap: number;
  /** Only for recordings long enough to need an overview. */
  longOnly?: boolean;
}

/** Heights of the cycle lane: annotated classes only, or annotated over the model's. */
const CYCLE_ROW = 8;
const CYCLE_GAP = 2;

/** Top to bottom (the cycle lane's height is set per output: camLayout). */
const ROWS: RowSpec[] = [
  { id: 'strip', height: 12, gap: 3 },
  { id: 'cycles', height: CYCLE_ROW, gap: 4 },
  { id: 'map', height: 256, gap: 6 },
  { id: 'timeProfile', height: 44, gap: 0 },
  { id: 'timeAxis', height: 38, gap: 0 },
  { id: 'overview', height: 44, gap: 0, longOnly: true },
  { id: 'overviewAxis', height: 24, gap: 0, longOnly: true },
];

/** Fixed widths: the axis column on the left, and to the right of the map its profile and two colour bars. */
export const SIDE = {
  left: 70,
  profileGap: 8,
  profileWidth: 70,
  barGap: 18,
  barWidth: 12,
  barAxis: 42,
};
const BOTTOM_MARGIN = 4;
const MIN_WIDTH = 560;
const MAX_WIDTH = 1600;
/** Recordings longer than this get the overview with its brush. */
export const OVERVIEW_MIN_SECONDS = 15;

export interface CamLayout {
  width: number;
  /** Width of the map and of every row. */
  plotWidth: number;
  height: number;
  /** Rows present for this recording (the overview rows only for long ones). */
  rows: Partial<Record<RowId, Row>> & Record<'strip' | 'cycles' | 'map' | 'timeProfile' | 'timeAxis', Row>;
  hasOverview: boolean;
  /** x of the band profile and of the colour bars, from the plot's left edge. */
  bandProfileX: number;
  colorBarsX: number;
}

/**
 * `verdicts`: the output's cycles carry the model's labels, so the cycle lane holds two rows (annotated,
 * then the model's), else one.
 */
export function camLayout(availableWidth: number, recordingSeconds: number, verdicts = false): CamLayout {
  const width = Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, availableWidth - 4));
  const right = SIDE.profileGap + SIDE.profileWidth + SIDE.barGap + 2 * (SIDE.barWidth + SIDE.barAxis);
  const plotWidth = width - SIDE.left - right;
  const hasOverview = recordingSeconds > OVERVIEW_MIN_SECONDS;
  const rows: Partial<Record<RowId, Row>> = {};
  let top = 0;
  for (const spec of ROWS) {
    if (spec.longOnly && !hasOverview) continue;
    const height = spec.id === 'cycles' && verdicts ? 2 * CYCLE_ROW + CYCLE_GAP : spec.height;
    rows[spec.id] = { top, height };
    top += height + spec.gap;
  }
  return {
    width,
    plotWidth,
    height: top + BOTTOM_MARGIN,
    rows: rows as CamLayout['rows'],
    hasOverview,
    bandProfileX: plotWidth + SIDE.profileGap,
    colorBarsX: plotWidth + SIDE.profileGap + SIDE.profileWidth + SIDE.barGap,
  };
}

/** The marks canvas covers the plot column from the strip down to the time profile's bottom edge. */
export function marksHeight(layout: CamLayout): number {
  const t = layout.rows.timeProfile;
  return t.top + t.height + 1;
}

/** The cycle lane's rows: the annotated classes, and (when the lane holds two) the model's. */
export function cycleRows(lane: Row): { annotated: Row; model: Row | null } {
  if (lane.height < 2 * CYCLE_ROW + CYCLE_GAP) return { annotated: lane, model: null };
  return { annotated: { top: lane.top, height: CYCLE_ROW }, model: { top: lane.top + CYCLE_ROW + CYCLE_GAP, height: CYCLE_ROW } };
}
