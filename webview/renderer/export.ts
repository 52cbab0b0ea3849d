// Export of the current view as a standalone SVG (vector axes and marks, the dense pictures embedded as
// PNG images) and as a PNG rasterised from that same SVG, so both files show exactly the same thing.

const SVG_NS = 'http://www.w3.org/2000/svg';

export interface ExportLayer {
  canvas: HTMLCanvasElement;
  x: number;
  y: number;
  width: number;
  height: number;
  opacity: number;
}

export interface ExportInput {
  /** The live figure SVG; it is cloned, never modified. */
  svg: SVGSVGElement;
  /** Canvases to embed under the SVG marks, in drawing order. */
  layers: ExportLayer[];
  width: number;
  height: number;
  /** Title written at the top, and lines under it (inserted as text). */
  title: string;
  notes?: string[];
  foreground: string;
  background: string;
  fontFamily: string;
}

const TITLE_HEIGHT = 22;
const NOTE_HEIGHT = 15;

/** The height of the header: the title and its notes. */
const headerHeight = (notes = 0) => TITLE_HEIGHT + notes * NOTE_HEIGHT;

/** A self-contained SVG document string of the current view. */
export function viewToSvg(input: ExportInput): string {
  const { svg, layers, width, height } = input;
  const notes = input.notes ?? [];
  const doc = document.implementation.createDocument(SVG_NS, 'svg', null);
  const root = doc.documentElement as unknown as SVGSVGElement;
  const header = headerHeight(notes.length);
  const fullHeight = height + header;
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(fullHeight));
  root.setAttribute('viewBox', `0 0 ${width} ${fullHeight}`);
  root.setAttribute('font-family', input.fontFamily);
  root.setAttribute('font-size', '10');
  root.setAttribute('color', input.foreground);
  const bg = doc.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', String(width));
  bg.setAttribute('height', String(fullHeight));
  bg.setAttribute('fill', input.background);
  root.appendChild(bg);
  const title = doc.createElementNS(SVG_NS, 'text');
  title.setAttribute('x', '8');
  title.setAttribute('y', '15');
  title.setAttribute('font-size', '13');
  title.setAttribute('fill', input.foreground);
  title.textContent = input.title;
  root.appendChild(title);
  notes.forEach((text, i) => {
    const note = doc.createElementNS(SVG_NS, 'text');
    note.setAttribute('x', '8');
    note.setAttribute('y', String(TITLE_HEIGHT + 10 + i * NOTE_HEIGHT));
    note.setAttribute('font-size', '11');
    note.setAttribute('fill', input.foreground);
    note.setAttribute('class', 'lc-note');
    note.textContent = text;
    root.appendChild(note);
  });
  const body = doc.createElementNS(SVG_NS, 'g');
  body.setAttribute('transform', `translate(0, ${header})`);
  root.appendChild(body);
  for (const l of layers) {
    const img = doc.createElementNS(SVG_NS, 'image');
    img.setAttribute('x', String(l.x));
    img.setAttribute('y', String(l.y));
    img.setAttribute('width', String(l.width));
    img.setAttribute('height', String(l.height));
    img.setAttribute('preserveAspectRatio', 'none');
    if (l.opacity < 1) img.setAttribute('opacity', String(l.opacity));
    img.setAttribute('href', l.canvas.toDataURL('image/png'));
    body.appendChild(img);
  }
  const clone = svg.cloneNode(true) as SVGSVGElement;
  // Interaction-only parts (hover crosshair, hit areas, brush handles) are not part of the picture.
  clone.querySelectorAll('.lc-no-export, .overlay, .handle').forEach((n) => n.remove());
  const marks = doc.createElementNS(SVG_NS, 'g');
  for (const child of Array.from(clone.childNodes)) marks.appendChild(doc.importNode(child, true));
  body.appendChild(marks);
  return new XMLSerializer().serializeToString(doc);
}

export function svgDataUrl(svgText: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
}

/** Rasterises an SVG string to a PNG data URL at `scale` × its size. */
export async function svgToPngDataUrl(svgText: string, width: number, height: number, scale = 2): Promise<string> {
  const img = new Image();
  img.decoding = 'async';
  const loaded = new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('the exported SVG could not be drawn'));
  });
  img.src = svgDataUrl(svgText);
  await loaded;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d')!;
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0, width, height);
  return canvas.toDataURL('image/png');
}

export function exportedHeight(height: number, notes = 0): number {
  return height + headerHeight(notes);
}

/**
 * Offers a data: URL as a download. Inside VS Code, the notebook webview turns clicks on data: links
 * with a download name into a Save dialog; in a browser the link downloads directly.
 */
export function offerDownload(dataUrl: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = dataUrl;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** A safe download name derived from the recording's name (no path parts, no odd characters). */
export function exportFileName(recordingName: string, suffix: string, ext: 'png' | 'svg'): string {
  const stem = recordingName.replace(/^.*[\\/]/, '').replace(/\.[a-z0-9]+$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'lungcam';
  return `${stem}_${suffix.replace(/[^A-Za-z0-9._-]+/g, '_')}.${ext}`;
}
