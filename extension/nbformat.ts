/**
 * nbformat 4 as plain data: parsing with clear errors, Jupyter-identical writing, and the MIME rules
 * for turning output values into bytes and back. No `vscode` import, so it is unit-tested in Node.
 */
import { KERNELSPEC } from '../kernels/shared/notebook';

/** nbformat's "multiline string": one string, or a list of lines that are joined. */
export type MultilineString = string | string[];
export type JsonObject = { [key: string]: unknown };

export interface NbCell extends JsonObject {
  cell_type: 'markdown' | 'code' | 'raw';
  source: MultilineString;
  metadata?: JsonObject;
  id?: string;
  attachments?: JsonObject;
  outputs?: NbOutput[];
  execution_count?: number | null;
}

export interface NbOutput extends JsonObject {
  output_type: 'execute_result' | 'display_data' | 'stream' | 'error' | string;
}

export interface NbNotebook extends JsonObject {
  nbformat: 4;
  nbformat_minor: number;
  metadata: JsonObject;
  cells: NbCell[];
}

/** The file is not a notebook LungCAM can open; the message says what is wrong and what to do. */
export class NotebookFormatError extends Error {
  override name = 'NotebookFormatError';
}

const untouched = 'The file on disk was not changed; to repair it, open it in the text editor ("Open in Text Editor" or "Reopen Editor With…").';

/** Parses .lungnb text. Empty (or blank) text is a new, empty notebook, as VS Code creates them. */
export function parseNotebook(text: string): NbNotebook {
  if (text.trim() === '') return { nbformat: 4, nbformat_minor: 5, metadata: defaultNotebookMetadata(), cells: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new NotebookFormatError(`Cannot open this LungCAM notebook: it is not valid JSON (${(e as Error).message}). ${untouched}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new NotebookFormatError(`Cannot open this LungCAM notebook: the file holds a JSON ${Array.isArray(json) ? 'array' : typeof json}, not an nbformat 4 notebook object. ${untouched}`);
  }
  const nb = json as JsonObject;
  if (nb.nbformat !== 4) {
    const found = nb.nbformat === undefined ? 'no "nbformat" field' : `nbformat ${JSON.stringify(nb.nbformat)}`;
    throw new NotebookFormatError(`Cannot open this LungCAM notebook: it has ${found}, and LungCAM reads nbformat 4 only (convert with "jupyter nbconvert --to notebook --nbformat 4"). ${untouched}`);
  }
  if (!Array.isArray(nb.cells)) {
    throw new NotebookFormatError(`Cannot open this LungCAM notebook: it has no "cells" list, which every nbformat 4 notebook has. ${untouched}`);
  }
  nb.cells.forEach((cell, i) => {
    const type = (cell as JsonObject | null)?.cell_type;
    if (typeof cell !== 'object' || cell === null || (type !== 'markdown' && type !== 'code' && type !== 'raw')) {
      throw new NotebookFormatError(`Cannot open this LungCAM notebook: cell ${i + 1} is not a markdown, code or raw cell. ${untouched}`);
    }
  });
  if (typeof nb.metadata !== 'object' || nb.metadata === null) nb.metadata = {};
  if (typeof nb.nbformat_minor !== 'number') nb.nbformat_minor = 5;
  return nb as NbNotebook;
}

/**
 * Writes a notebook as Jupyter does (`json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False)` plus
 * a newline), so a file saved by Jupyter and re-saved here without edits stays byte-identical.
 */
export function stringifyNotebook(nb: NbNotebook): string {
  return JSON.stringify(sortKeys(nb), null, 1) + '\n';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as JsonObject)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

export function joinSource(source: unknown): string {
  if (Array.isArray(source)) return source.join('');
  return typeof source === 'string' ? source : '';
}

/** Splits text into nbformat's list of lines, each keeping its '\n' (as Jupyter writes sources). */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n').map((l) => l + '\n');
  const last = lines.length - 1;
  lines[last] = lines[last].slice(0, -1);
  if (lines[last] === '') lines.pop();
  return lines;
}

/** The LungCAM kernelspec (`lungcam jupyter-install`), so the same file also runs under Jupyter. */
export function defaultNotebookMetadata(): JsonObject {
  return {
    kernelspec: { ...KERNELSPEC },
    language_info: {
      name: 'typescript',
      file_extension: '.ts',
      mimetype: 'text/typescript',
      codemirror_mode: { name: 'javascript', typescript: true },
      version: '3.7.2',
    },
  };
}

/** The language of a notebook's code cells, from its metadata (tslab: "typescript"). */
export function notebookLanguage(metadata: JsonObject | undefined): string {
  const info = metadata?.language_info as JsonObject | undefined;
  const spec = metadata?.kernelspec as JsonObject | undefined;
  const name = info?.name ?? spec?.language;
  return typeof name === 'string' && name ? name.toLowerCase() : 'typescript';
}

/** JSON MIME types: their nbformat value is a JSON object, not a string. */
export function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || /\+json$/.test(mime);
}

/** MIME types nbformat stores base64-encoded (binary); all others are text. */
export function isBase64Mime(mime: string): boolean {
  if (mime === 'image/svg+xml') return false;
  return /^(image|audio|video)\//.test(mime) || mime === 'application/pdf' || mime === 'application/octet-stream';
}

/** Bytes of one MIME value as nbformat stores it (text, base64 or a JSON object). */
export function mimeValueToBytes(mime: string, value: unknown): Uint8Array {
  if (typeof value === 'string' || Array.isArray(value)) {
    const text = joinSource(value);
    if (isBase64Mime(mime)) return Uint8Array.from(Buffer.from(text, 'base64'));
    return new TextEncoder().encode(text);
  }
  return new TextEncoder().encode(JSON.stringify(value));
}

/** The nbformat value for bytes of a MIME type: the inverse of mimeValueToBytes. */
export function bytesToMimeValue(mime: string, bytes: Uint8Array): unknown {
  if (isBase64Mime(mime)) return Buffer.from(bytes).toString('base64');
  const text = new TextDecoder().decode(bytes);
  if (isJsonMime(mime)) {
    try { return JSON.parse(text); } catch { return text; }
  }
  return splitLines(text);
}

/** A short random cell id (nbformat 4.5 requires one per cell; Jupyter uses 8+ hex characters). */
export function newCellId(): string {
  return Math.random().toString(16).slice(2, 10).padEnd(8, '0');
}
