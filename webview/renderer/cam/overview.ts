// The overview of a long recording: the whole spectrogram small, with a d3 brush that selects the time
// window the main view shows (and follows the main view's zoom and pan).
import { brushX, type BrushBehavior } from 'd3-brush';
import type { Selection } from 'd3-selection';
import type { ScaleLinear } from 'd3-scale';

export interface Overview {
  /** Moves the brush without reporting back (the main view zoomed or panned). */
  setWindow(startSeconds: number, endSeconds: number): void;
}

/**
 * Puts a brush over [0, widthPx] × [0, heightPx] in `g`. onWindow gets the selected seconds when the
 * user brushes; a click outside the selection recentres the current window there.
 */
export function createOverview(g: Selection<SVGGElement, unknown, null, undefined>, x: ScaleLinear<number, number>, widthPx: number, heightPx: number, onWindow: (startSeconds: number, endSeconds: number) => void): Overview {
  let quiet = false;
  let current: [number, number] = [x.invert(0), x.invert(widthPx)];
  const brush: BrushBehavior<unknown> = brushX()
    .extent([[0, 0], [widthPx, heightPx]])
    .on('brush end', (event) => {
      if (quiet || !event.sourceEvent) return;
      const sel = event.selection as [number, number] | null;
      if (!sel) {
        // A click without a drag: keep the window's length, centre it where the user clicked.
        const [px] = event.sourceEvent ? pointerX(event.sourceEvent, g.node()!) : [widthPx / 2];
        const span = current[1] - current[0];
        let start = x.invert(px) - span / 2;
        start = Math.max(x.domain()[0], Math.min(x.domain()[1] - span, start));
        onWindow(start, start + span);
        return;
      }
      onWindow(x.invert(sel[0]), x.invert(sel[1]));
    });
  g.attr('class', 'lc-overview-brush').call(brush);
  // White on the dark colour maps in every theme (currentColor vanished on the overview's purple).
  g.select('.selection').attr('stroke', '#ffffff').attr('stroke-width', 1.5).attr('fill', '#ffffff').attr('fill-opacity', 0.28);
  return {
    setWindow(startSeconds, endSeconds) {
      current = [startSeconds, endSeconds];
      quiet = true;
      g.call(brush.move, [x(startSeconds), x(endSeconds)]);
      quiet = false;
    },
  };
}

function pointerX(event: MouseEvent | TouchEvent, node: SVGGElement): [number] {
  const rect = node.getBoundingClientRect();
  const clientX = 'clientX' in event ? event.clientX : event.touches[0]?.clientX ?? rect.left;
  return [clientX - rect.left];
}

