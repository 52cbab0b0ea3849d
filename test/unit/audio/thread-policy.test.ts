import assert from 'node:assert/strict';
import { test } from 'node:test';
import { threadsForLoad } from '../../../kernels/engine/audio/workerPool';

test('a 2-core laptop uses both cores when nothing else runs, even right after earlier runs raised the load average', () => {
  assert.equal(threadsForLoad(2, 0, 1), 2);
  // The previous runs of lungcam features left the 1-minute average at 1.8; only this thread runs now.
  assert.equal(threadsForLoad(2, 1.8, 1), 2);
  // One other busy program: this thread and one helper still get more of the machine than one thread.
  assert.equal(threadsForLoad(2, 1.2, 2), 2);
  // Earlier runs left 1.5 in the average and this process's own background threads show up as runnable.
  assert.equal(threadsForLoad(2, 1.5, 3), 2);
});

test('one thread when other programs keep every core busy; at most 4 threads; platforms without a runnable count use the load average', () => {
  assert.equal(threadsForLoad(2, 3.5, 4), 1);
  assert.equal(threadsForLoad(2, 2.4, 3), 1);
  // A moment with many runnable threads but an idle minute: a spike, not a busy machine.
  assert.equal(threadsForLoad(2, 0.3, 6), 2);
  assert.equal(threadsForLoad(16, 0, 1), 4);
  assert.equal(threadsForLoad(1, 0, 1), 1);
  assert.equal(threadsForLoad(4, 0, null), 4); // Windows: loadavg() is [0, 0, 0]
  assert.equal(threadsForLoad(4, 3.8, null), 1);
  assert.equal(threadsForLoad(4, 3.2, null), 2);
});
