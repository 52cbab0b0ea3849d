/**
 * One self-contained interactive Grad-CAM page (`lungcam gradcam --out F.html`) a user can mail: the
 * CamOutput (every layer × class, quantised) and the notebook renderer's own CAM view (dist/webview/page.js)
 * are inlined; no network, no kernel. The page is the view VS Code shows: layer, class, colour map,
 * opacity, cutoff share, hover read-out, profiles, zoom and export.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CamOutput } from '../../shared/outputTypes';
import { DEFAULT_CAM_COLORMAP, type ColormapName } from '../../shared/view/colormaps';

/** The view's page bundle, found from the running bundle (dist/kernels/…) or from this source file. */
function pageScript(): string {
  const candidates = [
    path.join(__dirname, '..', 'webview', 'page.js'), // dist/kernels/cli.js
    path.join(__dirname, '..', '..', 'webview', 'page.js'), // dist/kernels/engine/index.js
    path.join(__dirname, '..', '..', '..', 'dist', 'webview', 'page.js'), // kernels/engine/export/html.ts
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(`the view's page bundle (dist/webview/page.js) is missing: run npm run build (looked in ${candidates.join(', ')})`);
  // Inside <script>, "</script" would end the element: in a JS string or regex "<\/" means the same.
  return readFileSync(found, 'utf8').replace(/<\/script/gi, '<\\/script');
}

/** JSON safe inside <script>: no "</script", no U+2028/2029 surprises. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** VS Code's light theme colours, which the view's controls and marks read (--vscode-* variables). */
const PAGE_STYLE = `
:root{--vscode-foreground:#3b3b3b;--vscode-editor-background:#ffffff;--vscode-font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;
--vscode-font-size:13px;--vscode-font-weight:normal;--vscode-focusBorder:#005fb8;--vscode-button-background:#005fb8;--vscode-button-foreground:#ffffff;
--vscode-button-hoverBackground:#0258a8;--vscode-button-secondaryBackground:#e5e5e5;--vscode-button-secondaryForeground:#3b3b3b;
--vscode-button-secondaryHoverBackground:#cccccc;--vscode-dropdown-background:#ffffff;--vscode-dropdown-foreground:#3b3b3b;--vscode-dropdown-border:#cecece;
--vscode-dropdown-listBackground:#ffffff;--vscode-list-activeSelectionBackground:#e8e8e8;--vscode-list-activeSelectionForeground:#000000;
--vscode-checkbox-background:#f8f8f8;--vscode-checkbox-border:#cecece;--vscode-checkbox-foreground:#3b3b3b;--vscode-descriptionForeground:#616161;
--vscode-errorForeground:#f85149;--vscode-panel-border:#e5e5e5}
body{margin:16px;background:var(--vscode-editor-background);color:var(--vscode-foreground);font-family:var(--vscode-font-family)}
h1{font-size:16px;margin:0 0 8px}.note{color:var(--vscode-descriptionForeground);font-size:12px;max-width:100ch}
`;

export function camHtml(out: CamOutput, colormap: ColormapName = DEFAULT_CAM_COLORMAP): string {
  const title = `LungCAM ${out.method}: ${out.source.fileName}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${PAGE_STYLE}</style></head>
<body class="vscode-light" data-vscode-theme-kind="vscode-light">
<h1>${esc(title)}</h1>
<div id="view"></div>
<p class="note">The Normalise control says how attention is scaled: across classes weighted by each class's probability (a class the model rejects stays dark), per recording, or per 0.96 s patch as pytorch-grad-cam does. The frequency axis is mel-spaced (as the model sees it), labelled in Hz.</p>
<script type="application/json" id="data">${scriptJson(out)}</script>
<script>${pageScript()}</script>
<script>LungcamPage.showCamPage(document.getElementById('view'), JSON.parse(document.getElementById('data').textContent), ${JSON.stringify(colormap)});</script>
</body></html>
`;
}
