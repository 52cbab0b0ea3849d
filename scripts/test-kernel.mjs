// Tests against the real tslab kernel process (protocol, execution, interrupt, restart).
import { runNodeSuite, exitWith } from './lib/node-suite.mjs';
exitWith(runNodeSuite('kernel', 'test/kernel', { filter: process.argv[2] }));
