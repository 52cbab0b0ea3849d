/**
 * One status bar item for the active notebook's LungCAM kernel: its state and the TensorFlow.js
 * backend it reported; when the kernel died, an error look and a click that restarts it.
 */
import * as vscode from 'vscode';
import type { KernelStatus } from '../kernels/client/kernel';

export interface KernelView {
  status: KernelStatus | 'not-started';
  backend?: string;
  /** Why the kernel died, when it did. */
  deathReason?: string;
  /** For a kernel on a Jupyter Server: its host and the folder cells run in there. */
  location?: { server: string; host: string; folder: string };
}

const ICONS: Record<KernelView['status'], string> = {
  'not-started': '$(circle-outline)',
  starting: '$(loading~spin)',
  idle: '$(circle-filled)',
  busy: '$(sync~spin)',
  restarting: '$(loading~spin)',
  dead: '$(error)',
  stopped: '$(circle-outline)',
};

export class KernelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lungcam.kernel', vscode.StatusBarAlignment.Left, 100);
  /** While the kernel starts: since when, and the timer that counts the seconds on the item. */
  private startedAt = 0;
  private ticker: NodeJS.Timeout | undefined;
  private shown: KernelView | undefined;

  constructor() {
    this.item.name = 'LungCAM Kernel';
  }

  show(view: KernelView | undefined): void {
    this.shown = view;
    this.countStartUp(view);
    if (!view) {
      this.item.hide();
      return;
    }
    const backend = view.backend ? ` · ${view.backend}` : '';
    const starting = view.status === 'starting' || view.status === 'restarting';
    const elapsed = starting ? ` (${Math.floor((Date.now() - this.startedAt) / 1000)} s)` : '';
    const where = view.location ? ` $(remote) ${view.location.host}` : '';
    const runsWhere = view.location
      ? `Cells run on the Jupyter Server ${view.location.server}${view.location.folder ? ` in ${view.location.folder}` : ''}: recordings named in cells are read there, not on this machine.`
      : '';
    this.item.text = `${ICONS[view.status]} LungCAM ${view.status === 'dead' ? 'kernel died' : starting ? `kernel ${view.status}` : view.status}${elapsed}${where}${backend}`;
    if (view.status === 'dead') {
      this.item.tooltip = `${view.deathReason ?? 'The kernel stopped.'}\nClick to restart the kernel.${runsWhere ? `\n${runsWhere}` : ''}`;
      this.item.command = 'lungcam.restartKernel';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else if (starting) {
      this.item.tooltip = `Starting the notebook kernel (${view.location ? 'on the Jupyter Server' : 'tslab, its own process'}: the TypeScript compiler, then the lungcam module); the first cell runs as soon as it is ready.${runsWhere ? `\n${runsWhere}` : ''}\nClick for kernel actions.`;
      this.item.command = 'lungcam.kernelActions';
      this.item.backgroundColor = undefined;
    } else {
      const kernel = view.location ? `LungCAM kernel on a Jupyter Server: ${view.status}\n${runsWhere}` : `LungCAM kernel (tslab, its own process): ${view.status}`;
      this.item.tooltip = `${kernel}${view.backend ? `\nTensorFlow.js backend: ${view.backend}` : ''}\nClick for kernel actions.`;
      this.item.command = 'lungcam.kernelActions';
      this.item.backgroundColor = undefined;
    }
    this.item.show();
  }

  /** Counts the start-up's seconds on the item while the kernel starts (the first cell waits for it). */
  private countStartUp(view: KernelView | undefined): void {
    const starting = view?.status === 'starting' || view?.status === 'restarting';
    if (starting && !this.ticker) {
      this.startedAt = Date.now();
      this.ticker = setInterval(() => this.show(this.shown), 1000);
    } else if (!starting && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  dispose(): void {
    clearInterval(this.ticker);
    this.item.dispose();
  }
}
