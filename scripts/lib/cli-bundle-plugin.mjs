// esbuild plugin for the `lungcam` CLI bundle (dist/kernels/cli.js): npm packages stay external, as
// `packages: 'external'` keeps them, except commander, which every command needs at start-up. Bundled, it
// is compiled with the rest and covered by the launcher's V8 code cache (bin/lungcam.js), and its eager
// `require('node:child_process')` (only used to run external subcommands, which lungcam has none of)
// becomes a lazy one: loading child_process and its ≈ 25 internal modules was ≈ 7 ms of every start.
const LAZY_CHILD_PROCESS = 'lazy-child-process';

export function cliBundlePlugin() {
  return {
    name: 'lungcam-cli-bundle',
    setup(build) {
      build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
        /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: LAZY_CHILD_PROCESS } : undefined);
      build.onLoad({ filter: /.*/, namespace: LAZY_CHILD_PROCESS }, () => ({
        contents: "let real; const load = () => (real ??= require('node:child_process'));\n" +
          'module.exports = new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load() });\n',
        loader: 'js',
      }));
      // Every other bare import (npm packages, node builtins) stays external.
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path === 'commander' || args.path.startsWith('commander/')) return undefined;
        return { path: args.path, external: true };
      });
    },
  };
}
