/**
 * One self-contained interactive Grad-CAM page (`lungcam gradcam --out F.html`) a user can mail: the
 * CamOutput (every layer × class, quantised) and the minified D3 are inlined; no network, no kernel.
 * Pick the layer and class, fade the overlay, hover for time / Hz / attention, see the band and time profiles.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CamOutput } from '../../shared/outputTypes';
import { plainMatrix } from '../show/quantize';

/** d3's UMD bundle, beside its ESM entry in node_modules. */
function d3Source(): string {
  return readFileSync(join(dirname(require.resolve('d3')), 'd3.min.js'), 'utf8');
}

/** JSON safe inside <script>: no "</script", no U+2028/2029 surprises. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page's script only base64-decodes: its matrices are stored plain. */
function withPlainMatrices(out: CamOutput): CamOutput {
  const maps = Object.fromEntries(Object.entries(out.maps).map(([layer, byClass]) => [
    layer, Object.fromEntries(Object.entries(byClass).map(([c, m]) => [c, { ...m, map: plainMatrix(m.map) }])),
  ]));
  return { ...out, logMel: plainMatrix(out.logMel), maps };
}

export function camHtml(out: CamOutput): string {
  const title = `LungCAM ${out.method}: ${out.source.fileName}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:13px system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:16px;color:#222;background:#fff}
h1{font-size:16px;margin:0 0 4px}.meta{color:#555;margin-bottom:8px}
.controls{display:flex;gap:16px;align-items:center;flex-wrap:wrap;margin:8px 0}
.controls label{display:flex;gap:6px;align-items:center}
#plot{position:relative}#plot canvas{position:absolute;image-rendering:pixelated}
#tip{position:absolute;pointer-events:none;background:rgba(255,255,255,.92);border:1px solid #999;padding:3px 6px;font-size:12px;display:none;white-space:nowrap}
.axis text{font-size:11px}.note{color:#555;font-size:12px;margin-top:6px}
</style></head><body>
<h1>${esc(title)}</h1>
<div class="meta" id="meta"></div>
<div class="controls">
<label>Layer <select id="layer"></select></label>
<label>Class <select id="cls"></select></label>
<label>Overlay <input id="alpha" type="range" min="0" max="1" step="0.05" value="0.6"></label>
<label><input id="events" type="checkbox" checked> ground-truth events</label>
</div>
<div id="plot"></div>
<div class="note">Attention is normalised per 0.96 s patch (0 = ignored, 1 = the patch's most important cell), pytorch-grad-cam convention. Frequency axis is mel-spaced (as the model sees it), labelled in Hz.</div>
<script>${d3Source()}</script>
<script type="application/json" id="data">${scriptJson(withPlainMatrices(out))}</script>
<script>
(function () {
  const o = JSON.parse(document.getElementById('data').textContent);
  const F = o.axes.frames, B = o.axes.bands, hop = o.axes.hopSeconds, centres = o.axes.bandCentersHz;
  const bytes = (m) => Uint8Array.from(atob(m.u8), (c) => c.charCodeAt(0));
  const logMel = bytes(o.logMel);
  // Bilinear resize with half-pixel centres (as the engine), native [h, w] -> [oh, ow].
  function resize(src, h, w, oh, ow) {
    const out = new Float32Array(oh * ow);
    for (let y = 0; y < oh; y++) {
      const sy = Math.min(h - 1, Math.max(0, (y + 0.5) * h / oh - 0.5)), y0 = Math.floor(sy), y1 = Math.min(h - 1, y0 + 1), fy = sy - y0;
      for (let x = 0; x < ow; x++) {
        const sx = Math.min(w - 1, Math.max(0, (x + 0.5) * w / ow - 0.5)), x0 = Math.floor(sx), x1 = Math.min(w - 1, x0 + 1), fx = sx - x0;
        const top = src[y0 * w + x0] * (1 - fx) + src[y0 * w + x1] * fx, bot = src[y1 * w + x0] * (1 - fx) + src[y1 * w + x1] * fx;
        out[y * ow + x] = top * (1 - fy) + bot * fy;
      }
    }
    return out;
  }
  const cache = new Map();
  function recordingMap(layer, cls) {
    const key = layer + '\\u0000' + cls;
    if (cache.has(key)) return cache.get(key);
    const m = o.maps[layer][cls], u = bytes(m.map), P = o.patches.frames, out = new Float32Array(F * B), cover = new Uint16Array(F);
    o.patches.startFrame.forEach((s, p) => {
      const native = Float32Array.from(u.subarray(p * m.timeSteps * m.bandSteps, (p + 1) * m.timeSteps * m.bandSteps), (v) => v / 255);
      const up = resize(native, m.timeSteps, m.bandSteps, P, B);
      for (let r = 0; r < P; r++) { const f = s + r; if (f >= F) break; cover[f]++; for (let b = 0; b < B; b++) out[f * B + b] += up[r * B + b]; }
    });
    for (let f = 0; f < F; f++) if (cover[f] > 1) for (let b = 0; b < B; b++) out[f * B + b] /= cover[f];
    cache.set(key, out);
    return out;
  }
  const W = Math.max(480, Math.min(1100, F)), H = Math.max(192, Math.min(320, B * 4)), M = { l: 60, t: 8, r: 90, b: 36 }, PH = 110;
  const plot = d3.select('#plot').style('width', (M.l + W + M.r) + 'px').style('height', (M.t + H + M.b + PH + 40) + 'px');
  const canvas = plot.append('canvas').attr('width', W).attr('height', H).style('left', M.l + 'px').style('top', M.t + 'px').style('width', W + 'px').style('height', H + 'px');
  const svg = plot.append('svg').attr('width', M.l + W + M.r).attr('height', M.t + H + M.b + PH + 40).style('position', 'absolute').style('pointer-events', 'none');
  const seconds = F * hop;
  const x = d3.scaleLinear().domain([0, seconds]).range([M.l, M.l + W]);
  const yBand = d3.scaleLinear().domain([-0.5, B - 0.5]).range([M.t + H, M.t]);
  const bandOf = (hz) => { for (let b = 1; b < B; b++) if (hz <= centres[b]) return b - 1 + (hz - centres[b - 1]) / (centres[b] - centres[b - 1]); return B - 1; };
  const hzTicks = [100, 125, 200, 250, 500, 750, 1000, 1500, 2000, 3000, 4000, 6000, 7500].filter((h) => h >= centres[0] && h <= centres[B - 1]);
  svg.append('g').attr('class', 'axis').attr('transform', 'translate(0,' + (M.t + H) + ')').call(d3.axisBottom(x).ticks(10));
  svg.append('text').attr('x', M.l + W / 2).attr('y', M.t + H + 32).attr('text-anchor', 'middle').text('time (s)');
  svg.append('g').attr('class', 'axis').attr('transform', 'translate(' + M.l + ',0)').call(d3.axisLeft(yBand).tickValues(hzTicks.map(bandOf)).tickFormat((v, i) => hzTicks[i]));
  svg.append('text').attr('transform', 'translate(14,' + (M.t + H / 2) + ') rotate(-90)').attr('text-anchor', 'middle').text('frequency (Hz)');
  const barY = d3.scaleLinear().domain([0, 1]).range([M.t + H, M.t]);
  const grad = svg.append('defs').append('linearGradient').attr('id', 'bar').attr('x1', 0).attr('y1', 1).attr('x2', 0).attr('y2', 0);
  d3.range(0, 1.0001, 0.1).forEach((t) => grad.append('stop').attr('offset', t).attr('stop-color', d3.interpolateInferno(t)));
  svg.append('rect').attr('x', M.l + W + 16).attr('y', M.t).attr('width', 14).attr('height', H).attr('fill', 'url(#bar)').attr('stroke', '#000');
  svg.append('g').attr('class', 'axis').attr('transform', 'translate(' + (M.l + W + 30) + ',0)').call(d3.axisRight(barY).ticks(5));
  svg.append('text').attr('transform', 'translate(' + (M.l + W + 80) + ',' + (M.t + H / 2) + ') rotate(-90)').attr('text-anchor', 'middle').text('attention');
  const eventsLayer = svg.append('g');
  const profileY0 = M.t + H + M.b + 12;
  const px = d3.scaleLinear().domain([0, seconds]).range([M.l, M.l + W]);
  const py = d3.scaleLinear().domain([0, 1]).range([profileY0 + PH, profileY0]);
  svg.append('g').attr('class', 'axis').attr('transform', 'translate(' + M.l + ',0)').call(d3.axisLeft(py).ticks(3));
  svg.append('text').attr('x', M.l + 4).attr('y', profileY0 + 10).text('attention by time (mean over bands)');
  const timePath = svg.append('path').attr('fill', 'none').attr('stroke', '#b5367a').attr('stroke-width', 1.5);
  const tip = plot.append('div').attr('id', 'tip');
  let lo = o.logMel.min, hi = o.logMel.max; lo = Math.max(lo, hi - 10);
  const layerSel = d3.select('#layer'), clsSel = d3.select('#cls');
  layerSel.selectAll('option').data(o.layers).join('option').attr('value', (d) => d).text((d) => d);
  clsSel.selectAll('option').data(o.classes).join('option').attr('value', (d) => d).text((d) => d);
  layerSel.property('value', o.defaultLayer); clsSel.property('value', o.defaultClass);
  const mean = o.classes.map((_, k) => d3.mean(o.probabilities, (p) => p[k]));
  d3.select('#meta').text(o.source.durationSeconds.toFixed(2) + ' s, ' + o.axes.fmin + '–' + o.axes.fmax + ' Hz, ' + B + ' bands' + (o.axes.cutoffHz ? ', cut above ' + o.axes.cutoffHz + ' Hz' : '') + '; model ' + o.modelId + '; mean probabilities: ' + o.classes.map((c, k) => c + ' ' + (100 * mean[k]).toFixed(1) + '%').join(', '));
  function draw() {
    const layer = layerSel.property('value'), cls = clsSel.property('value'), a = +d3.select('#alpha').property('value');
    const map = recordingMap(layer, cls), ctx = canvas.node().getContext('2d'), img = ctx.createImageData(W, H);
    for (let yy = 0; yy < H; yy++) {
      const b = Math.min(B - 1, Math.floor((H - 1 - yy) / H * B));
      for (let xx = 0; xx < W; xx++) {
        const f = Math.min(F - 1, Math.floor(xx / W * F)), i = f * B + b;
        const g = 255 * Math.min(1, Math.max(0, (o.logMel.min + logMel[i] / 255 * (o.logMel.max - o.logMel.min) - lo) / (hi - lo || 1)));
        const c = d3.rgb(d3.interpolateInferno(map[i])), k = (yy * W + xx) * 4;
        img.data[k] = (1 - a) * g + a * c.r; img.data[k + 1] = (1 - a) * g + a * c.g; img.data[k + 2] = (1 - a) * g + a * c.b; img.data[k + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    const byTime = d3.range(F).map((f) => d3.mean(map.subarray(f * B, (f + 1) * B)));
    timePath.attr('d', d3.line().x((_, f) => px((f + 0.5) * hop)).y((v) => py(v))(byTime));
    const ev = d3.select('#events').property('checked') && o.annotations && o.annotations.events ? o.annotations.events : [];
    eventsLayer.selectAll('rect').data(ev).join('rect').attr('fill', 'none').attr('stroke', (e) => e.type === 'wheeze' ? '#0ff' : '#5f5')
      .attr('x', (e) => x(e.startSeconds)).attr('width', (e) => Math.max(1, x(e.endSeconds) - x(e.startSeconds)))
      .attr('y', (e) => yBand(bandOf(Math.min(e.highHz, centres[B - 1])))).attr('height', (e) => Math.max(1, yBand(bandOf(Math.max(e.lowHz, centres[0]))) - yBand(bandOf(Math.min(e.highHz, centres[B - 1])))));
  }
  canvas.on('mousemove', (event) => {
    const [mx, my] = d3.pointer(event), f = Math.min(F - 1, Math.floor(mx / W * F)), b = Math.min(B - 1, Math.floor((H - 1 - my) / H * B));
    const map = recordingMap(layerSel.property('value'), clsSel.property('value'));
    tip.style('display', 'block').style('left', (M.l + mx + 12) + 'px').style('top', (M.t + my + 12) + 'px')
      .text((f * hop).toFixed(2) + ' s, ' + Math.round(centres[b]) + ' Hz, attention ' + map[f * B + b].toFixed(2));
  }).on('mouseleave', () => tip.style('display', 'none'));
  d3.selectAll('#layer,#cls,#alpha,#events').on('input change', draw);
  draw();
})();
</script>
</body></html>
`;
}
