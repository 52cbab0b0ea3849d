// esbuild plugin: the virtual module `lungcam:integration-suites` lists every
// test/integration/**/*.test.ts as { file, load }, where load() runs that file's top level (its
// suite()/test() calls). New suite files are picked up by the next build, with no list to edit.
import { readdirSync } from 'node:fs';
import path from 'node:path';

export function integrationSuitesPlugin(root) {
  const dir = path.join(root, 'test', 'integration');
  return {
    name: 'lungcam-integration-suites',
    setup(build) {
      build.onResolve({ filter: /^lungcam:integration-suites$/ }, () => ({ path: 'suites', namespace: 'lungcam-integration-suites' }));
      build.onLoad({ filter: /.*/, namespace: 'lungcam-integration-suites' }, () => {
        const files = readdirSync(dir, { recursive: true })
          .map((f) => String(f).split(path.sep).join('/'))
          .filter((f) => f.endsWith('.test.ts') && !f.split('/').includes('fixtures'))
          .sort();
        // require() (not import) so esbuild wraps each file lazily: it runs when load() is called,
        // after mocha has installed its globals.
        const list = files.map((f) => `  { file: ${JSON.stringify(f)}, load: () => require(${JSON.stringify('./' + f)}) },`);
        return { contents: `module.exports = [\n${list.join('\n')}\n];\n`, loader: 'js', resolveDir: dir, watchDirs: [dir] };
      });
    },
  };
}
