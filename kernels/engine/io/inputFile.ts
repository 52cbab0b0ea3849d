/**
 * Opening the files a user names. Only regular files are read: a named pipe blocks the open (and then
 * every read) until some writer comes, a device such as /dev/zero or /dev/urandom never ends, and a
 * folder or socket is not a file. Each is refused at once, before any read, with a one-line reason; so
 * are the file-system errors a user can cause (missing, a symlink loop, no permission).
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { LungcamInputError } from '../errors';

// Non-blocking, so that a FIFO swapped in between the stat and the open cannot hang us either; no
// controlling terminal from a tty device. Both are 0 where the platform has no such flag.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** What kind of thing a non-regular file is, in the user's words; null for a regular file. */
export function notRegularFileReason(st: Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return 'is a folder, not a file';
  if (st.isFIFO()) return 'is a named pipe (FIFO), not a file: LungCAM reads only regular files (save the stream to a file first)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'is a device, not a file: LungCAM reads only regular files';
  if (st.isSocket()) return 'is a socket, not a file: LungCAM reads only regular files';
  return 'is not a regular file';
}

/**
 * Turns fs errors on a path the user gave into one-line input errors naming it; other errors are
 * returned unchanged (internal faults).
 */
export function inputFileError(e: unknown, path: string): Error {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') {
    // Node decodes command-line arguments and directory listings as UTF-8; bytes that are not UTF-8
    // become U+FFFD, and that name does not exist. Say so rather than a bare "not found".
    if (path.includes('\ufffd')) {
      return new LungcamInputError('not found: the name holds bytes that are not UTF-8 (shown as \ufffd), which LungCAM cannot pass on; rename the file with a UTF-8 name', path);
    }
    return new LungcamInputError('file not found', path);
  }
  if (code === 'EISDIR') return new LungcamInputError('is a folder, not a file', path);
  if (code === 'ENOTDIR') return new LungcamInputError('a parent of this path is a file, not a folder', path);
  if (code === 'ELOOP') return new LungcamInputError('too many levels of symbolic links (a symlink loop): point the link at a real file', path);
  if (code === 'ENAMETOOLONG') return new LungcamInputError('the path is too long for the file system', path);
  if (code === 'EACCES' || code === 'EPERM') return new LungcamInputError('permission denied reading the file', path);
  if (code === 'ENXIO' || code === 'ENODEV') return new LungcamInputError('is a device or socket with nothing behind it, not a file', path);
  return e as Error;
}

/** stat() of a path the user gave (following links), with inputFileError's messages. */
export function statInput(path: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    throw inputFileError(e, path);
  }
}

/** Refuses, before any long work, a path that is not a regular file (it is opened again when read). */
export function checkRegularFile(path: string): void {
  const reason = notRegularFileReason(statInput(path));
  if (reason) throw new LungcamInputError(reason, path);
}

/** Opens a regular file for reading; refuses anything else before reading a byte. The caller closes `fd`. */
export function openRegularFile(path: string): { fd: number; stats: Stats } {
  // stat first: a device is never opened at all (opening some has side effects).
  checkRegularFile(path);
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    throw inputFileError(e, path);
  }
  try {
    const stats = fstatSync(fd);
    const now = notRegularFileReason(stats);
    if (now) throw new LungcamInputError(now, path);
    return { fd, stats };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * The text of a small regular file (annotations, events, metadata): refused when it is not a regular
 * file or larger than `maxBytes`, so a wrong path can never make LungCAM read without end.
 */
export function readRegularTextFile(path: string, maxBytes = 64 * 1024 * 1024): string {
  const { fd, stats } = openRegularFile(path);
  try {
    if (stats.size > maxBytes) {
      throw new LungcamInputError(`is ${(stats.size / 1048576).toFixed(1)} MB, more than the ${(maxBytes / 1048576).toFixed(0)} MB a text file of this kind can be`, path);
    }
    const buf = Buffer.alloc(stats.size);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.toString('utf8', 0, got);
  } finally {
    closeSync(fd);
  }
}
