// The e2e check "activated with no warnings about LungCAM" looks for LungCAM's own identifiers and files,
// so a newcomer's clone in a folder named `lungcam` (the default) does not fail it on code-server's messages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extensionProblems, type LogLine } from '../e2e/lib/hostLog';

const warn = (text: string): LogLine => ({ source: 'test', level: 'warning', text });

describe('e2e log check: what counts as a problem of LungCAM', () => {
  for (const folder of ['/tmp/ci-a/lungcam', '/tmp/ci-b/other', '/home/me/LungCAM', '/src/lungcam-main']) {
    it(`a clone in ${folder}: code-server's messages naming paths under it are not LungCAM's`, () => {
      const theirs = [
        warn(`[File Watcher (node.js)] Watcher shutdown because of an error: ${folder}/samples/.git`),
        warn(`Settings: workspace ${folder}/samples has no .vscode folder`),
        warn(`Extension 'vscode.git' wants API proposal 'x' but ${folder}/samples is not a repository`),
      ];
      assert.deepEqual(extensionProblems(theirs, folder), []);
      const ours = [
        warn('[lungcam.lungcam]: command lungcam.quickAnalysis failed'),
        warn('Notebook renderer lungcam-renderer failed to load'),
        warn('LungCAM: could not analyse rec.wav'),
        warn(`Error loading ${folder}/dist/extension/extension.js`),
        warn('lungcam: internal error: boom'),
      ];
      assert.equal(extensionProblems(ours, folder).length, ours.length);
    });
  }

  it('a missing file is a problem wherever it is named; info lines never are', () => {
    assert.equal(extensionProblems([warn('Cannot find module x')], '/w/lungcam').length, 1);
    assert.equal(extensionProblems([{ source: 't', level: 'info', text: 'LungCAM activated' }], '/w/lungcam').length, 0);
  });
});
