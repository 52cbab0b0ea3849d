/**
 * A CAM view's recomputation request, checked. Its values come from a notebook output (a requestId) and
 * from a renderer message, i.e. from a file anyone could have written: each is checked before it reaches
 * the engine or a command line. On a command line (`lungcam view`, run by a kernel on a Jupyter Server)
 * options are given as `--name=value` (a value can never be taken for another option) and the recording
 * comes after `--` (it can never be taken for an option).
 */
import { isRequestId, type ViewSource } from './requestId';

export interface ViewRequest {
  method?: unknown;
  /** The band cutoff to compute (a family's member there, else the what-if). */
  bandCutoffHz?: unknown;
  /** Only that cutoff, not a family's other members (the view has them). */
  onlyCutoff?: boolean;
  requestId?: unknown;
}

export interface CheckedViewRequest {
  method?: string;
  bandCutoffHz?: number;
  onlyCutoff?: boolean;
  requestId?: string;
}

/** The request's values, or a one-line reason it is refused (the engine checks them against the model). */
export function checkViewRequest(o: ViewRequest): CheckedViewRequest | { refused: string } {
  const checked: CheckedViewRequest = {};
  if (o.requestId !== undefined) {
    if (!isRequestId(o.requestId)) return { refused: 'the output names its recording in a form LungCAM does not make' };
    checked.requestId = o.requestId;
  }
  if (o.method !== undefined) {
    // a name's shape only: the engine checks it is one of its methods
    if (typeof o.method !== 'string' || !/^[a-z][a-z+]{0,19}$/.test(o.method)) return { refused: 'the CAM method is not a method name' };
    checked.method = o.method;
  }
  if (o.bandCutoffHz !== undefined && o.bandCutoffHz !== null) {
    if (typeof o.bandCutoffHz !== 'number' || !Number.isFinite(o.bandCutoffHz) || o.bandCutoffHz <= 0) return { refused: 'the band cutoff is not a positive number of Hz' };
    checked.bandCutoffHz = o.bandCutoffHz;
    if (o.onlyCutoff) checked.onlyCutoff = true;
  }
  return checked;
}

/** The `lungcam view` arguments, or a one-line reason the request is refused. */
export function viewArgs(source: ViewSource, out: string, o: ViewRequest & { backend: string }): { args: string[] } | { refused: string } {
  const checked = checkViewRequest(o);
  if ('refused' in checked) return checked;
  const args = ['view', `--model=${source.model}`, `--out=${out}`, `--backend=${o.backend}`];
  if (checked.requestId !== undefined) args.push(`--request-id=${checked.requestId}`);
  if (checked.method !== undefined) args.push(`--method=${checked.method}`);
  if (checked.bandCutoffHz !== undefined) {
    args.push(`--cutoff=${checked.bandCutoffHz}`);
    if (checked.onlyCutoff) args.push('--only-cutoff');
  }
  args.push('--', source.wav);
  return { args };
}
