/**
 * LungCAM's entry point: activate() only wires the parts, one `registerX(context)` call each, so
 * every concern stays in its own file.
 */
import * as vscode from 'vscode';
import { registerSerializer } from './serializer';
import { registerCommands } from './commands';
import { registerController } from './controller';
import { setExtensionRoot } from './cliRunner';
import { registerSelectModel } from './selectModel';
import { registerOpenWav } from './openWav';
import { registerOpenQuickstart } from './openQuickstart';
import { registerQuickAnalysis } from './quickAnalysis';
import { registerTrainCommand } from './trainCommand';
import { registerStudyCommand } from './studyCommand';
import { registerExportHeatmap } from './exportHeatmap';
import { registerRendererMessaging } from './rendererMessaging';
import { registerWavEditor } from './wavEditor';
import { registerEngine } from './engine';

export function activate(context: vscode.ExtensionContext): void {
  registerSerializer(context);
  registerCommands(context);
  const kernels = registerController(context);
  setExtensionRoot(context.extensionPath);
  registerEngine(context);
  registerSelectModel(context);
  registerOpenWav(context);
  registerOpenQuickstart(context);
  registerQuickAnalysis(context);
  registerTrainCommand(context);
  registerStudyCommand(context);
  registerExportHeatmap(context);
  registerRendererMessaging(context, kernels);
  registerWavEditor(context);
}

export function deactivate(): void {}
