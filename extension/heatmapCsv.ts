/** CSV of a [frames, bands] map, shared by both exports (a WAV's heatmap, a notebook output's). */

/** Header `time_s,band_0,…`, one row per frame (10 ms hop). */
export function mapCsv(data: ArrayLike<number>, frames: number, bands: number, hopSeconds = 0.01): string {
  const lines = [['time_s', ...Array.from({ length: bands }, (_, b) => `band_${b}`)].join(',')];
  for (let f = 0; f < frames; f++) {
    const row = [(f * hopSeconds).toFixed(2)];
    for (let b = 0; b < bands; b++) row.push(String(Number(data[f * bands + b].toPrecision(6))));
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}
