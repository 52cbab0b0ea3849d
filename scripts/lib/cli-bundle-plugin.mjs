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
      externalExcept(build, /^commander(\/|$)/);
    },
  };
}

/**
 * The d3 modules the shared view code imports (colour maps) are ESM-only: bundled into the Node bundles,
 * so no Node or Electron has to `require` an ES module. d3-scale-chromatic pulls in d3-color and
 * d3-interpolate.
 */
export const BUNDLED_IN_NODE = /^d3-[a-z-]+(\/|$)/;

/** npm packages and Node built-ins stay external (`packages: 'external'`), except those matching `bundled`. */
export function externalExcept(build, bundled) {
  build.onResolve({ filter: /^[^./]/ }, (args) => {
    if (bundled.test(args.path) || BUNDLED_IN_NODE.test(args.path)) return undefined;
    return { path: args.path, external: true };
  });
}

/** Plugin for the Node bundles other than the CLI: only the d3 modules are bundled. */
export function nodeBundlePlugin() {
  return { name: 'lungcam-node-bundle', setup: (build) => externalExcept(build, BUNDLED_IN_NODE) };
}
