/**
 * Log-mel rows written to a file as they are computed (float32, row-major, little-endian as the machine):
 * each thread writes the rows it computed at their place with positioned writes, so no thread gathers the
 * whole [frames, bands] array and nothing is copied twice. File descriptors are per process, so a worker
 * thread writes to the same open file as the thread that opened it.
 */
import { writeAllSync } from './atomicWrite';

export interface RowFile {
  fd: number;
  /** Byte position of row 0 in the file. */
  position: number;
}

/** Writes `rows` (rows of `bands` float32) as rows rowStart… of `file`. */
export function writeRows(file: RowFile, bands: number, rowStart: number, rows: Float32Array): void {
  const bytes = new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
  writeAllSync(file.fd, bytes, file.position + rowStart * bands * 4);
}
