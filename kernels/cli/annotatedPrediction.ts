/**
 * The classification every view command starts from: the recording's annotations (NAME.txt or NAME.json
 * beside it, if any; their warnings on stderr) and the model's verdicts on the whole recording and on each
 * annotated cycle — so `classify`, `gradcam` and `view` report one set of numbers and one cycle lane.
 */
import type { LogMel } from '../engine/types';
import type { LoadedModel } from '../engine/model/modelIO';

export async function annotatedPrediction(loaded: LoadedModel, logMel: LogMel, wav: string) {
  const { readRecordingAnnotations } = await import('../engine/data/annotations');
  const { classifyLogMel } = await import('../engine/model/classify');
  const truth = readRecordingAnnotations(wav, { durationSeconds: logMel.source?.durationSeconds });
  for (const w of truth?.warnings ?? []) process.stderr.write(`lungcam: warning: ${w}\n`);
  return classifyLogMel(loaded, logMel, truth);
}
