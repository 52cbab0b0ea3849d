// SPRSound annotations: the event mapping onto LungCAM's classes, milliseconds written as numbers or
// strings, and every malformed annotation named by file and field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSprsoundAnnotation, parseSprsoundName, SPRSOUND_EVENT_LABELS } from '../../../kernels/engine/data/sprsound';
import { isInputError } from '../../../kernels/engine/errors';

function inputError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isInputError(e), `expected a LungcamInputError, got ${e}`);
    assert.match((e as Error).message, pattern);
    assert.ok(!(e as Error).message.includes('\n'), 'one line');
    return true;
  });
}

const doc = (events: unknown[], record = 'CAS & DAS') => JSON.stringify({ record_annotation: record, event_annotation: events });

test('every SPRSound event type maps onto a LungCAM class (crackles → crackle, CAS → wheeze, both → both)', () => {
  assert.deepEqual({ ...SPRSOUND_EVENT_LABELS }, {
    Normal: 'normal', 'Fine Crackle': 'crackle', 'Coarse Crackle': 'crackle',
    Wheeze: 'wheeze', Rhonchi: 'wheeze', Stridor: 'wheeze', 'Wheeze+Crackle': 'both',
  });
  const types = Object.keys(SPRSOUND_EVENT_LABELS);
  const a = parseSprsoundAnnotation(doc(types.map((type, i) => ({ start: i * 1000, end: i * 1000 + 500, type }))), 'r.json');
  assert.deepEqual(a.cycles.map((c) => c.label), ['normal', 'crackle', 'crackle', 'wheeze', 'wheeze', 'wheeze', 'both']);
  assert.deepEqual(a.cycles.map((c) => c.annotatedAs), types);
  assert.deepEqual(a.cycles.map((c) => [c.crackles, c.wheezes]).at(-1), [true, true]);
  assert.deepEqual(a.cycles.map((c) => c.line), [1, 2, 3, 4, 5, 6, 7]);
});

test('start and end are milliseconds, as numbers or as strings', () => {
  const a = parseSprsoundAnnotation(doc([{ start: '1250', end: 2710, type: 'Wheeze' }, { start: 3000, end: ' 3500 ', type: 'Normal' }]), 'r.json');
  assert.deepEqual(a.cycles.map((c) => [c.startSeconds, c.endSeconds]), [[1.25, 2.71], [3, 3.5]]);
  assert.equal(a.recordLabel, 'CAS & DAS');
});

test('a malformed annotation names the file and the field', () => {
  inputError(() => parseSprsoundAnnotation('{"record_annotation": "Normal", ', 'a.json'), /^a\.json: not valid JSON/);
  inputError(() => parseSprsoundAnnotation('[1, 2]', 'b.json'), /^b\.json: the annotation is a list, not an object/);
  inputError(() => parseSprsoundAnnotation('"Normal"', 'b.json'), /^b\.json: the annotation is a string, not an object/);
  inputError(() => parseSprsoundAnnotation(doc([], 'Asthma'), 'c.json'), /^c\.json: record_annotation is "Asthma" \(expected one of "Normal", "CAS"/);
  inputError(() => parseSprsoundAnnotation('{"record_annotation": "Normal"}', 'd.json'), /^d\.json: event_annotation is missing/);
  inputError(() => parseSprsoundAnnotation(doc([{ start: 0, end: 500, type: 'Normal' }, { start: 0, end: 500, type: 'Crackles' }]), 'e.json'),
    /^e\.json: event_annotation\[1\]\.type: unknown event type "Crackles" \(expected one of "Normal", "Fine Crackle"/);
  inputError(() => parseSprsoundAnnotation(doc([{ start: 900, end: 500, type: 'Normal' }]), 'f.json'), /^f\.json: event_annotation\[0\]: an event must have 0 ≤ start < end \(start 900 ms, end 500 ms\)/);
  inputError(() => parseSprsoundAnnotation(doc([{ start: 'soon', end: 500, type: 'Normal' }]), 'g.json'), /^g\.json: event_annotation\[0\]\.start: start is "soon", not a number of milliseconds/);
  inputError(() => parseSprsoundAnnotation(doc([{ start: 0, type: 'Normal' }]), 'h.json'), /^h\.json: event_annotation\[0\]\.end: end is undefined/);
  inputError(() => parseSprsoundAnnotation(doc(['Normal']), 'i.json'), /^i\.json: event_annotation\[0\]: is not an object/);
});

test('SPRSound names give the patient first, then the chest location and id', () => {
  const n = parseSprsoundName('40069321_15.3_0_p4_984');
  assert.equal(n.patientId, '40069321');
  assert.equal(n.chestLocation, 'p4');
  assert.equal(n.recordingIndex, '984');
  assert.equal(n.device, 'Yunting II');
});
