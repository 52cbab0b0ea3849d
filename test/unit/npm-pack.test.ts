// `npm pack` makes the package `npm install -g` puts on a Jupyter server: it must carry the built bundles
// (git ignores dist/, and npm would follow .gitignore without .npmignore) and leave the sources and tests out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

test('npm pack carries bin/, the built bundles and their declarations, samples; no sources, tests or maps', (t) => {
  if (!existsSync(path.join(root, 'dist', 'kernels', 'cli.js'))) {
    t.skip('dist/ is not built (npm run build)');
    return;
  }
  // --ignore-scripts: list what would be packed without running prepare's build again.
  const r = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const files = new Set((JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path));
  for (const wanted of [
    'package.json', 'README.md', 'LICENSE', 'bin/lungcam.js',
    'dist/kernels/cli.js', 'dist/kernels/engine/index.js', 'dist/kernels/kernelMain.js', 'dist/kernels/engine/audio/featureWorker.js',
    'dist/types/kernels/engine/index.d.ts', 'dist/webview/page.js', 'samples/models/baseline/model.json',
  ]) {
    assert.ok(files.has(wanted), `${wanted} is in the package`);
  }
  const unwanted = [...files].filter((f) => /^(kernels|extension|webview|test|scripts|dist\/test)\//.test(f) || f.endsWith('.map') || f.startsWith('.'));
  assert.deepEqual(unwanted, [], 'no sources, tests, scripts, source maps or dotfiles');
});
