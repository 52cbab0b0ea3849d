/**
 * The `lungcam` command line (bin/lungcam.js loads the bundle of this file).
 *
 * Each command lives in kernels/cli/<name>.ts and exports `register(program: Command): void`, which adds
 * one subcommand (`program.command('name')…action(async (…) => …)`). To add a command: import its
 * `register` below and append it to `commands`. Shared option parsing (numbers, feature parameters,
 * output paths) is in kernels/cli/args.ts; the error policy is in kernels/cli/run.ts:
 *   LungcamInputError → one line on stderr, exit 2; usage errors (unknown flag, bad value) → exit 2;
 *   anything else → one line, exit 1 (full stack when LUNGCAM_DEBUG is set).
 */
import type { Command } from 'commander';
import { runCli } from './cli/run';
import { register as registerFeatures } from './cli/features';
import { register as registerSynth } from './cli/synth';
import { register as registerGradcam } from './cli/gradcam';
import { register as registerStudy } from './cli/study';
import { register as registerJupyterInstall } from './cli/jupyterInstall';
import { register as registerTrain } from './cli/train';
import { register as registerClassify } from './cli/classify';
import { register as registerEvaluate } from './cli/evaluate';
import { register as registerView } from './cli/view';

const commands: Array<(program: Command) => void> = [
  registerFeatures,
  registerSynth,
  registerGradcam,
  registerStudy,
  registerJupyterInstall,
  registerTrain,
  registerClassify,
  registerEvaluate,
  registerView,
];

void runCli(commands, process.argv).then((code) => {
  process.exitCode = code;
});
