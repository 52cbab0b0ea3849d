/**
 * Writing output files all-or-nothing: the data goes to a temporary file in the same folder, which is
 * renamed over the target only when complete, so a failed or interrupted run never leaves a partial file.
 */
import { closeSync, openSync, promises as fs, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LungcamInputError } from '../errors';
import { sweepStaleTemps, tempNameBeside } from './tempFiles';

export type FileData = string | Uint8Array | ArrayBufferView | Array<string | Uint8Array | ArrayBufferView>;

/** Turns fs errors on an output path into one-line input errors naming the path. */
export function outputFileError(e: unknown, path: string): Error {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new LungcamInputError(`cannot write the output: folder ${dirname(path)} does not exist`, path);
  if (code === 'ENOTDIR') return new LungcamInputError('cannot write the output: a parent of this path is a file, not a folder', path);
  if (code === 'EISDIR') return new LungcamInputError('cannot write the output: it is a folder', path);
  if (code === 'EACCES' || code === 'EPERM') return new LungcamInputError('cannot write the output: permission denied', path);
  if (code === 'EROFS') return new LungcamInputError('cannot write the output: read-only file system', path);
  if (code === 'ENOSPC') return new LungcamInputError('cannot write the output: no space left on the device', path);
  return e as Error;
}

/**
 * Checks early (before long work) that `path` looks writable: its folder exists and it is not a folder.
 * The real write can still fail; atomicWriteFile reports that the same way.
 */
export function checkOutputPath(path: string): void {
  const dir = dirname(resolve(path));
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    throw outputFileError(e, path);
  }
  if (!st.isDirectory()) throw new LungcamInputError('cannot write the output: a parent of this path is a file, not a folder', path);
  try {
    if (statSync(path).isDirectory()) throw new LungcamInputError('cannot write the output: it is a folder', path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/**
 * A temporary name beside `path` (tempFiles.ts: it names its writer, so leftovers of killed runs can be
 * told from running ones); the first in a folder sweeps that folder's leftovers.
 */
function tempBeside(path: string): string {
  sweepStaleTemps(dirname(resolve(path)));
  return tempNameBeside(path);
}

function asBytes(part: string | Uint8Array | ArrayBufferView): Uint8Array | string {
  if (typeof part === 'string' || part instanceof Uint8Array) return part;
  return new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
}

/** Writes `data` (one buffer/string or several parts, in order) to `path` atomically. */
export async function atomicWriteFile(path: string, data: FileData): Promise<void> {
  const parts = Array.isArray(data) ? data : [data];
  const tmp = tempBeside(path);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, 'wx');
    for (const part of parts) await handle.write(asBytes(part) as Uint8Array);
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, path);
  } catch (e) {
    if (handle) await handle.close().catch(() => undefined);
    await fs.unlink(tmp).catch(() => undefined);
    throw outputFileError(e, path);
  }
}

/**
 * atomicWriteFile without the thread-pool round trips (open, writes, close, rename): for a command's one
 * output file at the end of a run, where each round trip is a wait for another thread on a busy machine.
 */
export function atomicWriteFileSync(path: string, data: FileData): void {
  const file = openAtomicFileSync(path);
  try {
    for (const part of Array.isArray(data) ? data : [data]) {
      const bytes = asBytes(part);
      if (typeof bytes === 'string') writeSync(file.fd, bytes);
      else writeAllSync(file.fd, bytes);
    }
  } catch (e) {
    file.abort();
    throw outputFileError(e, path);
  }
  file.commit();
}

/** Writes all of `bytes` (writeSync may write fewer), at `position` or at the file's current offset. */
export function writeAllSync(fd: number, bytes: Uint8Array, position: number | null = null): void {
  for (let done = 0; done < bytes.length;) {
    done += writeSync(fd, bytes, done, bytes.length - done, position === null ? null : position + done);
  }
}

/**
 * A temporary file beside `path` for output written piece by piece (e.g. positioned writes from several
 * threads): `commit()` closes it and renames it over `path`; `abort()` closes and removes it. Open and
 * commit errors come back as outputFileError.
 */
export function openAtomicFileSync(path: string): { fd: number; commit(): void; abort(): void } {
  const tmp = tempBeside(path);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx');
  } catch (e) {
    throw outputFileError(e, path);
  }
  let open = true;
  const close = () => { if (open) { open = false; closeSync(fd); } };
  return {
    fd,
    commit() {
      try {
        close();
        renameSync(tmp, path);
      } catch (e) {
        try { unlinkSync(tmp); } catch { /* already gone */ }
        throw outputFileError(e, path);
      }
    },
    abort() {
      try { close(); } catch { /* already failing */ }
      try { unlinkSync(tmp); } catch { /* already gone */ }
    },
  };
}

/**
 * Fills a temporary folder beside `target` with `fill(tmp)`, then swaps it in place of `target` (an existing
 * folder is replaced only after the new one is complete), so a failed run never leaves a half-written folder.
 */
export async function atomicWriteDir(target: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = tempBeside(target);
  await fs.mkdir(tmp);
  try {
    await fill(tmp);
    let exists = true;
    try { statSync(target); } catch { exists = false; }
    if (exists) {
      const old = `${tmp}.old`;
      await fs.rename(target, old);
      await fs.rename(tmp, target);
      await fs.rm(old, { recursive: true, force: true });
    } else {
      await fs.rename(tmp, target);
    }
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
}

/**
 * Writes `path` atomically, piece by piece: `fill(fd)` writes into a temporary file beside it, which is
 * renamed over `path` when `fill` resolves and removed when it throws. The temporary file lives as long as
 * the computation, so Ctrl-C or a kill must not leave it behind: the signal handlers go in before the file
 * exists (a signal in between would otherwise kill the process by default).
 */
export async function writeFileGuarded(path: string, fill: (fd: number) => Promise<void>): Promise<void> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  let file: ReturnType<typeof openAtomicFileSync> | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    file?.abort();
    for (const s of signals) process.removeListener(s, onSignal);
    process.kill(process.pid, signal);
  };
  for (const s of signals) process.once(s, onSignal);
  try {
    file = openAtomicFileSync(path);
  } catch (e) {
    for (const s of signals) process.removeListener(s, onSignal);
    throw e;
  }
  const opened = file;
  try {
    await fill(opened.fd);
  } catch (e) {
    opened.abort();
    for (const s of signals) process.removeListener(s, onSignal);
    // A full disk while a thread wrote its rows: the user's problem to fix, said in one line.
    if ((e as NodeJS.ErrnoException)?.code === 'ENOSPC') throw outputFileError(e, path);
    throw e;
  }
  for (const s of signals) process.removeListener(s, onSignal);
  opened.commit();
}
