import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** The phone-sized viewport the page tests use (mobile first). */
export const MOBILE_VIEWPORT = { width: 390, height: 844 } as const;

/**
 * Runs `use` on `page` opened at `url`, the one way every browser test drives a page: an uncaught error in
 * the page fails the test, a failure carries the API's log output, and the page (or, with `close`, its
 * context) is closed whatever happens.
 *
 * @example
 * await withOpenPage(await browser.newPage(), { url: `${app.url}/status`, apiOutput: () => api.output() }, async () => {});
 */
export async function withOpenPage(
  page: Page,
  options: {
    url: string;
    apiOutput?: () => string | undefined;
    initScript?: string;
    close?: () => Promise<void>;
  },
  use: () => Promise<void>,
): Promise<void> {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  try {
    if (options.initScript !== undefined) await page.addInitScript(options.initScript);
    await page.goto(options.url);
    await use();
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  } catch (error) {
    const output = options.apiOutput?.();
    if (output !== undefined && error instanceof Error) error.message += `\n\nAPI output:\n${output}`;
    throw error;
  } finally {
    await (options.close ?? (() => page.close()))();
  }
}
