// node:test reporter that writes {passed, failed, skipped} for the leaf tests of a run as JSON;
// scripts/test-all.mjs sums these files into the final `N passed, N failed` line.
export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for await (const event of source) {
    const d = event.data ?? {};
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (d.details?.type === 'suite') {
      // A suite that fails outside its tests (a hook, a load error) still counts as one failure.
      if (event.type === 'test:fail' && d.details?.error?.failureType !== 'subtestsFailed') {
        counts.failed++;
        counts.failures.push(d.name);
      }
      continue;
    }
    if (event.type === 'test:pass') {
      if (d.skip || d.todo) counts.skipped++;
      else counts.passed++;
    } else {
      counts.failed++;
      counts.failures.push(d.name);
    }
  }
  yield JSON.stringify(counts) + '\n';
}
