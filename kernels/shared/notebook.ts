// What names a LungCAM notebook, for the extension and the CLI alike: the VS Code notebook type
// (package.json contributes.notebooks), the id of the controller that runs its cells, and the Jupyter
// kernelspec that `lungcam jupyter-install` registers and new notebooks name, so a notebook made in VS Code
// runs under Jupyter (nbconvert, JupyterLab) with the same kernel.

export const NOTEBOOK_TYPE = 'lungcam-notebook';

/**
 * The id of a LungCAM controller for a notebook type (LungCAM's own, or Jupyter's when that extension is
 * present): the local kernel's, or the one that runs cells on a connected Jupyter Server.
 */
export function controllerId(notebookType: string, kind: 'local' | 'remote' = 'local'): string {
  return kind === 'local' ? `lungcam-kernel-${notebookType}` : `lungcam-remote-kernel-${notebookType}`;
}

export const KERNELSPEC = { name: 'lungcam', display_name: 'LungCAM (TypeScript)', language: 'typescript' } as const;
