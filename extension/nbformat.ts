/**
 * nbformat 4 as plain data: parsing with clear errors, Jupyter-identical writing, and the MIME rules
 * for turning output values into bytes and back. No `vscode` import, so it is unit-tested in Node.
 */
import { createScanner, SyntaxKind } from 'jsonc-parser';
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

/** The file is not a notebook LungCAM can open (or save); the message says what is wrong and what to do. */
export class NotebookFormatError extends Error {
  override name = 'NotebookFormatError';
}

const untouched = 'The file on disk was not changed; to repair it, open it in the text editor ("Open in Text Editor" or "Reopen Editor With…").';
const cannotOpen = (why: string) => new NotebookFormatError(`Cannot open this LungCAM notebook: ${why}. ${untouched}`);

/** Deeper nesting than this is refused at open: Python's json (so Jupyter) cannot read or write it either. */
export const MAX_NESTING = 1000;

/** Where a value sits in a JSON document: keys and list indexes from the root. */
export type JsonPath = (string | number)[];
/**
 * A number as the file wrote it, where writing its value back would spell it differently (`1.0`, `1e-07`,
 * a 20-digit integer, `1e400`, Python's `NaN`/`Infinity`): kept so that an unchanged value is written back
 * with the same characters.
 */
export type NumberToken = [path: JsonPath, token: string];

export interface ParsedNotebook {
  notebook: NbNotebook;
  numberTokens: NumberToken[];
}

/** Parses .lungnb text. Empty (or blank) text is a new, empty notebook, as VS Code creates them. */
export function parseNotebook(text: string): NbNotebook {
  return readNotebook(text).notebook;
}

/**
 * Parses .lungnb text with the spelling of its numbers. Refuses (NotebookFormatError, one line) what it
 * could not write back unchanged: invalid JSON, duplicate keys, nesting deeper than MAX_NESTING, and
 * cells or outputs whose shape is not nbformat's.
 */
