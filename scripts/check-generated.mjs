// `npm run check:generated`: regenerates every generated file in memory and fails, naming them, when a
// committed one differs from what its sources give (a .wat edited without `npm run generate`, say).
import { generatedFiles, staleFiles } from './wasm/generated.mjs';

const stale = await staleFiles();
const total = (await generatedFiles()).size;
if (stale.length) {
  console.error(
    `check:generated: ${stale.length} of ${total} generated files differ from their sources: ${stale.join(', ')}; run npm run generate and commit the result`,
  );
  process.exitCode = 1;
} else {
  console.log(`check:generated: all ${total} generated files match their sources`);
}
