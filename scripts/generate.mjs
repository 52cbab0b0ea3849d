// `npm run generate`: writes every generated file from its sources (scripts/wasm/generated.mjs): run it
// after editing a kernel's .wat or the Winograd generator; commit the sources and the results together.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { generatedFiles, root } from './wasm/generated.mjs';

for (const [file, text] of await generatedFiles()) {
  writeFileSync(path.join(root, file), text);
  console.log(`${file}: ${text.length} characters`);
}
