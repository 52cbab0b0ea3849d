// Annotated cycles against the model's verdicts, in words (kernels/shared/view/cycleVerdicts.ts), and the
// one recording-probability rule (recordingLabel.ts) every surface reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cycleHoverText, cycleSummary, verdictCounts, verdictOf } from '../../../kernels/shared/view/cycleVerdicts';
import { argmax, recordingProbabilities } from '../../../kernels/shared/view/recordingLabel';
import type { CycleAnnotation } from '../../../kernels/shared/outputTypes';

const classes = ['normal', 'crackle', 'wheeze', 'both'];
const cycle = (label: string | undefined, predicted?: string, i = 0): CycleAnnotation => ({
  startSeconds: i, endSeconds: i + 1, crackles: false, wheezes: false,
  ...(label ? { label } : {}),
  ...(predicted ? { predicted: { label: predicted, probabilities: classes.map((c) => (c === predicted ? 0.7 : 0.1)) } } : {}),
});

test('the summary names the error the way a teacher would say it', () => {
  const seven = [cycle('crackle', 'crackle'), ...Array.from({ length: 7 }, (_, i) => cycle('both', 'normal', i + 1))];
  assert.equal(cycleSummary(seven), '7 of 8 cycles wrong: annotated crackle+wheeze, predicted normal.');
  const mixed = [cycle('both', 'crackle'), cycle('both', 'crackle'), cycle('both', 'wheeze'), cycle('wheeze', 'normal'), cycle('normal', 'normal')];
  assert.equal(cycleSummary(mixed), '4 of 5 cycles wrong: 3 annotated crackle+wheeze, predicted crackle (2), wheeze (1); 1 annotated wheeze, predicted normal.');
  assert.equal(cycleSummary([cycle('wheeze', 'wheeze'), cycle('normal', 'normal')]), 'All 2 cycles right.');
  assert.equal(cycleSummary([cycle('wheeze', 'wheeze')]), 'The cycle is right: annotated and predicted wheeze.');
  assert.equal(cycleSummary([cycle('crackle'), cycle('crackle'), cycle('normal')]), '3 annotated cycles: 2 crackle, 1 normal.', 'no predictions: the annotation alone');
  assert.equal(cycleSummary([cycle('crackle', 'normal')], { format: 'sprsound' }), '1 of 1 event wrong: annotated crackle, predicted normal.', 'SPRSound annotates events');
  assert.equal(cycleSummary([]), 'No annotated cycles.');
});

test('right, wrong, or not judged; the hover text says both labels and the verdict', () => {
  assert.equal(verdictOf(cycle('both', 'both')), 'right');
  assert.equal(verdictOf(cycle('both', 'crackle')), 'wrong', 'both needs exactly both (the ICBHI score)');
  assert.equal(verdictOf(cycle(undefined, 'crackle')), 'unjudged');
  assert.equal(verdictOf(cycle('crackle', 'none')), 'unjudged', 'a cycle with no audio inside it');
  assert.deepEqual(verdictCounts([cycle('both', 'both'), cycle('both', 'normal'), cycle('normal')]), { judged: 2, right: 1, wrong: 1 });
  assert.equal(cycleHoverText(cycle('both', 'wheeze', 2), 2, classes), 'Cycle 3, 2.00–3.00 s · annotated crackle+wheeze · predicted wheeze (p 0.70) · wrong');
  const fine = { ...cycle('crackle', 'crackle'), annotatedAs: 'Fine Crackle' };
  assert.equal(cycleHoverText(fine, 0, classes, { format: 'sprsound' }), 'Event 1, 0.00–1.00 s · annotated Fine Crackle (crackle) · predicted crackle (p 0.70) · right');
});

test('the recording\'s probabilities are the plain mean over every patch, the padded tail included', () => {
  const rows = [[0.2, 0.8], [0.6, 0.4], [1, 0]];
  assert.deepEqual(recordingProbabilities(rows, 2).map((v) => Number(v.toFixed(4))), [0.6, 0.4]);
  assert.deepEqual(recordingProbabilities(Float32Array.from(rows.flat()), 2).map((v) => Number(v.toFixed(4))), [0.6, 0.4], 'flat or as rows');
  assert.equal(argmax([0.3, 0.5, 0.5]), 1, 'the first on ties');
  assert.deepEqual(recordingProbabilities([], 2), [0, 0]);
});
