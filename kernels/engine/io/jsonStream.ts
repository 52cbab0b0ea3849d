/**
 * JSON output files written as a stream: a document's large arrays are given as streamedArray()s, whose
 * items are made and serialised one by one as the file reaches them, so a long recording's output never
 * exists as one string; the rest is serialised by JSON.stringify, except long base64 strings (a view's
 * maps), which are written as they are instead of being copied into the document's text. The text is exactly JSON.stringify of
 * the whole document. (json-stream-stringify does this generically but walks every number in JavaScript:
 * 2.5× slower than this on a 1-hour log-mel; here each item is one native JSON.stringify call.)
 */
import { writeAllSync, writeFileGuarded } from './atomicWrite';

/** An array of `count` items, each made by `item(index)` when the file reaches it. */
export class StreamedArray<T = unknown> {
  constructor(readonly count: number, readonly item: (index: number) => T) {}
}

export function streamedArray<T>(count: number, item: (index: number) => T): StreamedArray<T> {
  return new StreamedArray(count, item);
}

/** Text gathered before a write: few system calls, a bounded buffer. */
const WRITE_CHARS = 1 << 20;

const MARK = '\u0000lungcam-streamed-array-';

/**
 * Strings at least this long that need no escaping (base64: a view's quantised maps and log-mel) are
 * written as they are, in slices, rather than copied into the document's text.
 */
const LONG_STRING = 1 << 16;
const PLAIN = /^[A-Za-z0-9+/=]*$/;

/** A long plain string of the document, written as is. */
class Verbatim {
  constructor(readonly text: string) {}
}

/** The document's text in pieces, in order: strings, and the streamed arrays and long strings where they stand. */
function split(doc: unknown): Array<string | StreamedArray | Verbatim> {
  const arrays: Array<StreamedArray | Verbatim> = [];
  const text = JSON.stringify(doc, (_key, value: unknown) => {
    if (value instanceof StreamedArray) arrays.push(value);
    else if (typeof value === 'string' && value.length >= LONG_STRING && PLAIN.test(value)) arrays.push(new Verbatim(value));
    else return value;
    return `${MARK}${arrays.length - 1}`;
  });
  const pieces: Array<string | StreamedArray | Verbatim> = [];
  const pattern = new RegExp(`"${JSON.stringify(MARK).slice(1, -1).replace(/\\/g, '\\\\')}(\\d+)"`, 'g');
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    pieces.push(text.slice(last, m.index), arrays[Number(m[1])]);
    last = m.index! + m[0].length;
  }
  pieces.push(text.slice(last));
  return pieces;
}

/** Writes `doc` (plain JSON values and streamedArray()s) to `path` atomically. */
export async function writeJsonFile(path: string, doc: unknown): Promise<void> {
  await writeFileGuarded(path, async (fd) => {
    let pending: string[] = [];
    let size = 0;
    const flush = () => {
      if (pending.length) writeAllSync(fd, Buffer.from(pending.join(''), 'utf8'));
      pending = [];
      size = 0;
    };
    const put = (text: string) => {
      pending.push(text);
      size += text.length;
      if (size >= WRITE_CHARS) flush();
    };
    for (const piece of split(doc)) {
      if (typeof piece === 'string') {
        put(piece);
        continue;
      }
      if (piece instanceof Verbatim) {
        put('"');
        for (let i = 0; i < piece.text.length; i += WRITE_CHARS) put(piece.text.slice(i, i + WRITE_CHARS));
        put('"');
        continue;
      }
      put('[');
      for (let i = 0; i < piece.count; i++) {
        if (i > 0) put(',');
        put(itemText(piece.item(i)));
      }
      put(']');
      // Lets a cancel (a signal, an abort) arrive between large arrays.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    flush();
  });
}

/** An array item's text: itself streamed in pieces only when it holds streamed arrays (rare: small ones). */
function itemText(item: unknown): string {
  return holdsStreamed(item) ? jsonText(item) : JSON.stringify(item) ?? 'null';
}

function holdsStreamed(value: unknown): boolean {
  if (value instanceof StreamedArray) return true;
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return false;
  if (Array.isArray(value)) return value.length > 0 && typeof value[0] === 'object' && value.some(holdsStreamed);
  return Object.values(value).some(holdsStreamed);
}

/** The document's text in full (tests, small documents). */
export function jsonText(doc: unknown): string {
  return split(doc).map((p) => (typeof p === 'string' ? p : p instanceof Verbatim ? `"${p.text}"` : `[${Array.from({ length: p.count }, (_, i) => itemText(p.item(i))).join(',')}]`)).join('');
}
