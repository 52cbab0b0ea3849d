/** Plain words for messages every surface prints (CLI, text fallbacks, the renderer, exports). */

/** "1 patch", "21 patches", "0 cycles". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * A class as a listener would say it: the "both" class (crackles and wheezes in one cycle) reads
 * "crackle+wheeze"; every other class name stands as it is.
 */
export function classWords(label: string): string {
  return label === 'both' ? 'crackle+wheeze' : label;
}
