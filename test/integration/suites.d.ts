// Generated at build time by scripts/lib/integration-suites-plugin.mjs: every
// test/integration/**/*.test.ts, each loaded (its describe()/it() calls run) by load().
declare module 'lungcam:integration-suites' {
  const suites: { file: string; load: () => unknown }[];
  export = suites;
}
