/**
 * `lc.show(value)` in a notebook cell: one display_data with a MIME bundle —
 * `application/vnd.lungcam.<kind>+json` for the LungCAM renderer, plus `image/png` and `text/plain`
 * so JupyterLab, GitHub and nbconvert show something useful too.
 *
 * tslab's own `display.raw` sends one MIME type per message, so we call the writer tslab installs
 * for the running cell (tslab/dist/jupyter.js `lastWriteDisplayData`) with the whole bundle.
 * Outside a kernel (CLI, plain Node) it prints the text summary; `mimeBundle(toOutput(x))` gives the bundle.
 */
import Module from 'node:module';
import { MIME, type LungcamOutput } from '../../shared/outputTypes';
import { fallbackPng, summaryText } from './fallbacks';
import { toOutput, type ShowSourceOptions } from './toOutput';

export { toOutput, audioOutput, spectrogramOutput } from './toOutput';
export { summaryText } from './fallbacks';

export interface ShowOptions extends ShowSourceOptions {
  /**
   * Shows into a named display: the first `show` with an id creates the output, later ones with the
   * same id replace it in place (update_display_data).
   */
  displayId?: string;
  /** Skip the PNG fallback (smaller notebooks when only VS Code will read them). */
  png?: boolean;
}

export type MimeBundle = Record<string, unknown>;

type WriteDisplayData = (content: { data: MimeBundle; metadata: Record<string, unknown>; transient: { display_id?: string } }, update: boolean) => void;

export function mimeBundle(output: LungcamOutput, options: { png?: boolean } = {}): MimeBundle {
  const bundle: MimeBundle = { [MIME[output.kind]]: output };
  if (options.png !== false) bundle['image/png'] = fallbackPng(output).toString('base64');
  bundle['text/plain'] = summaryText(output);
  return bundle;
}

/** The display writer of the tslab kernel this module runs in, if any. */
function tslabDisplayWriter(): WriteDisplayData | null {
  const cache = (Module as unknown as { _cache: Record<string, NodeJS.Module | undefined> })._cache;
  for (const [file, mod] of Object.entries(cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const writer = (mod?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    if (typeof writer === 'function') return writer as WriteDisplayData;
  }
  return null;
}

const shownIds = new Set<string>();

/** Returns nothing, so tslab does not also print the bundle as the cell's last expression. */
export function show(value: unknown, options: ShowOptions = {}): void {
  const output = toOutput(value, options);
  const bundle = mimeBundle(output, options);
  const write = tslabDisplayWriter();
  if (!write) {
    console.log(bundle['text/plain']);
    return;
  }
  const id = options.displayId;
  const update = id !== undefined && shownIds.has(id);
  if (id !== undefined) shownIds.add(id);
  write({ data: bundle, metadata: {}, transient: id !== undefined ? { display_id: id } : {} }, update);
}
