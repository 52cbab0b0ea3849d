/**
 * What the warm engine keeps between requests: loaded models (by folder, reloaded when its files change)
 * and recordings' log-mels (by file, size, modification time and feature parameters), the most recent
 * first, within a memory budget (the latest one is always kept, whatever its size).
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { logMelFromFile } from '../engine/audio/features';
import { loadModel, type LoadedModel } from '../engine/model/modelIO';
import type { FeatureParams, LogMel } from '../engine/types';

/** Log-mel bytes held for recent recordings besides the latest (a 20 s recording is 0.5 MB, an hour 92 MB). */
export const FEATURE_CACHE_BYTES = 64 * 1024 * 1024;

const stamp = (file: string) => {
  const st = statSync(file);
  return `${st.size}:${st.mtimeMs}`;
};

/** A recording's log-mel and what was odd about reading it. */
type RecordingFeatures = LogMel & { warnings: string[] };

export class EngineCache {
  private readonly models = new Map<string, { stamp: string; loaded: Promise<LoadedModel> }>();
  private features: Array<{ key: string; wav: string; logMel: RecordingFeatures }> = [];

  async model(dir: string): Promise<LoadedModel> {
    const key = path.resolve(dir);
    const now = stamp(path.join(key, 'model.json')) + stamp(path.join(key, 'metadata.json'));
    const held = this.models.get(key);
    if (held && held.stamp === now) return held.loaded;
    const loaded = loadModel(key);
    this.models.set(key, { stamp: now, loaded });
    loaded.catch(() => this.models.delete(key));
    return loaded;
  }

  /** The recording's log-mel with these feature parameters (a family's: the full band every member reads). */
  async logMel(wav: string, params: FeatureParams): Promise<RecordingFeatures> {
    const file = path.resolve(wav);
    const key = `${file}\u0000${stamp(file)}\u0000${JSON.stringify(params)}`;
    const held = this.features.find((f) => f.key === key);
    if (held) {
      this.features = [held, ...this.features.filter((f) => f !== held)];
      return held.logMel;
    }
    const logMel = await logMelFromFile(file, params);
    let bytes = 0;
    this.features = [{ key, wav: file, logMel }, ...this.features.filter((f) => f.wav !== file)].filter((f, i) => {
      bytes += i === 0 ? 0 : f.logMel.data.byteLength;
      return i === 0 || bytes <= FEATURE_CACHE_BYTES;
    });
    return logMel;
  }

  recordings(): string[] {
    return this.features.map((f) => f.wav);
  }

  modelFolders(): string[] {
    return [...this.models.keys()];
  }
}
