// Tiny DOM helpers. Attributes and text only: nothing here ever parses a string as HTML.
const SVG_NS = 'http://www.w3.org/2000/svg';

export function el(tag: string, attrs: Record<string, string> = {}): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

export function svgEl(tag: string, attrs: Record<string, string> = {}): SVGElement {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

let counter = 0;
/** Ids unique within the output iframe (several outputs share one document). */
export function uniqueId(stem: string): string {
  return `${stem}-${++counter}`;
}

export function text(tag: string, content: string, attrs: Record<string, string> = {}): HTMLElement {
  const e = el(tag, attrs);
  e.textContent = content;
  return e;
}
