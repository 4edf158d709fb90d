import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium package (`apt-get install -y chromium`); CI installs it the same way. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Starts headless Chromium with a fresh profile and nothing running in the background (no sync, updates or
 * prefetching), so tests see only the traffic they cause.
 *
 * @example
 * const browser = await launchBrowser();
 * const page = await browser.newPage();
 */
export async function launchBrowser(): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
