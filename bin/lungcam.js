#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is bundled to dist/ by `npm run build` (run by `npm install` via `prepare`).
//
// Start-up matters (`lungcam features` on a 10-minute file takes a few tenths of a second, and compiling the
// 350 KB bundle was ≈ 10 % of that), so the bundle is loaded through a V8 code cache, as Python keeps .pyc
// files and Node 22 does with NODE_COMPILE_CACHE: the first successful run of each command stores the code
// V8 compiled for it (taken after the run, so it covers the functions that command executed) and later runs
// of that command skip parsing and compiling. The cache lives in a private folder of the user's temp folder
// and is keyed by the bundle's path, size and mtime, the command and the V8 version, so a rebuild or a
// different Node never reuses it. Any cache problem falls back to a plain load. LUNGCAM_NO_CODE_CACHE=1
// turns it off; LUNGCAM_CODE_CACHE_RESET=1 ignores the stored cache and writes it again (a cold start).
const path = require('path');
const fs = require('fs');

const cli = path.join(__dirname, '..', 'dist', 'kernels', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('lungcam: the CLI is not built yet; run `npm run build` in ' + path.dirname(__dirname) + '\n');
  process.exit(1);
}

/** FNV-1a of a string, as 8 hex digits (tells checkouts apart in cache file names; not security). */
function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The per-user cache folder (created 0700), or null if it cannot be used safely. */
function cacheFolder() {
  const os = require('os');
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  const dir = path.join(os.tmpdir(), uid === null ? 'lungcam-v8-cache' : `lungcam-v8-cache-${uid}`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.statSync(dir);
    // Code caches are code: only trust a folder that is ours and that nobody else can write to.
    if (!st.isDirectory() || (uid !== null && (st.uid !== uid || (st.mode & 0o022) !== 0))) return null;
    return dir;
  } catch {
    return null;
  }
}

/** Runs the bundle as a CommonJS module, through the code cache for `command`. */
function loadWithCodeCache(file, command) {
  const Module = require('module');
  const vm = require('vm');
  const source = fs.readFileSync(file, 'utf8');
  const st = fs.statSync(file);
  const dir = cacheFolder();
  const prefix = `${fnv1a(file)}-${String(command).replace(/[^a-z0-9-]/gi, '_').slice(0, 40)}-`;
  const cacheFile = dir && path.join(dir, `${prefix}${st.size}-${Math.round(st.mtimeMs * 1000)}-${process.versions.v8}-${process.arch}.bin`);
  let cached;
  if (cacheFile && !process.env.LUNGCAM_CODE_CACHE_RESET) {
    try {
      cached = fs.readFileSync(cacheFile);
    } catch {
      cached = undefined;
    }
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData: cached });
  if (cacheFile && (!cached || script.cachedDataRejected)) {
    process.once('exit', (code) => {
      if (code !== 0) return; // only a complete run's code is worth keeping
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, cacheFile);
        // Caches of older builds of this bundle for this command.
        for (const name of fs.readdirSync(dir)) {
          if (name.startsWith(prefix) && name !== path.basename(cacheFile) && name.endsWith('.bin')) fs.rmSync(path.join(dir, name), { force: true });
        }
      } catch {
        // A cache that cannot be written only costs the next run its compile time.
      }
    });
  }
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  require.cache[file] = mod;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
}

if (process.env.LUNGCAM_NO_CODE_CACHE) require(cli);
else loadWithCodeCache(cli, process.argv[2] || '');
