/** Where results on the real databases are reported, they cite them (../shared/realdata/README.md). */
const CITATIONS: Record<string, string> = {
  icbhi: 'ICBHI 2017: Rocha et al., "An open access database for the evaluation of respiratory sound classification algorithms", Physiological Measurement 40(3), 2019.',
  sprsound: 'SPRSound: Zhang et al., "SPRSound: Open-Source SJTU Paediatric Respiratory Sound Database", IEEE TBioCAS 16(5), 2022.',
};

/** The citations of the databases named (unknown names, e.g. synthetic, have none). */
export function databaseCitations(databases: readonly string[]): string {
  return databases.filter((d) => CITATIONS[d]).map((d) => CITATIONS[d]).join(' ');
}
