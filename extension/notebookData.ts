/**
 * nbformat 4 ↔ the shape VS Code holds a notebook in (cells with text, language, metadata, outputs of
 * MIME items), as plain data: serializer.ts turns it into VS Code's classes and back, and the unit tests
 * run the whole round trip without VS Code.
 *
 * Lossless: every nbformat field VS Code has no place for (cell ids, metadata, attachments, unknown keys,
 * the fields of markdown and raw cells other than their text) is kept in the VS Code cell/notebook
 * metadata; each output keeps its original nbformat form in its metadata, written back verbatim while its
 * items are unchanged (unknown MIME types, text split into lines, base64 line breaks survive exactly).
 * What JavaScript values cannot carry rides along under KEPT: the spelling of numbers (`1.0`, `1e400`,
 * 20-digit integers) and a cell's source when the file did not split it into lines as Jupyter does.
 */
import {
  NbCell, NbNotebook, NbOutput, JsonObject, JsonPath, MultilineString, NumberToken, ParsedNotebook,
  joinSource, splitLines, notebookLanguage, defaultNotebookMetadata, mimeValueToBytes, bytesToMimeValue, newCellId,
} from './nbformat';

/** The key, in VS Code's notebook, cell and output metadata, of what the file said that values cannot carry. */
export const KEPT = 'lungcam.nbformat';

export interface Kept {
  /** Numbers spelt otherwise than their value writes, by path inside the notebook (top level), cell or output. */
  numberTokens?: NumberToken[];
  /** The source exactly as the file had it, when it was not Jupyter's split into lines. */
  source?: MultilineString;
}

export const MIME_STDOUT = 'application/vnd.code.notebook.stdout';
export const MIME_STDERR = 'application/vnd.code.notebook.stderr';
export const MIME_ERROR = 'application/vnd.code.notebook.error';
/** Code cells whose nbformat cell_type is "raw" use this language id (as VS Code's ipynb support does). */
export const RAW_LANGUAGE = 'raw';

export interface PlainItem { mime: string; data: Uint8Array }

/** What a VS Code output's metadata carries for the nbformat side. */
export interface OutputMetadata {
  outputType?: string;
  executionCount?: number | null;
  /** nbformat's own output metadata (display_data / execute_result). */
  metadata?: JsonObject;
  /** The output exactly as read from the file. */
  nbformat?: NbOutput;
  [KEPT]?: Kept;
}

export interface PlainOutput { items: PlainItem[]; metadata: OutputMetadata }

export interface PlainCell {
  kind: 'markup' | 'code';
  value: string;
  languageId: string;
  metadata: JsonObject;
  outputs: PlainOutput[];
  executionOrder?: number;
}

export interface PlainNotebook { cells: PlainCell[]; metadata: JsonObject }

const text = (s: string) => new TextEncoder().encode(s);

/** Tokens under `prefix`, with the prefix taken off; absent when there are none. */
function tokensUnder(tokens: readonly NumberToken[], prefix: JsonPath): NumberToken[] | undefined {
  const inside = tokens.filter(([p]) => p.length > prefix.length && prefix.every((k, i) => p[i] === k)).map(([p, t]): NumberToken => [p.slice(prefix.length), t]);
  return inside.length ? inside : undefined;
}

const withKept = <T extends object>(target: T, kept: Kept): T => (kept.numberTokens || kept.source !== undefined ? { ...target, [KEPT]: kept } : target);

export function notebookToPlain({ notebook, numberTokens }: ParsedNotebook): PlainNotebook {
  const { cells, ...rest } = notebook;
  const language = notebookLanguage(notebook.metadata);
  const top = numberTokens.filter(([p]) => p[0] !== 'cells');
  return {
    cells: cells.map((c, i) => cellToPlain(c, language, tokensUnder(numberTokens, ['cells', i]) ?? [])),
    metadata: withKept(rest, { numberTokens: top.length ? top : undefined }),
  };
}

function cellToPlain(cell: NbCell, language: string, tokens: NumberToken[]): PlainCell {
  const isCode = cell.cell_type === 'code';
  // Markdown and raw cells keep every field but their type and text, outputs included.
  const { cell_type, source, ...rest } = cell;
  const value = joinSource(source ?? '');
  const odd = source === undefined || !sameSource(splitLines(value), source);
  const kept: Kept = { numberTokens: tokens.filter(([p]) => p[0] !== 'outputs' || !isCode), ...(odd ? { source: source ?? '' } : {}) };
  if (!kept.numberTokens!.length) delete kept.numberTokens;
  if (!isCode) {
    return { kind: cell_type === 'markdown' ? 'markup' : 'code', value, languageId: cell_type === 'markdown' ? 'markdown' : RAW_LANGUAGE, metadata: withKept(rest, kept), outputs: [] };
  }
  const { outputs, execution_count, ...codeRest } = rest;
  return {
    kind: 'code', value, languageId: language, metadata: withKept(codeRest, kept),
    outputs: ((outputs ?? []) as NbOutput[]).map((o, k) => outputToPlain(o, tokensUnder(tokens, ['outputs', k]))),
    ...(typeof execution_count === 'number' ? { executionOrder: execution_count } : {}),
  };
}

function sameSource(a: string[], b: MultilineString): boolean {
  return Array.isArray(b) && a.length === b.length && a.every((l, i) => l === b[i]);
}

