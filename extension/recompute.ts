/**
 * Computing the renderer's outputs for a WAV in a child process (`lungcam view`). The requestId that
 * lets a CAM view ask for them again with another method (`lungcam-view:` + base64url of { wav, model },
 * opaque to the renderer) is shared with the engine, which gives notebook outputs one too.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { CamOutput, PredictionsOutput, SpectrogramOutput } from '../kernels/shared/outputTypes';
import { backendSetting, runCli } from './cliRunner';
import { encodeRequestId, type ViewSource } from '../kernels/shared/requestId';
import { viewArgs } from './viewArgs';

export interface ViewOutputs {
  spectrogram: SpectrogramOutput;
  predictions: PredictionsOutput;
  cam: CamOutput;
}

export { encodeRequestId, decodeRequestId, type ViewSource } from '../kernels/shared/requestId';

export type ComputeResult = { ok: true; outputs: ViewOutputs } | { ok: false; message: string; cancelled: boolean };

export interface ComputeViewOptions {
  method?: string;
  /** A band cutoff to show (a family's rung there, else the what-if); `only`: not the family's other rungs. */
  bandCutoff?: { hz: number; only?: boolean };
  token?: vscode.CancellationToken;
  onLine?: (l: string) => void;
  requestId?: string;
}

export async function computeView(source: ViewSource, o: ComputeViewOptions = {}): Promise<ComputeResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lungcam-view-'));
  try {
    const out = path.join(dir, 'view.json');
    const built = viewArgs(source, out, { method: o.method || undefined, bandCutoffHz: o.bandCutoff?.hz, onlyCutoff: o.bandCutoff?.only, requestId: o.requestId ?? encodeRequestId(source), backend: backendSetting() });
    if ('refused' in built) return { ok: false, message: built.refused, cancelled: false };
    const r = await runCli(built.args, { token: o.token, onLine: o.onLine, cwd: path.dirname(source.wav) });
    if (r.cancelled) return { ok: false, message: 'cancelled', cancelled: true };
    if (r.code !== 0) return { ok: false, message: r.message || `lungcam view exited with ${r.code}`, cancelled: false };
    return { ok: true, outputs: JSON.parse(readFileSync(out, 'utf8')) as ViewOutputs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
