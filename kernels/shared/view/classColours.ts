/**
 * One colour per class wherever classes are drawn — probability bars, the probability strip, the cycle
 * lane (annotated and predicted), figures and exports — so "annotated crackle" and "predicted crackle" are
 * the same colour everywhere: Tableau 10 (d3's schemeTableau10, written out because the engine's Node
 * bundle cannot require d3's ES modules) in the model's class order.
 */
export const TABLEAU_10 = ['#4e79a7', '#f28e2c', '#e15759', '#76b7b2', '#59a14f', '#edc949', '#af7aa1', '#ff9da7', '#9c755f', '#bab0ab'] as const;

/** ICBHI's four cycle classes in the models' order: the colours of annotations shown without a model's class list. */
export const CYCLE_CLASSES: readonly string[] = ['normal', 'crackle', 'wheeze', 'both'];

/** Colour of the class at `index` in the model's class list. */
export function classColourAt(index: number): string {
  return TABLEAU_10[((index % 10) + 10) % 10];
}

/** Colour of a class by name (a name the model does not have: neutral grey). */
export function classColour(label: string, classes: readonly string[]): string {
  const i = classes.indexOf(label);
  return i >= 0 ? classColourAt(i) : '#8c8c8c';
}

/** "#4e79a7" → [78, 121, 167]. */
export function hexToRgb(hex: string): [number, number, number] {
  const v = parseInt(hex.replace('#', ''), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
