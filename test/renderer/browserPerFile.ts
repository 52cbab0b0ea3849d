// One Chromium per renderer test file: launched before its tests (with the screenshots' folder made),
// closed after them.
import { after, before } from 'node:test';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, launch } from './harness';

/** Registers the file's before/after hooks; the returned function gives the browser inside a test. */
export function browserPerFile(): () => Browser {
  let browser: Browser | undefined;
  before(async () => {
    browser = await launch();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is not launched: call browserPerFile() at the top of a test file');
    return browser;
  };
}
