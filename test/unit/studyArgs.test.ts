// The command line Run Band-Cutoff Study… runs, for one cutoff and for a sweep, and how it reads the user's list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCutoffList, studyArgs, studyFraction } from '../../extension/studyArgs';

test('one cutoff or a sweep with its seeds, as `lungcam study` takes them', () => {
  assert.deepEqual(studyArgs('/d', '/d-study', { kind: 'one', cutoffHz: 1500 }, 12), ['study', '/d', '--cutoff', '1500', '--out', '/d-study', '--epochs', '12']);
  assert.deepEqual(studyArgs('/d', '/o', { kind: 'sweep', cutoffsHz: [1000, 1250, 1500, 1750], seeds: 3 }, 6),
    ['study', '/d', '--sweep', '1000,1250,1500,1750', '--seeds', '3', '--out', '/o', '--epochs', '6']);
});

test('a typed cutoff list is sorted and deduplicated; anything else is one line saying what is wrong', () => {
  assert.deepEqual(parseCutoffList('1500, 1000;1250  1000'), [1000, 1250, 1500]);
  assert.equal(parseCutoffList(''), 'give at least one cutoff in Hz, e.g. 1000, 1250, 1500, 1750');
  assert.equal(parseCutoffList('1000, abc'), '"abc" is not a frequency in Hz');
  assert.equal(parseCutoffList('-5'), '"-5" is not a frequency in Hz');
});

test('progress lines with a count move the bar', () => {
  assert.equal(studyFraction('progress: 3/20 cut1250 seed 2: epoch 4'), 0.15);
  assert.equal(studyFraction('progress: reading the dataset'), undefined);
});
