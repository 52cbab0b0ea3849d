// Builds the three sides separately with esbuild: the extension host bundle, the kernel side
// (CLI + the `lungcam` engine module that notebook cells import), and the browser side (renderer).
// Node-side bundles keep npm packages external (tfjs-backend-wasm locates its .wasm files and zeromq
// its native binary relative to their own package folders), except the ESM-only d3 modules (bundled).
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { emitEngineDeclarations } from './lib/engine-types.mjs';
import { integrationSuitesPlugin } from './lib/integration-suites-plugin.mjs';
import { cliBundlePlugin, nodeBundlePlugin } from './lib/cli-bundle-plugin.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const node = { platform: 'node', target: 'node20', format: 'cjs', external: ['vscode'], plugins: [nodeBundlePlugin()] };
const browser = { platform: 'browser', target: 'es2022', format: 'esm' };

/** [entry, outfile, options]: entries that do not exist yet are skipped. */
export const entries = [
  ['extension/extension.ts', 'dist/extension/extension.js', node],
  ['kernels/cli.ts', 'dist/kernels/cli.js', { ...node, plugins: [cliBundlePlugin()] }],
  ['kernels/engine/index.ts', 'dist/kernels/engine/index.js', node],
  // Worker thread for long recordings' features; found next to the cli/engine/kernel bundles.
  ['kernels/engine/audio/featureWorker.ts', 'dist/kernels/engine/audio/featureWorker.js', node],
  // Worker thread of `lungcam synth` (renders recordings on every core).
  ['kernels/engine/data/synthWorker.ts', 'dist/kernels/engine/data/synthWorker.js', node],
  ['kernels/client/kernelMain.ts', 'dist/kernels/kernelMain.js', node],
  // The warm engine process the extension's views ask (one per window).
  ['kernels/engineServer/main.ts', 'dist/kernels/engineServer.js', node],
  ['webview/renderer/index.ts', 'dist/webview/renderer.js', browser],
  // The same CAM view for standalone pages (`lungcam gradcam --out F.html` inlines it): global LungcamPage.
  ['webview/renderer/page.ts', 'dist/webview/page.js', { ...browser, format: 'iife', globalName: 'LungcamPage', minify: true, sourcemap: false }],
  // Bundles every test/integration/**/*.test.ts (see the plugin) into the extension-host test module.
  ['test/integration/index.ts', 'dist/test/integration/index.js', { ...node, plugins: [integrationSuitesPlugin(root), nodeBundlePlugin()] }],
];

async function main() {
  const contexts = [];
  for (const [entry, outfile, opts] of entries) {
    if (!existsSync(path.join(root, entry))) continue;
    const options = {
      absWorkingDir: root,
      entryPoints: [entry],
      outfile,
      bundle: true,
      sourcemap: !production,
      minify: production,
      logLevel: 'warning',
      ...opts,
    };
    if (watch) contexts.push(await esbuild.context(options));
    else await esbuild.build(options);
  }
  if (watch) await Promise.all(contexts.map((c) => c.watch()));
  else emitEngineDeclarations(root);
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});
