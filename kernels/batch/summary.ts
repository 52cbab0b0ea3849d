/**
 * The batch's summary table, made from the recordings' records in the plan's order (so it is the same
 * whatever ran them): summary.csv, one row a recording — predictions, cycles right against the
 * annotations, attention by band range — and summary.json with the records whole and what the reader
 * skipped. Both written atomically.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { atomicWriteFile } from '../engine/io/atomicWrite';
import { ATTENTION_RANGES_HZ, rangeName, type RecordingRecord } from './explainRecording';
import { outputPaths, type BatchPlan } from './plan';

export interface BatchSummary {
  recordings: number;
  explained: number;
  failed: number;
  skipped: number;
  cycles: number;
  cyclesRight: number;
  csv: string;
  json: string;
}

export function readRecords(plan: BatchPlan, outDir: string): RecordingRecord[] {
  return plan.recordings.map((r) => JSON.parse(readFileSync(outputPaths(outDir, r.name).record, 'utf8')) as RecordingRecord);
}

/** RFC 4180: quoted when it holds a comma, quote or line break. */
function csvField(v: string | number | undefined): string {
  const s = v === undefined ? '' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function summaryCsv(records: RecordingRecord[], classes: string[]): string {
  const ranges = ATTENTION_RANGES_HZ.map(rangeName);
  const header = ['name', 'database', 'patient', 'duration_s', 'label', ...classes.map((c) => `p_${c}`), 'cycles', 'cycles_right', 'cycles_wrong', ...ranges.map((r) => `attention_${r}`), 'error'];
  const rows = records.map((r) => {
    const cycles = r.cycles ?? [];
    const right = cycles.filter((c) => c.right).length;
    return [
      r.name, r.database, r.patient, r.durationSeconds, r.label, ...classes.map((_, i) => r.probabilities?.[i]),
      r.cycles ? cycles.length : undefined, r.cycles ? right : undefined,
      r.cycles ? cycles.filter((c) => !c.right).map((c) => `${c.startSeconds}-${c.endSeconds}s ${c.annotated}→${c.predicted}`).join('; ') : undefined,
      ...ranges.map((name) => r.gradcam?.attentionShare[name]), r.error,
    ].map(csvField).join(',');
  });
  return [header.join(','), ...rows].join('\n') + '\n';
}

export async function writeSummary(plan: BatchPlan, outDir: string): Promise<BatchSummary> {
  const records = readRecords(plan, outDir);
  const classes = records.find((r) => r.classes?.length)?.classes ?? [];
  const csv = path.join(outDir, 'summary.csv');
  const json = path.join(outDir, 'summary.json');
  const cycles = records.flatMap((r) => r.cycles ?? []);
  const summary = {
    dataset: plan.settings.dataset, model: plan.settings.model, what: plan.settings.what, method: plan.settings.method,
    recordings: records.length, failed: records.filter((r) => r.error).length, skipped: plan.skipped.length,
    cycles: cycles.length, cyclesRight: cycles.filter((c) => c.right).length,
    records, skippedRecordings: plan.skipped,
  };
  await atomicWriteFile(csv, summaryCsv(records, classes));
  await atomicWriteFile(json, JSON.stringify(summary, null, 1) + '\n');
  return { recordings: records.length, explained: records.length - summary.failed, failed: summary.failed, skipped: summary.skipped, cycles: summary.cycles, cyclesRight: summary.cyclesRight, csv, json };
}