export function readNotebook(text: string): ParsedNotebook {
  if (text.trim() === '') return { notebook: { nbformat: 4, nbformat_minor: 5, metadata: defaultNotebookMetadata(), cells: [] }, numberTokens: [] };
  const scan = scanJson(text);
  let json: unknown;
  try {
    json = JSON.parse(scan.jsonText);
  } catch {
    let reason = 'the JSON is malformed';
    try { JSON.parse(text); } catch (e) { reason = (e as Error).message; }
    throw cannotOpen(`it is not valid JSON (${reason})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw cannotOpen(`the file holds a JSON ${Array.isArray(json) ? 'array' : json === null ? 'null' : typeof json}, not an nbformat 4 notebook object`);
  }
  const nb = json as JsonObject;
  if (nb.nbformat !== 4) {
    const found = nb.nbformat === undefined ? 'no "nbformat" field' : `nbformat ${JSON.stringify(nb.nbformat)}`;
    throw cannotOpen(`it has ${found}, and LungCAM reads nbformat 4 only (convert with "jupyter nbconvert --to notebook --nbformat 4")`);
  }
  if (!Array.isArray(nb.cells)) throw cannotOpen('it has no "cells" list, which every nbformat 4 notebook has');
  nb.cells.forEach(checkCell);
  if (typeof nb.metadata !== 'object' || nb.metadata === null || Array.isArray(nb.metadata)) {
    if (nb.metadata !== undefined) throw cannotOpen('its "metadata" is not an object');
    nb.metadata = {};
  }
  return { notebook: nb as NbNotebook, numberTokens: scan.numberTokens };
}

const isMultiline = (v: unknown): v is MultilineString => typeof v === 'string' || (Array.isArray(v) && v.every((l) => typeof l === 'string'));
const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);

/** A cell LungCAM can show and write back: its text and outputs have nbformat's shape. */
function checkCell(cell: unknown, i: number): void {
  const c = cell as JsonObject | null;
  const type = c?.cell_type;
  if (typeof cell !== 'object' || c === null || Array.isArray(cell) || (type !== 'markdown' && type !== 'code' && type !== 'raw')) {
    throw cannotOpen(`cell ${i + 1} is not a markdown, code or raw cell`);
  }
  if (c.source !== undefined && !isMultiline(c.source)) {
    throw cannotOpen(`cell ${i + 1}'s "source" is ${kindOf(c.source)}, not text or a list of text lines, so it cannot be shown as a cell without changing it`);
  }
  if (c.metadata !== undefined && (typeof c.metadata !== 'object' || c.metadata === null || Array.isArray(c.metadata))) {
    throw cannotOpen(`cell ${i + 1}'s "metadata" is ${kindOf(c.metadata)}, not an object`);
  }
  if (type !== 'code') return; // any other fields of markdown and raw cells (even outputs) are kept as they are
  if (c.outputs !== undefined && !Array.isArray(c.outputs)) throw cannotOpen(`cell ${i + 1}'s "outputs" is ${kindOf(c.outputs)}, not a list`);
  if (c.execution_count !== undefined && c.execution_count !== null && typeof c.execution_count !== 'number') {
    throw cannotOpen(`cell ${i + 1}'s "execution_count" is ${kindOf(c.execution_count)}, not a number`);
  }
  ((c.outputs ?? []) as unknown[]).forEach((o, k) => checkOutput(o, `cell ${i + 1}, output ${k + 1}`));
}

function checkOutput(output: unknown, where: string): void {
  const o = output as JsonObject | null;
  if (typeof output !== 'object' || o === null || Array.isArray(output) || typeof o.output_type !== 'string') {
    throw cannotOpen(`${where} is ${kindOf(output)} without an "output_type", not an nbformat output`);
  }
  if (o.output_type === 'stream' && !isMultiline(o.text)) throw cannotOpen(`${where} is a stream whose "text" is ${kindOf(o.text)}, not text`);
  if (o.output_type === 'error' && o.traceback !== undefined && !isMultiline(o.traceback)) throw cannotOpen(`${where} is an error whose "traceback" is not a list of text lines`);
  if ((o.output_type === 'display_data' || o.output_type === 'execute_result') && (typeof o.data !== 'object' || o.data === null || Array.isArray(o.data))) {
    throw cannotOpen(`${where}'s "data" is ${kindOf(o.data)}, not an object of MIME types`);
  }
}

/**
 * One pass over the JSON tokens (jsonc-parser's scanner; iterative, so any depth is safe): the nesting
 * depth, duplicate keys, and every number whose value would be written back differently. Python's
 * NaN/Infinity literals (which Jupyter writes for such floats) become null for JSON.parse, their spelling
 * kept as a number token.
 */
function scanJson(text: string): { jsonText: string; numberTokens: NumberToken[] } {
  interface Frame { keys: Set<string> | null; key: string | number; expectKey: boolean }
  const stack: Frame[] = [];
  const numberTokens: NumberToken[] = [];
  const pythonLiterals: [offset: number, length: number][] = [];
  const scanner = createScanner(text, true);
  const path = () => stack.map((f) => f.key);
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    const top = stack[stack.length - 1];
    switch (kind) {
      case SyntaxKind.OpenBraceToken:
      case SyntaxKind.OpenBracketToken:
        if (stack.length >= MAX_NESTING) throw cannotOpen(`it is nested more than ${MAX_NESTING} levels deep, which Jupyter cannot read or write either`);
        stack.push(kind === SyntaxKind.OpenBraceToken ? { keys: new Set(), key: '', expectKey: true } : { keys: null, key: 0, expectKey: false });
        break;
      case SyntaxKind.CloseBraceToken:
      case SyntaxKind.CloseBracketToken:
        stack.pop();
        break;
      case SyntaxKind.CommaToken:
        if (top?.keys) top.expectKey = true;
        else if (top) top.key = (top.key as number) + 1;
        break;
      case SyntaxKind.StringLiteral:
        if (top?.keys && top.expectKey) {
          const key = scanner.getTokenValue();
          if (top.keys.has(key)) {
            throw cannotOpen(`the key ${JSON.stringify(key)} appears twice in one object (at ${formatPath(path().slice(0, -1))}); only one of its values could be kept`);
          }
          top.keys.add(key);
          top.key = key;
          top.expectKey = false;
        }
        break;
      case SyntaxKind.NumericLiteral: {
        const token = text.substr(scanner.getTokenOffset(), scanner.getTokenLength());
        if (JSON.stringify(Number(token)) !== token) numberTokens.push([path(), token]);
        break;
      }
      case SyntaxKind.Unknown: {
        const offset = scanner.getTokenOffset();
        let token = text.substr(offset, scanner.getTokenLength());
        if (token === '-' && text.startsWith('Infinity', offset + 1)) {
          scanner.scan();
          token = '-Infinity';
        }
        if (token === 'NaN' || token === 'Infinity' || token === '-Infinity') {
          numberTokens.push([path(), token]);
          pythonLiterals.push([offset, token.length]);
        }
        break;
      }
    }
  }
  let jsonText = text;
  for (let i = pythonLiterals.length - 1; i >= 0; i--) {
    const [offset, length] = pythonLiterals[i];
    jsonText = jsonText.slice(0, offset) + 'null' + jsonText.slice(offset + length);
  }
  return { jsonText, numberTokens };
}

