// Labelled controls built from @vscode/webview-ui-toolkit (dropdowns, buttons, checkbox) plus a native
// range input for sliders (the toolkit has no slider), all keyboard-reachable with visible labels.
import {
  provideVSCodeDesignSystem, vsCodeButton, vsCodeCheckbox, vsCodeDropdown, vsCodeOption,
} from '@vscode/webview-ui-toolkit';

let registered = false;

/** Registers the toolkit's custom elements once per iframe (a second define would throw). */
export function registerToolkit(): void {
  if (registered || customElements.get('vscode-dropdown')) {
    registered = true;
    return;
  }
  provideVSCodeDesignSystem().register(vsCodeDropdown(), vsCodeOption(), vsCodeButton(), vsCodeCheckbox());
  registered = true;
}

let uid = 0;
const nextId = (stem: string) => `lungcam-${stem}-${++uid}`;

export interface Dropdown {
  wrapper: HTMLElement;
  element: HTMLElement & { value: string; disabled: boolean };
  setDisabled(disabled: boolean, reason?: string): void;
}

/** A labelled dropdown; option labels are inserted as text. */
export function dropdown(label: string, options: { value: string; label: string }[], value: string, onChange: (v: string) => void, name: string): Dropdown {
  const wrapper = document.createElement('div');
  wrapper.className = 'lc-field';
  const id = nextId(name);
  const labelEl = document.createElement('label');
  labelEl.htmlFor = id;
  labelEl.id = `${id}-label`;
  labelEl.textContent = label;
  const dd = document.createElement('vscode-dropdown') as Dropdown['element'];
  dd.id = id;
  // Always downwards, into the view below the controls: see openWithinOutput.
  dd.setAttribute('position', 'below');
  dd.dataset.control = name;
  dd.setAttribute('aria-labelledby', labelEl.id);
  dd.setAttribute('aria-label', label);
  for (const o of options) {
    const opt = document.createElement('vscode-option') as HTMLElement & { value: string };
    opt.setAttribute('value', o.value);
    opt.textContent = o.label;
    if (o.value === value) opt.setAttribute('selected', '');
    dd.appendChild(opt);
  }
  dd.addEventListener('change', () => {
    if (dd.value !== undefined) onChange(dd.value);
  });
  const reasonEl = document.createElement('span');
  reasonEl.className = 'lc-reason';
  reasonEl.id = `${id}-reason`;
  wrapper.append(labelEl, dd, reasonEl);
  keepListOpen(wrapper);
  openWithinOutput(dd);
  return {
    wrapper,
    element: dd,
    setDisabled(disabled, reason) {
      dd.disabled = disabled;
      if (disabled) dd.setAttribute('disabled', '');
      else dd.removeAttribute('disabled');
      reasonEl.textContent = disabled && reason ? reason : '';
      if (disabled && reason) dd.setAttribute('aria-describedby', reasonEl.id);
      else dd.removeAttribute('aria-describedby');
    },
  };
}

/**
 * Clicks on a dropdown (opening it, picking an option) stay inside the output. VS Code's notebook
 * webview listens for clicks on the output document's body and answers each with "the output is
 * focused" (webviewPreloads: body 'click' → 'outputFocus'): the workbench then focuses the cell and, if it
 * has not yet registered that its webview holds the focus, moves the keyboard focus to the notebook list
 * (notebookEditorWidget.focusNotebookCell → focusView). The toolkit's dropdown closes its list on
 * focusout, so the option under the mouse is gone before it is clicked (seen in e2e runs on the loaded
 * machine). The dropdown handles its own clicks; the body does not need to see them.
 */
export function keepListOpen(wrapper: HTMLElement): void {
  wrapper.addEventListener('click', (event) => event.stopPropagation());
}

/** Rows of a list always shown, even when little of the output is on screen (the list then scrolls). */
const MIN_LIST_PX = 3 * 26;
/** The toolkit's own cap on a list's height (its dropdown-list-max-height token). */
const MAX_LIST_PX = 200;

/**
 * A dropdown's list opens downwards and no further than the output and the visible part of the page.
 * In a notebook, VS Code draws the cells above and below an output over its webview: a list that opens
 * upwards (the toolkit's choice near the bottom of the screen) or past the output's bottom edge lies under
 * another cell, unseen, and a click there lands on that cell instead of an option. The view's controls sit
 * at its top with the figure below them, so downwards there is room; the list's height is capped at what
 * is left of the output and of the viewport (it scrolls when it has more options), set just before it opens.
 */
export function openWithinOutput(dd: HTMLElement): void {
  const fit = () => {
    const box = dd.getBoundingClientRect();
    const output = dd.closest('.lungcam')?.getBoundingClientRect();
    const bottom = Math.min(window.innerHeight, output ? output.bottom : Infinity);
    const room = Math.floor(bottom - box.bottom - 4);
    dd.style.setProperty('--dropdown-list-max-height', `${Math.max(MIN_LIST_PX, Math.min(MAX_LIST_PX, room))}px`);
  };
  dd.addEventListener('pointerdown', fit, { capture: true });
  dd.addEventListener('keydown', fit, { capture: true });
}

export interface Slider {
  wrapper: HTMLElement;
  input: HTMLInputElement;
  output: HTMLOutputElement;
}

/** A labelled native range input with its value shown beside it (formatted by `format`). */
export function slider(label: string, min: number, max: number, step: number, value: number, format: (v: number) => string, onInput: (v: number) => void, name: string): Slider {
  const wrapper = document.createElement('div');
  wrapper.className = 'lc-field lc-slider';
  const id = nextId(name);
  const labelEl = document.createElement('label');
  labelEl.htmlFor = id;
  labelEl.textContent = label;
  const input = document.createElement('input');
  input.type = 'range';
  input.id = id;
  input.dataset.control = name;
  input.min = String(min);
  input.max = String(max);
  input.step = String(step);
  input.value = String(value);
  const output = document.createElement('output');
  output.htmlFor.add(id);
  output.textContent = format(value);
  input.setAttribute('aria-valuetext', format(value));
  input.addEventListener('input', () => {
    const v = Number(input.value);
    output.textContent = format(v);
    input.setAttribute('aria-valuetext', format(v));
    onInput(v);
  });
  wrapper.append(labelEl, input, output);
  return { wrapper, input, output };
}

export function button(label: string, onClick: () => void, name: string, appearance: 'primary' | 'secondary' = 'secondary'): HTMLElement & { disabled: boolean } {
  const b = document.createElement('vscode-button') as HTMLElement & { disabled: boolean };
  b.setAttribute('appearance', appearance);
  b.dataset.control = name;
  b.textContent = label;
  b.addEventListener('click', () => {
    if (!b.hasAttribute('disabled')) onClick();
  });
  return b;
}

export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void, name: string): HTMLElement {
  const c = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  c.dataset.control = name;
  c.textContent = label;
  if (checked) c.setAttribute('checked', '');
  c.addEventListener('change', () => onChange(!!c.checked));
  return c;
}
