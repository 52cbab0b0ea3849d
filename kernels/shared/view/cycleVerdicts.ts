/**
 * Annotated cycles against the model's verdicts, in words: the one-line summary under the cycle lane
 * ("7 of 8 cycles wrong: annotated crackle+wheeze, predicted normal"), each cycle's hover text and its
 * right/wrong mark. The renderer, the text and PNG fallbacks, exports and the CLI all say it this way.
 * A cycle is right when its predicted class is exactly the annotated one (as the ICBHI score counts it).
 */
import type { AnnotationSource, CycleAnnotation } from '../outputTypes';
import { classWords, plural } from './words';

export type Verdict = 'right' | 'wrong' | 'unjudged';

/** Right, wrong, or unjudged (no annotated class, or no prediction for the cycle). */
export function verdictOf(c: CycleAnnotation): Verdict {
  if (!c.label || !c.predicted || c.predicted.label === 'none') return 'unjudged';
  return c.predicted.label === c.label ? 'right' : 'wrong';
}

/** What one annotated stretch is called: ICBHI annotates breathing cycles, SPRSound timed events. */
export function cycleNoun(source?: Pick<AnnotationSource, 'format'>): string {
  return source?.format === 'sprsound' ? 'event' : 'cycle';
}

export interface VerdictCounts {
  judged: number;
  wrong: number;
  right: number;
}

export function verdictCounts(cycles: readonly CycleAnnotation[]): VerdictCounts {
  let right = 0;
  let wrong = 0;
  for (const c of cycles) {
    const v = verdictOf(c);
    if (v === 'right') right++;
    else if (v === 'wrong') wrong++;
  }
  return { judged: right + wrong, right, wrong };
}

/** Counts of values, most frequent first (ties in first-seen order). */
function tally(values: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

/**
 * The lane's summary: "7 of 8 cycles wrong: annotated crackle+wheeze, predicted normal." With several
 * kinds of error, grouped by the annotated class: "5 of 12 cycles wrong: 3 annotated wheeze, predicted
 * normal; 2 annotated crackle, predicted normal (1), wheeze (1)." Without predictions it counts the
 * annotated classes.
 */
export function cycleSummary(cycles: readonly CycleAnnotation[], source?: Pick<AnnotationSource, 'format'>): string {
  const noun = cycleNoun(source);
  if (cycles.length === 0) return `No annotated ${noun}s.`;
  const { judged, wrong } = verdictCounts(cycles);
  if (judged === 0) {
    const labelled = cycles.filter((c) => c.label).map((c) => classWords(c.label!));
    const kinds = tally(labelled).map(([label, n]) => `${n} ${label}`).join(', ');
    return `${plural(cycles.length, `annotated ${noun}`)}${kinds ? `: ${kinds}` : ''}.`;
  }
  if (wrong === 0) return judged === 1 ? `The ${noun} is right: annotated and predicted ${classWords(cycles.find((c) => verdictOf(c) === 'right')!.label!)}.` : `All ${judged} ${noun}s right.`;
  const errors = cycles.filter((c) => verdictOf(c) === 'wrong');
  const groups = tally(errors.map((c) => c.label!)).map(([annotated, n]) => {
    const predicted = tally(errors.filter((c) => c.label === annotated).map((c) => c.predicted!.label));
    const said = predicted.length === 1
      ? classWords(predicted[0][0])
      : predicted.map(([label, k]) => `${classWords(label)} (${k})`).join(', ');
    return { n, text: `annotated ${classWords(annotated)}, predicted ${said}` };
  });
  const shown = groups.slice(0, 3).map((g) => (groups.length > 1 ? `${g.n} ${g.text}` : g.text));
  return `${wrong} of ${plural(judged, noun)} wrong: ${shown.join('; ')}${groups.length > 3 ? '; …' : ''}.`;
}


/**
 * One cycle for a tooltip or readout: "Cycle 3, 5.33–7.92 s · annotated crackle+wheeze · predicted wheeze
 * (p 0.62) · wrong". `classes` gives the order of the predicted probabilities.
 */
export function cycleHoverText(c: CycleAnnotation, index: number, classes: readonly string[], source?: Pick<AnnotationSource, 'format'>): string {
  const noun = cycleNoun(source);
  const parts = [`${noun[0].toUpperCase()}${noun.slice(1)} ${index + 1}, ${c.startSeconds.toFixed(2)}–${c.endSeconds.toFixed(2)} s`];
  if (c.label) {
    const own = c.annotatedAs && c.annotatedAs !== c.label ? `${c.annotatedAs} (${classWords(c.label)})` : classWords(c.label);
    parts.push(`annotated ${own}`);
  }
  if (c.predicted && c.predicted.label !== 'none') {
    const k = classes.indexOf(c.predicted.label);
    const p = k >= 0 ? c.predicted.probabilities[k] : undefined;
    parts.push(`predicted ${classWords(c.predicted.label)}${p !== undefined ? ` (p ${p.toFixed(2)})` : ''}`);
  } else if (c.predicted) {
    parts.push('not classified (no audio inside it)');
  }
  const v = verdictOf(c);
  if (v !== 'unjudged') parts.push(v);
  return parts.join(' · ');
}
