import type { TMode } from '@sge/shared';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { contrastRatio, isPurple, parseComputedColor } from './css-color';

/** What the banner must say in each mode (SPEC §2). */
const MODE_LABELS: Readonly<Record<TMode, string>> = { MOCK: 'Mock', REAL: 'Real', PRODUCTION: 'Production' };

/**
 * Asserts the /status page's mode banner: visible, `data-mode` = `mode`, labelled "Mock", "Real" or
 * "Production", readable (text contrast at least 4.5:1), and purple exactly when the mode is REAL.
 * Waits up to `timeoutMs` for the banner, which appears once the first status response has arrived.
 *
 * @example
 * await page.goto(`${app.url}/status`);
 * await expectModeBanner(page, 'REAL');
 */
export async function expectModeBanner(page: Page, mode: TMode, timeoutMs = 30_000): Promise<void> {
  const banner = page.getByTestId('mode-banner');
  await banner.waitFor({ state: 'visible', timeout: timeoutMs });

  expect(await banner.getAttribute('data-mode')).toBe(mode);
  expect((await banner.getByTestId('mode-label').textContent())?.trim()).toBe(MODE_LABELS[mode]);

  const style = await banner.evaluate((element) => {
    const computed = getComputedStyle(element);
    return { background: computed.backgroundColor, text: computed.color };
  });
  const background = parseComputedColor(style.background);
  const text = parseComputedColor(style.text);
  expect(
    isPurple(background),
    `the ${mode} banner's background ${style.background} is ${mode === 'REAL' ? 'not ' : ''}purple`,
  ).toBe(mode === 'REAL');
  expect(
    contrastRatio(text, background),
    `banner text ${style.text} on ${style.background}`,
  ).toBeGreaterThanOrEqual(4.5);
}
