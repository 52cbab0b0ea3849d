/**
 * The `lungcam view` command line for a recomputation. Its values come from a notebook output (a
 * requestId) and from a renderer message, i.e. from a file anyone could have written: each is checked,
 * options are given as `--name=value` (a value can never be taken for another option), and the recording
 * comes after `--` (it can never be taken for an option).
 */
import { isRequestId, type ViewSource } from '../kernels/shared/requestId';

export interface ViewRequest {
  method?: unknown;
  /** The band cutoff to compute (a family's member there, else the what-if). */
  bandCutoffHz?: unknown;
  /** Only that cutoff, not a family's other members (the view has them). */
  onlyCutoff?: boolean;
  requestId?: unknown;
  backend: string;
}

/** The arguments, or a one-line reason the request is refused. */
export function viewArgs(source: ViewSource, out: string, o: ViewRequest): { args: string[] } | { refused: string } {
  const args = ['view', `--model=${source.model}`, `--out=${out}`, `--backend=${o.backend}`];
  if (o.requestId !== undefined) {
    if (!isRequestId(o.requestId)) return { refused: 'the output names its recording in a form LungCAM does not make' };
    args.push(`--request-id=${o.requestId}`);
  }
  if (o.method !== undefined) {
    // a name's shape only: the CLI checks it is one of its methods (exit 2 and its list otherwise)
    if (typeof o.method !== 'string' || !/^[a-z][a-z+]{0,19}$/.test(o.method)) return { refused: 'the CAM method is not a method name' };
    args.push(`--method=${o.method}`);
  }
  if (o.bandCutoffHz !== undefined && o.bandCutoffHz !== null) {
    if (typeof o.bandCutoffHz !== 'number' || !Number.isFinite(o.bandCutoffHz) || o.bandCutoffHz <= 0) return { refused: 'the band cutoff is not a positive number of Hz' };
    args.push(`--cutoff=${o.bandCutoffHz}`);
    if (o.onlyCutoff) args.push('--only-cutoff');
  }
  args.push('--', source.wav);
  return { args };
}
