/**
 * LungCAM's entry point: activate() only wires the parts, one `registerX(context)` call each, so
 * every concern stays in its own file.
 */
import * as vscode from 'vscode';
import { registerSerializer } from './serializer';
import { registerCommands } from './commands';
import { registerController } from './controller';

export function activate(context: vscode.ExtensionContext): void {
  registerSerializer(context);
  registerCommands(context);
  registerController(context);
}

export function deactivate(): void {}
