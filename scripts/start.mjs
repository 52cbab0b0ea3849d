// `npm start`: VS Code in the browser with LungCAM under development. Sets code-server up on first
// use (cached in .vscode-test/), builds, starts code-server on 127.0.0.1 with the working tree linked
// in as the LungCAM extension and samples/ opened, prints the URL and runs until Ctrl-C, then stops it.
// Options: --port N (default 8080, or a free port if taken), --host ADDR (default 127.0.0.1),
//          --folder DIR (default samples/), --state-dir DIR (user settings and state; default
//          .vscode-test/start), --skip-build (the e2e tests build once, then start this script).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { root } from './lib/node-suite.mjs';
import { ensureCodeServer } from './setup-code-server.mjs';
import { freePort } from './lib/code-server.mjs';
import { startDevServer } from './lib/dev-server.mjs';
import { build } from './lib/run-dirs.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' }, folder: { type: 'string' },
    'state-dir': { type: 'string' }, 'skip-build': { type: 'boolean', default: false },
  },
});

async function portToUse() {
  const wanted = Number(values.port ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) throw new Error(`--port ${values.port}: not a port number (0-65535)`);
  if (values.port || process.env.PORT) return wanted;
  const net = await import('node:net');
  const free = await new Promise((resolve) => {
    const srv = net.createServer().once('error', () => resolve(false)).listen(wanted, values.host, () => srv.close(() => resolve(true)));
  });
  return free ? wanted : freePort();
}

async function main() {
  ensureCodeServer();
  if (!values['skip-build']) {
    console.log('start: building');
    if (!(await build())) throw new Error('build failed; fix the errors above and run npm start again');
  }
  const workspace = path.resolve(values.folder ?? path.join(root, 'samples'));
  // User settings and state persist between starts here; the extension link is renewed each time.
  const dir = path.resolve(values['state-dir'] ?? path.join(root, '.vscode-test', 'start'));
  mkdirSync(dir, { recursive: true });
  const server = await startDevServer({ dir, workspace, port: await portToUse(), host: values.host });
  console.log(`\nLungCAM is running in VS Code (code-server, pid ${server.pid}). Open:\n\n  ${server.url(workspace)}\n`);
  console.log(`Folder: ${workspace}\nServer log: ${path.relative(root, server.logFile)}\nPress Ctrl-C to stop.`);
  const stop = async (signal) => {
    console.log(`\nstart: ${signal}, stopping code-server (pid ${server.pid})`);
    await server.stop();
    process.exit(0);
  };
  // Replaces the default handlers' immediate SIGKILL with a graceful stop (they remain the fallback on exit).
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => stop('Ctrl-C'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // If whatever started us goes away without passing a signal on (npm killed on its own), stop too.
  const parent = process.ppid;
  setInterval(() => { if (process.ppid !== parent) stop('parent process exited'); }, 2000).unref();
  await new Promise(() => {}); // until a signal
}

main().catch((e) => {
  console.error(`start: ${e.message}`);
  process.exit(1);
});
