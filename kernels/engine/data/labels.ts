/**
 * Cycle labels of the ICBHI 2017 challenge: each respiratory cycle is annotated with two flags
 * (crackles, wheezes), which give four classes.
 */
export type CycleLabel = 'normal' | 'crackle' | 'wheeze' | 'both';

/** Class order used for class indices everywhere (models, confusion matrices, balance counts). */
export const CYCLE_LABELS: readonly CycleLabel[] = ['normal', 'crackle', 'wheeze', 'both'];

export function labelFromFlags(crackles: boolean, wheezes: boolean): CycleLabel {
  if (crackles && wheezes) return 'both';
  if (crackles) return 'crackle';
  if (wheezes) return 'wheeze';
  return 'normal';
}

export function flagsFromLabel(label: CycleLabel): { crackles: boolean; wheezes: boolean } {
  return { crackles: label === 'crackle' || label === 'both', wheezes: label === 'wheeze' || label === 'both' };
}

export function isCycleLabel(value: string): value is CycleLabel {
  return (CYCLE_LABELS as readonly string[]).includes(value);
}
