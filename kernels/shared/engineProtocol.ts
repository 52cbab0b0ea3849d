/**
 * The warm engine's request protocol: the extension (extension/engineClient.ts) asks a long-lived engine
 * process (kernels/engineServer/) for view outputs over Node's IPC channel; the process keeps the model
 * and the recording's features loaded between requests. Plain data only. A new kind of request is one
 * entry in EngineCalls and one handler in kernels/engineServer/handlers.ts.
 */
import type { CamMap, CamOutput, CutoffInfo, CutoffRung, PredictionsOutput, SpectrogramOutput } from './outputTypes';
import type { BandCutoffHz } from './cutoff';

/** Everything one view of a recording needs (`lungcam view`, Quick Analysis). */
export interface ViewOutputs {
  spectrogram: SpectrogramOutput;
  predictions: PredictionsOutput;
  cam: CamOutput;
  /** The band cutoff the view opens at, the model that answers it and how (the family it came from). */
  cutoff?: Pick<CutoffInfo, 'bandCutoffHz' | 'cutoffMode' | 'modelId' | 'maskFill'> & { family?: string };
}

/** A recording analysed with a model folder or a model family folder (absolute paths). */
export interface RecordingRef {
  wav: string;
  model: string;
}

export interface EngineStatus {
  pid: number;
  rssMB: number;
  /** The peak resident size so far (Linux; else the current one), and what the JavaScript heap and the wasm heap hold now. */
  peakRssMB: number;
  jsHeapMB: number;
  wasmHeapMB: number;
  backend: string;
  /** Recordings whose features are held, most recent first. */
  recordings: string[];
  models: string[];
}

/** Each kind of request: what it takes and what it answers. */
export interface EngineCalls {
  /** Quick Analysis: spectrogram, predictions and the CAM of every layer × class that fits (a family's every member). */
  analyse: { params: RecordingRef & { method: string; requestId?: string }; result: ViewOutputs };
  /** The CAM view again with another method (the view's method dropdown, its re-run). */
  recompute: { params: RecordingRef & { method: string; requestId?: string }; result: CamOutput };
  /** The occlusion what-if at a band cutoff no precomputed rung answers: the model with the bands above masked. */
  cutoffWhatIf: { params: RecordingRef & { method: string; bandCutoffHz: number }; result: CutoffRung };
  /**
   * One layer's maps (every class) that the view's output left out, fetched when the user picks it; for
   * the output's own cutoff (`bandCutoffHz`, absent: the model's or the family's widest member's own).
   */
  camLayer: { params: RecordingRef & { method: string; layer: string; bandCutoffHz?: BandCutoffHz }; result: Record<string, CamMap> };
  status: { params: Record<string, never>; result: EngineStatus };
}

export type EngineKind = keyof EngineCalls;

export interface EngineRequest<K extends EngineKind = EngineKind> {
  type: 'request';
  id: number;
  kind: K;
  params: EngineCalls[K]['params'];
}

/** Extension → engine: a request, or the cancellation of one. */
export type EngineInbound = EngineRequest | { type: 'cancel'; id: number };

/** Engine → extension. `badInput`: the user's input is wrong (the message says what to do), not the engine. */
export type EngineOutbound =
  | { type: 'ready'; backend: string }
  | { type: 'progress'; id: number; step: string; done?: number }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string; badInput: boolean; cancelled: boolean };
