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

  constructor() {
    this.item.name = 'LungCAM Kernel';
  }

  show(view: KernelView | undefined): void {
    if (!view) {
      this.item.hide();
      return;
    }
    const backend = view.backend ? ` · ${view.backend}` : '';
    this.item.text = `${ICONS[view.status]} LungCAM ${view.status === 'dead' ? 'kernel died' : view.status}${backend}`;
    if (view.status === 'dead') {
      this.item.tooltip = `${view.deathReason ?? 'The kernel stopped.'}\nClick to restart the kernel.`;
      this.item.command = 'lungcam.restartKernel';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      this.item.tooltip = `LungCAM kernel (tslab, its own process): ${view.status}${view.backend ? `\nTensorFlow.js backend: ${view.backend}` : ''}\nClick for kernel actions.`;
      this.item.command = 'lungcam.kernelActions';
      this.item.backgroundColor = undefined;
    }
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
