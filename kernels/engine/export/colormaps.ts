/** Perceptual colour maps (matplotlib's inferno and a grey ramp), 32 stops, linear between them. */
export type Rgb = [number, number, number];

const INFERNO: Rgb[] = [[0, 0, 4], [4, 3, 18], [11, 7, 36], [21, 11, 55], [35, 12, 76], [49, 10, 92], [62, 9, 102], [76, 12, 107], [90, 17, 110], [103, 22, 110], [116, 26, 110], [128, 31, 108], [143, 36, 105], [155, 41, 100], [168, 46, 95], [180, 51, 89], [193, 58, 80], [204, 66, 72], [215, 75, 63], [224, 85, 54], [233, 97, 43], [239, 110, 33], [245, 123, 23], [248, 137, 12], [251, 153, 6], [252, 168, 13], [251, 184, 29], [249, 199, 47], [245, 217, 73], [242, 232, 101], [243, 245, 134], [252, 255, 164]];
const VIRIDIS: Rgb[] = [[68, 1, 84], [71, 13, 96], [72, 24, 106], [72, 35, 116], [71, 46, 124], [69, 56, 130], [66, 65, 134], [62, 74, 137], [58, 84, 140], [54, 93, 141], [50, 101, 142], [46, 109, 142], [43, 117, 142], [40, 125, 142], [37, 132, 142], [34, 140, 141], [31, 148, 140], [30, 156, 137], [32, 163, 134], [37, 171, 130], [46, 179, 124], [58, 186, 118], [72, 193, 110], [88, 199, 101], [108, 205, 90], [127, 211, 78], [147, 215, 65], [168, 219, 52], [192, 223, 37], [213, 226, 26], [234, 229, 26], [253, 231, 37]];

function ramp(stops: Rgb[], t: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((c) => Math.round(stops[i][c] + (stops[i + 1][c] - stops[i][c]) * f)) as Rgb;
}

/** Attention (0 = ignored, 1 = attended): dark to bright, readable in grey and by colour-blind readers. */
export const inferno = (t: number): Rgb => ramp(INFERNO, t);
export const viridis = (t: number): Rgb => ramp(VIRIDIS, t);
export const grey = (t: number): Rgb => {
  const v = Math.round(Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * 255);
  return [v, v, v];
};
export const INFERNO_STOPS = INFERNO;
export const toHex = ([r, g, b]: Rgb) => '#' + [r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('');
