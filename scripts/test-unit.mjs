// Engine and pure-logic tests (node:test): `npm run test:unit [-- filter]`.
import { runNodeSuite, exitWith } from './lib/node-suite.mjs';
exitWith(runNodeSuite('unit', 'test/unit', { filter: process.argv[2] }));
