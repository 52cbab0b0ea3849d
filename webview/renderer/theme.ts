// Makes @vscode/webview-ui-toolkit follow VS Code's theme inside a notebook output iframe.
// The toolkit applies its tokens from a window 'load' listener, but a notebook renderer is imported after
// the output iframe has loaded, so that listener never fires and the controls keep the toolkit's built-in
// dark palette. Here every toolkit token is bound to its --vscode-* variable with var(), on our own root
// element: theme switches then flow through CSS with no observer, and each output gets the tokens.
import { tokenMappings } from '@vscode/webview-ui-toolkit/dist/utilities/design-tokens/create.js';

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

/** VS Code marks the webview body with data-vscode-theme-kind (and a vscode-* class). */
export function currentThemeKind(doc: Document = document): ThemeKind {
  const body = doc.body;
  const kind = body?.getAttribute('data-vscode-theme-kind') ?? '';
  const has = (c: string) => kind === c || body?.classList.contains(c);
  if (has('vscode-high-contrast-light')) return 'high-contrast-light';
  if (has('vscode-high-contrast')) return 'high-contrast';
  if (has('vscode-light')) return 'light';
  return 'dark';
}

const defaults = new Map<string, string>();

/** The toolkit's own default for a token (its dark palette), captured before we set anything. */
function defaultFor(cssVar: string): string {
  let d = defaults.get(cssVar);
  if (d === undefined) {
    const token = tokenMappings.get(cssVar);
    const v = token && document.body ? token.getValueFor(document.body) : '';
    d = typeof v === 'string' || typeof v === 'number' ? String(v) : '';
    defaults.set(cssVar, d);
  }
  return d;
}

/** The value bound to a token: the VS Code variable, falling back as the toolkit's applyTheme would. */
export function tokenValue(cssVar: string, tokenName: string, kind: ThemeKind): string {
  const highContrast = kind === 'high-contrast' || kind === 'high-contrast-light';
  if (cssVar.includes('--fake-vscode-token')) {
    return highContrast && tokenName === 'button-icon-hover-background' ? 'transparent' : defaultFor(cssVar);
  }
  if (!highContrast && tokenName === 'contrast-active-border') return 'transparent';
  const fallback = highContrast && tokenName.includes('background') ? 'transparent' : defaultFor(cssVar);
  return fallback ? `var(${cssVar}, ${fallback})` : `var(${cssVar})`;
}

/** Binds every toolkit design token to VS Code's variables for `root` and its descendants. */
export function applyVsCodeTheme(root: HTMLElement): void {
  const kind = currentThemeKind(root.ownerDocument);
  for (const [cssVar, token] of tokenMappings) {
    token.setValueFor(root, tokenValue(cssVar, token.name, kind));
  }
  root.dataset.themeKind = kind;
}

const themed = new Set<HTMLElement>();
let observer: MutationObserver | undefined;

/** Applies now and again when VS Code switches between normal and high-contrast themes. */
export function followVsCodeTheme(root: HTMLElement): () => void {
  applyVsCodeTheme(root);
  themed.add(root);
  if (!observer && typeof MutationObserver !== 'undefined' && document.body) {
    observer = new MutationObserver(() => {
      for (const r of themed) applyVsCodeTheme(r);
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  }
  return () => themed.delete(root);
}
