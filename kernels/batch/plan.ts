/**
 * A batch's plan: every recording of a dataset in a fixed order, cut into shards of `shardSize` recordings,
 * with the options every worker must share. It is written to OUT/batch-plan.json, which is all a worker
 * needs (the CLI on a Dask worker reads it), and read again on a rerun: a rerun with other options
 * into the same folder is refused, so one folder never mixes two batches. A recording is done when its
 * record (OUT/recordings/NAME.json) exists: it is written last and atomically, after its other outputs.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Dataset } from '../engine/data/dataset';
import { LungcamInputError } from '../engine/errors';

export const PLAN_FORMAT = 'lungcam-batch-1';
export const PLAN_FILE = 'batch-plan.json';
export const OUTPUTS = ['classify', 'gradcam', 'features'] as const;
export type BatchOutput = (typeof OUTPUTS)[number];

/** What every worker computes the same way (a rerun must give the same). */
export interface BatchSettings {
  dataset: string;
  model: string;
  what: BatchOutput[];
  method: string;
}

export interface PlannedCycle {
  startSeconds: number;
  endSeconds: number;
  label: string;
}

export interface PlannedRecording {
  name: string;
  wavPath: string;
  database: string;
  patient: string;
  durationSeconds: number;
  /** Annotated cycles or events; empty for a recording without annotations. */
  cycles: PlannedCycle[];
}

export interface BatchPlan {
  format: typeof PLAN_FORMAT;
  settings: BatchSettings;
  shardSize: number;
  recordings: PlannedRecording[];
  skipped: { name: string; reason: string; message: string }[];
}

export function parseOutputs(value: string): BatchOutput[] {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(OUTPUTS as readonly string[]).includes(n));
  if (unknown.length || names.length === 0) {
    throw new LungcamInputError(`--what takes a comma-separated list of ${OUTPUTS.join(', ')} (got "${value}")`, '--what');
  }
  // a fixed order, so "gradcam,classify" and "classify,gradcam" are the same batch
  return OUTPUTS.filter((o) => names.includes(o));
}

export function makePlan(dataset: Dataset, settings: BatchSettings, shardSize: number): BatchPlan {
  const recordings = [...dataset.recordings]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((r) => ({
      name: r.name,
      wavPath: path.resolve(r.wavPath),
      database: r.database,
      patient: r.patientId,
      durationSeconds: r.durationSeconds,
      cycles: r.cycles.map((c) => ({ startSeconds: c.startSeconds, endSeconds: c.endSeconds, label: c.label })),
    }));
  const skipped = dataset.skipped.map((s) => ({ name: s.name, reason: s.reason, message: s.message }));
  return { format: PLAN_FORMAT, settings, shardSize, recordings, skipped };
}

export const shardCount = (plan: BatchPlan) => Math.ceil(plan.recordings.length / plan.shardSize);

export function shardRecordings(plan: BatchPlan, shard: number): PlannedRecording[] {
  if (!Number.isInteger(shard) || shard < 0 || shard >= shardCount(plan)) {
    throw new LungcamInputError(`no shard ${shard}: the plan has shards 0–${shardCount(plan) - 1}`, '--shard');
  }
  return plan.recordings.slice(shard * plan.shardSize, (shard + 1) * plan.shardSize);
}

/** Where a recording's outputs go (names are unique in a dataset: the reader skips a second one). */
export function outputPaths(outDir: string, name: string) {
  const dir = path.join(outDir, 'recordings');
  return {
    dir,
    record: path.join(dir, `${name}.json`),
    features: path.join(dir, `${name}.features.npy`),
    gradcam: path.join(dir, `${name}.gradcam.npy`),
  };
}

export const isDone = (outDir: string, name: string) => existsSync(outputPaths(outDir, name).record);

/** Shards with a recording not done yet. */
export function shardsToDo(plan: BatchPlan, outDir: string): number[] {
  const todo: number[] = [];
  for (let s = 0; s < shardCount(plan); s++) if (shardRecordings(plan, s).some((r) => !isDone(outDir, r.name))) todo.push(s);
  return todo;
}

export function readPlan(planPath: string): BatchPlan {
  let plan: BatchPlan;
  try {
    plan = JSON.parse(readFileSync(planPath, 'utf8')) as BatchPlan;
  } catch (e) {
    throw new LungcamInputError(`cannot read the batch plan (${(e as Error).message.split('\n')[0]})`, planPath);
  }
  if (plan?.format !== PLAN_FORMAT) throw new LungcamInputError(`not a LungCAM batch plan (format ${String(plan?.format)}, expected ${PLAN_FORMAT})`, planPath);
  return plan;
}

/** Refuses to mix two batches in one folder; names the option that differs. */
export function checkSameBatch(previous: BatchSettings, now: BatchSettings, outDir: string): void {
  for (const key of ['dataset', 'model', 'what', 'method'] as const) {
    const was = JSON.stringify(previous[key]);
    if (was !== JSON.stringify(now[key])) {
      throw new LungcamInputError(
        `holds a batch made with ${key} ${was}, not ${JSON.stringify(now[key])}: rerun with the same options to resume it, or give another --out`,
        outDir,
      );
    }
  }
}
