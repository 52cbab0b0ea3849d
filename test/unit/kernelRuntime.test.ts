// Which Node runs the kernel (the lungcam.kernel.runtime setting) and where Jupyter's user kernels live.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { findNodeOnPath, resolveRuntime } from '../../kernels/client/kernelProcess';
import { userDataDir } from '../../kernels/cli/jupyterInstall';

describe('kernel runtime', () => {
  it('finds the first `node` on a PATH, skipping folders without one', () => {
    const base = mkdtempSync(path.join(tmpdir(), 'lungcam-path-'));
    const [empty, withNode] = ['a', 'b'].map((d) => path.join(base, d));
    mkdirSync(empty);
    mkdirSync(withNode);
    writeFileSync(path.join(withNode, 'node'), '#!/bin/sh\n');
    chmodSync(path.join(withNode, 'node'), 0o755);
    assert.equal(findNodeOnPath([empty, withNode].join(path.delimiter)), path.join(withNode, 'node'));
    assert.equal(findNodeOnPath(empty), undefined);
  });

  it('an explicit path wins; "electron" runs VS Code\'s own runtime as Node', () => {
    assert.deepEqual(resolveRuntime('/opt/node/bin/node', '/vscode/code', true), { executable: '/opt/node/bin/node', electronRunAsNode: false });
    assert.deepEqual(resolveRuntime('electron', '/vscode/code', true), { executable: '/vscode/code', electronRunAsNode: true });
  });

  it('"auto" falls back to VS Code\'s runtime when no node is on PATH', () => {
    const saved = process.env.PATH;
    try {
      process.env.PATH = mkdtempSync(path.join(tmpdir(), 'lungcam-nopath-'));
      assert.deepEqual(resolveRuntime('auto', '/vscode/code', true), { executable: '/vscode/code', electronRunAsNode: true });
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('Jupyter user data folder', () => {
  it('follows JUPYTER_DATA_DIR, then the platform convention', () => {
    assert.equal(userDataDir({ JUPYTER_DATA_DIR: '/x/jd' }, 'linux', '/home/u'), '/x/jd');
    assert.equal(userDataDir({}, 'linux', '/home/u'), '/home/u/.local/share/jupyter');
    assert.equal(userDataDir({ XDG_DATA_HOME: '/xdg' }, 'linux', '/home/u'), '/xdg/jupyter');
    assert.equal(userDataDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Jupyter');
  });
});
