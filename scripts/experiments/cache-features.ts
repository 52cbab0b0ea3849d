/** Fills the log-mel cache (.bench/cache) for every real recording: the seed recipe and YAMNet's. */
import { cachedLogMel, realRecordings } from './lib/realData';

const RECIPES = [{ fmin: 100, fmax: 2000, bands: 64 }, { fmin: 125, fmax: 7500, bands: 64 }];

async function main() {
  const recs = realRecordings();
  const t0 = Date.now();
  for (const p of RECIPES) {
    for (const r of recs) await cachedLogMel(r, p);
    console.log(`${p.fmin}-${p.fmax}: ${recs.length} recordings, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
}
main();
