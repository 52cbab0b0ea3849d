/**
 * A CAM view's recomputation (another method, or the what-if at a band cutoff) inside the notebook's
 * kernel, for a kernel that runs on another machine (a Jupyter Server): the request names the recording
 * and model by their paths there, so only the kernel's side can read them. Runs `lungcam view` (the
 * outputs the warm engine gives locally), its values checked (kernels/shared/viewArgs.ts), in a child
 * process of the kernel (the kernel's memory stays as the cells left it), and shows the new CAM output
 * (MIME only) into the running execution, where the extension picks it up.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findPackageRoot } from '../../client/packageRoot';
import { LungcamInputError } from '../errors';
import { decodeRequestId } from '../../shared/requestId';
import { viewArgs } from '../../shared/viewArgs';
import { show } from './display';
import type { CamOutput } from '../../shared/outputTypes';

export interface ViewRecomputation {
  requestId: string;
  method?: string;
  /** The what-if at this band cutoff (only it: the view has the rest). */
  bandCutoffHz?: number;
  backend?: string;
}

export async function showRecomputedView(request: ViewRecomputation): Promise<void> {
  const source = decodeRequestId(request.requestId);
  if (!source) throw new LungcamInputError('this output does not name its recording and model', 'requestId');
  const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-view-'));
  try {
    const out = path.join(dir, 'view.json');
    const cli = path.join(findPackageRoot(__dirname), 'dist', 'kernels', 'cli.js');
    const built = viewArgs(source, out, { ...request, onlyCutoff: true, backend: request.backend ?? 'auto' });
    if ('refused' in built) throw new LungcamInputError(built.refused, 'requestId');
    await new Promise<void>((resolve, reject) => {
      execFile(process.execPath, [cli, ...built.args], { cwd: path.dirname(source.wav), maxBuffer: 16 << 20 }, (error, _stdout, stderr) => {
        if (!error) return resolve();
        const lines = String(stderr).split('\n').filter((l) => l.startsWith('lungcam: ') && !l.startsWith('lungcam: warning:'));
        reject(new LungcamInputError((lines.pop() ?? error.message).replace(/^lungcam: /, ''), source.wav));
      });
    });
    const { cam } = JSON.parse(readFileSync(out, 'utf8')) as { cam: CamOutput };
    show(cam, { png: false });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
