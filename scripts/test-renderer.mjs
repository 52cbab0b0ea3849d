// Renderer tests in real Chromium against a static page that loads the renderer bundle.
import { runNodeSuite, exitWith } from './lib/node-suite.mjs';
exitWith(runNodeSuite('renderer', 'test/renderer', { filter: process.argv[2] }));