const formatPath = (p: JsonPath) => (p.length ? p.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('').replace(/^\./, '') : 'the top level');

/**
 * Writes a notebook as Jupyter does (`json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False)` plus
 * a newline: keys in code point order, numbers as read where `numberTokens` says how and the value is
 * unchanged), so a file saved by Jupyter and re-saved here without edits stays byte-identical.
 */
export function stringifyNotebook(nb: NbNotebook, numberTokens: readonly NumberToken[] = []): string {
  const out: string[] = [];
  writeJson(nb, tokenTree(numberTokens), '', out, 0);
  out.push('\n');
  return out.join('');
}

type TokenTree = Map<string | number, TokenTree | string>;

function tokenTree(tokens: readonly NumberToken[]): TokenTree {
  const root: TokenTree = new Map();
  for (const [p, token] of tokens) {
    let node = root;
    p.forEach((key, i) => {
      if (i === p.length - 1) node.set(key, token);
      else {
        let next = node.get(key);
        if (!(next instanceof Map)) node.set(key, (next = new Map()));
        node = next;
      }
    });
  }
  return root;
}

/** True when `value` is what `token` read as (a non-finite token reads as null: JSON has no Infinity). */
function tokenMatches(token: string, value: unknown): boolean {
  const n = Number(token);
  if (!Number.isFinite(n)) return value === null || (typeof value === 'number' && (Object.is(value, n) || (n !== n && value !== value)));
  return typeof value === 'number' && value === n;
}

function writeJson(value: unknown, tokens: TokenTree | string | undefined, indent: string, out: string[], depth: number): void {
  if (typeof tokens === 'string' && tokenMatches(tokens, value)) {
    out.push(tokens);
    return;
  }
  if (value === null || value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    out.push('null');
  } else if (typeof value === 'number') {
    out.push(Number.isFinite(value) ? JSON.stringify(value) : 'null');
  } else if (typeof value === 'string' || typeof value === 'boolean') {
    out.push(JSON.stringify(value));
  } else if (typeof value === 'bigint') {
    out.push(value.toString());
  } else {
    if (depth >= MAX_NESTING) throw new NotebookFormatError(`Cannot save this LungCAM notebook: a value is nested more than ${MAX_NESTING} levels deep, which Jupyter cannot read. ${untouched}`);
    const tree = tokens instanceof Map ? tokens : undefined;
    const inner = indent + ' ';
    if (Array.isArray(value)) {
      if (value.length === 0) return void out.push('[]');
      out.push('[\n');
      value.forEach((v, i) => {
        if (i > 0) out.push(',\n');
        out.push(inner);
        writeJson(v, tree?.get(i), inner, out, depth + 1);
      });
      out.push('\n', indent, ']');
    } else {
      const obj = value as JsonObject;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined && typeof obj[k] !== 'function').sort(codePointOrder);
      if (keys.length === 0) return void out.push('{}');
      out.push('{\n');
      keys.forEach((k, i) => {
        if (i > 0) out.push(',\n');
        out.push(inner, JSON.stringify(k), ': ');
        writeJson(obj[k], tree?.get(k), inner, out, depth + 1);
      });
      out.push('\n', indent, '}');
    }
  }
}

/**
 * Python's order of str keys: by code point. JavaScript's sort compares UTF-16 units, which puts astral
 * characters (surrogates, D800–DFFF) before U+E000–U+FFFF; shifting those two ranges past each other fixes it.
 */
export function codePointOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
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
