// What names a LungCAM notebook, for the extension and the CLI alike: the VS Code notebook type
// (package.json contributes.notebooks), the id of the controller that runs its cells, and the Jupyter
// kernelspec that `lungcam jupyter-install` registers and new notebooks name, so a notebook made in VS Code
// runs under Jupyter (nbconvert, JupyterLab) with the same kernel.

export const NOTEBOOK_TYPE = 'lungcam-notebook';

/** The LungCAM controller of a notebook type (LungCAM's own, or Jupyter's when that extension is present). */
export function controllerId(notebookType: string): string {
  return `lungcam-kernel-${notebookType}`;
}

export const KERNELSPEC = { name: 'lungcam', display_name: 'LungCAM (TypeScript)', language: 'typescript' } as const;
