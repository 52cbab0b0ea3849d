// The renderer's stylesheet, injected once per output iframe. Colours come from VS Code's --vscode-*
// variables (with neutral fallbacks for plain browsers), so light, dark and high-contrast themes apply.
const CSS = `
.lungcam {
  color: var(--vscode-foreground, #333);
  font-family: var(--vscode-font-family, system-ui, sans-serif);
  font-size: var(--vscode-font-size, 13px);
  --lc-border: var(--vscode-contrastBorder, var(--vscode-panel-border, rgba(128,128,128,0.35)));
}
.lungcam .lc-title { margin: 2px 0 6px; }
.lungcam .lc-file { font-weight: 600; }
.lungcam .lc-meta { opacity: 0.8; }
.lungcam .lc-controls { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 6px 12px; margin: 4px 0; }
.lungcam .lc-field { display: flex; flex-direction: column; align-items: flex-start; gap: 2px; }
.lungcam .lc-field > label { font-size: 11px; opacity: 0.9; }
.lungcam .lc-slider { flex-direction: row; align-items: center; gap: 6px; }
.lungcam .lc-slider input[type=range] { accent-color: var(--vscode-button-background, #0e639c); width: 140px; }
[data-theme-kind^=high-contrast] .lungcam .lc-slider input[type=range] { accent-color: var(--vscode-contrastActiveBorder, var(--vscode-focusBorder, #f38518)); }
.lungcam .lc-slider input[type=range]:focus-visible, .lungcam .lc-figure:focus-visible {
  outline: 1px solid var(--vscode-focusBorder, #007fd4); outline-offset: 2px;
}
.lungcam .lc-share { font-variant-numeric: tabular-nums; font-weight: 600; }
.lungcam .lc-reason { font-size: 11px; color: var(--vscode-descriptionForeground, #717171); font-style: italic; }
.lungcam .lc-status { min-height: 1.2em; font-size: 12px; color: var(--vscode-descriptionForeground, #717171); }
.lungcam .lc-pending { display: flex; align-items: center; gap: 8px; font-size: 12px; margin: 2px 0; }
.lungcam .lc-pending[hidden] { display: none; }
.lungcam .lc-pending-bar { width: 160px; height: 6px; accent-color: var(--vscode-progressBar-background, #0e70c0); }
.lungcam .lc-readout { min-height: 1.3em; font-size: 12px; font-variant-numeric: tabular-nums; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.lungcam .lc-figure { position: relative; user-select: none; }
.lungcam .lc-figure canvas { position: absolute; image-rendering: auto; }
.lungcam .lc-figure svg { position: absolute; left: 0; top: 0; overflow: visible; }
.lungcam .lc-axis text, .lungcam .lc-axis-title { fill: currentColor; font-size: 10px; }
.lungcam .lc-axis-title { font-size: 11px; }
.lungcam .lc-summary { font-size: 12px; margin: 6px 0 2px; max-width: 100ch; color: var(--vscode-descriptionForeground, #555); }
.lungcam .lc-hit { cursor: crosshair; }
.lungcam .lc-overview-brush .selection { stroke-width: 1px; }
.lungcam table.lc-table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.lungcam table.lc-table th, .lungcam table.lc-table td { border: 1px solid var(--lc-border); padding: 2px 8px; text-align: right; }
.lungcam table.lc-table th:first-child, .lungcam table.lc-table td:first-child { text-align: left; }
.lungcam audio { display: block; margin-top: 4px; width: min(100%, 480px); }
.lungcam .lc-error { color: var(--vscode-errorForeground, #c00); }
.lungcam .lc-verdicts { margin: 0 0 6px; font-weight: 600; }
.lungcam .lc-verdicts[data-wrong]:not([data-wrong="0"])::before { content: "✗ "; color: var(--vscode-errorForeground, #c00); }
.lungcam .lc-scale { font-size: 12px; color: var(--vscode-descriptionForeground, #717171); margin: 2px 0; }
.lungcam .lc-cycle-lane .lc-cycle { cursor: help; }
`;

export function injectStyles(doc: Document = document): void {
  if (doc.getElementById('lungcam-renderer-style')) return;
  const style = doc.createElement('style');
  style.id = 'lungcam-renderer-style';
  style.textContent = CSS;
  doc.head.appendChild(style);
}