/** An nbformat output as VS Code's items. Exported for the kernel controller (Jupyter messages carry the same shape). */
export function outputToPlain(output: NbOutput, numberTokens?: NumberToken[]): PlainOutput {
  const meta: OutputMetadata = { outputType: output.output_type, nbformat: output };
  if (output.output_type === 'execute_result') meta.executionCount = (output.execution_count as number | null) ?? null;
  if (output.metadata && typeof output.metadata === 'object') meta.metadata = output.metadata as JsonObject;
  if (numberTokens) meta[KEPT] = { numberTokens };
  return { items: outputItems(output), metadata: meta };
}

export function outputItems(output: NbOutput): PlainItem[] {
  switch (output.output_type) {
    case 'stream':
      return [{ mime: output.name === 'stderr' ? MIME_STDERR : MIME_STDOUT, data: text(joinSource(output.text)) }];
    case 'error': {
      const traceback = Array.isArray(output.traceback) ? (output.traceback as string[]) : [];
      return [{ mime: MIME_ERROR, data: text(JSON.stringify({ name: String(output.ename ?? 'Error'), message: String(output.evalue ?? ''), stack: traceback.join('\n') })) }];
    }
    default: {
      const data = output.data && typeof output.data === 'object' ? (output.data as JsonObject) : {};
      return Object.entries(data).map(([mime, value]) => ({ mime, data: mimeValueToBytes(mime, value) }));
    }
  }
}

/** The notebook to write, and the number spellings to keep in it (paths from the top level). */
export function plainToNotebook(plain: PlainNotebook): { notebook: NbNotebook; numberTokens: NumberToken[] } {
  const { [KEPT]: kept, ...rest } = plain.metadata as JsonObject & { [KEPT]?: Kept };
  const numberTokens: NumberToken[] = [...(kept?.numberTokens ?? [])];
  const nbformatMinor = typeof rest.nbformat_minor === 'number' ? rest.nbformat_minor : 5;
  const notebook: NbNotebook = {
    ...rest,
    nbformat: 4,
    nbformat_minor: (rest.nbformat_minor ?? nbformatMinor) as number,
    metadata: (rest.metadata as JsonObject | undefined) ?? defaultNotebookMetadata(),
    // nbformat 4.5 requires an id on every cell; older minors forbid it, so only add one there.
    cells: plain.cells.map((c, i) => plainToCell(c, nbformatMinor >= 5, ['cells', i], numberTokens)),
  };
  return { notebook, numberTokens };
}

function plainToCell(cell: PlainCell, needsId: boolean, at: JsonPath, numberTokens: NumberToken[]): NbCell {
  const { [KEPT]: kept, ...rest } = { ...cell.metadata } as JsonObject & { [KEPT]?: Kept };
  for (const [p, t] of kept?.numberTokens ?? []) numberTokens.push([[...at, ...p], t]);
  const source = kept?.source !== undefined && joinSource(kept.source) === cell.value ? kept.source : splitLines(cell.value);
  const cellType = cell.kind === 'markup' ? 'markdown' : cell.languageId === RAW_LANGUAGE ? 'raw' : 'code';
  if (rest.metadata === undefined) rest.metadata = {};
  if (needsId && rest.id === undefined) rest.id = newCellId();
  if (cellType !== 'code') return { ...rest, cell_type: cellType, source };
  delete rest.attachments; // not allowed on code cells
  delete rest.outputs;
  delete rest.execution_count;
  return {
    ...rest,
    cell_type: 'code',
    source,
    outputs: cell.outputs.map((o, k) => plainToOutput(o, [...at, 'outputs', k], numberTokens)),
    execution_count: cell.executionOrder ?? null,
  };
}

/** A VS Code output as nbformat: the original if its items are unchanged, else rebuilt from the items. */
export function plainToOutput(output: PlainOutput, at: JsonPath = [], numberTokens: NumberToken[] = []): NbOutput {
  const meta = output.metadata ?? {};
  for (const [p, t] of meta[KEPT]?.numberTokens ?? []) numberTokens.push([[...at, ...p], t]);
  if (meta.nbformat && sameItems(outputItems(meta.nbformat), output.items)) return meta.nbformat;
  const items = output.items;
  const decode = (d: Uint8Array) => new TextDecoder().decode(d);
  if (items.length > 0 && items.every((i) => i.mime === MIME_STDOUT || i.mime === MIME_STDERR)) {
    return { output_type: 'stream', name: items[0].mime === MIME_STDERR ? 'stderr' : 'stdout', text: splitLines(items.map((i) => decode(i.data)).join('')) };
  }
  const error = items.find((i) => i.mime === MIME_ERROR);
  if (error) {
    const e = JSON.parse(decode(error.data)) as { name?: string; message?: string; stack?: string };
    return { output_type: 'error', ename: e.name ?? 'Error', evalue: e.message ?? '', traceback: e.stack ? e.stack.split('\n') : [] };
  }
  const data: JsonObject = {};
  for (const item of items) data[item.mime] = bytesToMimeValue(item.mime, item.data);
  const out: NbOutput = { output_type: meta.outputType === 'execute_result' ? 'execute_result' : 'display_data', data, metadata: meta.metadata ?? {} };
  if (out.output_type === 'execute_result') out.execution_count = meta.executionCount ?? null;
  return out;
}

function sameItems(a: readonly PlainItem[], b: readonly PlainItem[]): boolean {
  return a.length === b.length && a.every((item, i) => item.mime === b[i].mime && sameBytes(item.data, b[i].data));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
