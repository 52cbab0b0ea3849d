/**
 * Worker thread of `lungcam synth`: renders recordings by index and hands back their files (the WAV
 * bytes transferred, not copied). Every recording depends only on the seed and its index, so the corpus
 * is the same bytes whichever thread makes which recording.
 */
import { parentPort } from 'node:worker_threads';
import type { SynthOptions } from './plan';
import { renderCorpusRecording, type RecordingFiles } from './synth';

export interface SynthJob {
  id: number;
  opts: SynthOptions;
  index: number;
}

export type SynthResult = { id: number; files: RecordingFiles } | { id: number; error: string };

parentPort?.on('message', (job: SynthJob) => {
  try {
    const files = renderCorpusRecording(job.opts, job.index);
    const wav = files.wav.buffer as ArrayBuffer;
    parentPort?.postMessage({ id: job.id, files } satisfies SynthResult, [wav]);
  } catch (e) {
    parentPort?.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) } satisfies SynthResult);
  }
});
