// The view's pending request to the engine (a method change, a re-run, a layer fetched): a progress bar
// (determinate once the engine reports how far it is), what it is doing, and Cancel.
import { button } from './widgets';
import { el } from './dom';

export interface Pending {
  element: HTMLElement;
  /** Shows the request: `done` (0..1) when known, else an indeterminate bar. */
  show(text: string, done?: number): void;
  hide(): void;
  readonly active: boolean;
}

export function createPending(onCancel: () => void): Pending {
  const element = el('div', { class: 'lc-pending', role: 'status', 'aria-live': 'polite' });
  const bar = el('progress', { class: 'lc-pending-bar', max: '1' }) as HTMLProgressElement;
  const text = el('span', { class: 'lc-pending-text' });
  const cancel = button('Cancel', () => {
    text.textContent = 'Cancelling…';
    onCancel();
  }, 'cancel-recompute');
  element.append(bar, text, cancel);
  element.hidden = true;
  let active = false;
  return {
    element,
    show(message, done) {
      active = true;
      element.hidden = false;
      text.textContent = done === undefined ? message : `${message} (${Math.round(done * 100)} %)`;
      if (done === undefined) bar.removeAttribute('value');
      else bar.value = done;
    },
    hide() {
      active = false;
      element.hidden = true;
    },
    get active() {
      return active;
    },
  };
}
