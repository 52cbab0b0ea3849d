/**
 * The `lungcam` command line (bin/lungcam.js loads the bundle of this file).
 *
 * Each command lives in kernels/cli/<name>.ts and exports `register(program: Command): void`, which adds
 * one subcommand (`program.command('name')…action(async (…) => …)`). To add a command: add its name and
 * loader to `commands` below. Shared option parsing (numbers, feature parameters, output paths) is in
 * kernels/cli/args.ts; the error policy is in kernels/cli/run.ts:
 *   LungcamInputError → one line on stderr, exit 2; usage errors (unknown flag, bad value) → exit 2;
 *   anything else → one line, exit 1 (full stack when LUNGCAM_DEBUG is set).
 *
 * Command modules are loaded lazily: `lungcam features …` initialises only the features command (its
 * imports, its commander setup), so a short run does not pay for the others. Anything else (`--help`,
 * `help features`, a misspelt command) registers them all, so the top-level help and the "did you mean"
 * suggestions are unchanged. A command's own help and errors do not depend on its siblings.
 */
import type { RegisterCommand } from './cli/run';
import { printable } from './engine/errors';

type Loader = () => Promise<{ register: RegisterCommand }>;

/** In the order the top-level help lists them. */
const commands: Array<[name: string, load: Loader]> = [
  ['features', () => import('./cli/features')],
  ['synth', () => import('./cli/synth')],
  ['gradcam', () => import('./cli/gradcam')],
  ['study', () => import('./cli/study')],
  ['jupyter-install', () => import('./cli/jupyterInstall')],
  ['train', () => import('./cli/train')],
  ['classify', () => import('./cli/classify')],
  ['evaluate', () => import('./cli/evaluate')],
  ['view', () => import('./cli/view')],
  ['batch', () => import('./cli/batch')],
  ['batch-shard', () => import('./cli/batch')],
];

async function main(argv: string[]): Promise<number> {
  const named = commands.find(([name]) => name === argv[2]);
  const chosen = named ? [named] : commands;
  const modules = await Promise.all(chosen.map(([, load]) => load()));
  const { runCli } = await import('./cli/run');
  // batch and batch-shard share a module: register it once
  return runCli([...new Set(modules.map((m) => m.register))], argv);
}

let settled = false;
// The wasm backend's pthread workers are unref'd (so they never keep a finished process alive); a
// command awaiting something they deliver would then see the event loop empty and Node exit early.
// A timer keeps the loop turning until the command settles.
const keepAlive = setInterval(() => undefined, 1 << 30);
void main(process.argv).then((code) => {
  settled = true;
  clearInterval(keepAlive);
  process.exitCode = code;
}, (err: unknown) => {
  settled = true;
  clearInterval(keepAlive);
  process.stderr.write(`lungcam: internal error: ${printable(err instanceof Error ? err.message : String(err))}\n`);
  process.exitCode = 1;
});
// If the event loop empties while the command is still awaiting something (a promise nothing keeps
// alive), Node would exit 0 without output: say so and fail instead.
process.on('beforeExit', () => {
  if (settled) return;
  settled = true;
  process.stderr.write('lungcam: internal error: the command stopped before finishing (nothing left to wait for); set LUNGCAM_DEBUG=1 for details\n');
  process.exitCode = 1;
});
