/**
 * Draws the app icons: public/favicon.svg and the PNGs the web manifest and iOS need, rendered from the
 * same SVG by headless Chromium (the browser the browser tests use). Run after changing the design:
 *
 *   npx tsx packages/app/scripts/generate-icons.ts
 *
 * The mark is a white hexagon (a token) around a dot (an identity) on indigo. The maskable variant fills
 * the whole square and keeps the mark inside the central 80% safe zone, so launchers may crop it to any shape.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../test/browser/chromium';

const BRAND_BG = '#3730a3';
const MARK = '#ffffff';

/** A pointy-top hexagon around (256, 256) with circumradius 160, in a 512 × 512 view box. */
const HEXAGON_POINTS = '256,96 394.56,176 394.56,336 256,416 117.44,336 117.44,176';

function iconSvg(shape: 'rounded' | 'square'): string {
  const background =
    shape === 'rounded'
      ? `<rect width="512" height="512" rx="112" fill="${BRAND_BG}"/>`
      : `<rect width="512" height="512" fill="${BRAND_BG}"/>`;
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" role="img" aria-label="SGE">',
    '<title>SGE</title>',
    background,
    `<polygon points="${HEXAGON_POINTS}" fill="none" stroke="${MARK}" stroke-width="40" stroke-linejoin="round"/>`,
    `<circle cx="256" cy="256" r="52" fill="${MARK}"/>`,
    '</svg>',
    '',
  ].join('\n');
}

const PNG_ICONS = [
  { file: 'icon-192.png', size: 192, shape: 'rounded' },
  { file: 'icon-512.png', size: 512, shape: 'rounded' },
  { file: 'icon-maskable-512.png', size: 512, shape: 'square' },
  // iOS draws its own rounded corners and fills transparency with black, so it gets the square variant.
  { file: 'apple-touch-icon.png', size: 180, shape: 'square' },
] as const;

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));

async function main(): Promise<void> {
  await writeFile(`${publicDir}favicon.svg`, iconSvg('rounded'));
  const browser = await launchBrowser();
  try {
    for (const icon of PNG_ICONS) {
      const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size } });
      const src = `data:image/svg+xml;base64,${Buffer.from(iconSvg(icon.shape)).toString('base64')}`;
      await page.setContent(
        `<html><body style="margin:0;background:transparent"><img src="${src}" width="${icon.size}" height="${icon.size}" style="display:block"></body></html>`,
      );
      await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
      await page.screenshot({ path: `${publicDir}${icon.file}`, omitBackground: true });
      await page.close();
      console.log(`wrote public/${icon.file} (${icon.size} × ${icon.size})`);
    }
  } finally {
    await browser.close();
  }
}

await main();
