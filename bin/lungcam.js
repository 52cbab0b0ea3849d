#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is bundled to dist/ by `npm run build` (run by `npm install` via `prepare`).
const path = require('path');
const fs = require('fs');
const cli = path.join(__dirname, '..', 'dist', 'kernels', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('lungcam: the CLI is not built yet; run `npm run build` in ' + path.dirname(__dirname) + '\n');
  process.exit(1);
}
require(cli);
