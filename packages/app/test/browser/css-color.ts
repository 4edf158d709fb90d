/** An sRGB colour with channels 0–255 and alpha 0–1, as `getComputedStyle` reports it. */
export interface TRgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

/**
 * Parses a computed CSS colour (`rgb(107, 33, 168)` or `rgba(0, 0, 0, 0)`); Chromium reports every sRGB
 * colour in one of these two forms. Anything else throws, so a test never silently compares nonsense.
 */
export function parseComputedColor(value: string): TRgba {
  const match = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+))?\s*\)$/.exec(
    value.trim(),
  );
  if (match === null) throw new Error(`not an rgb()/rgba() colour: "${value}"`);
  const [, r, g, b, a] = match;
  return { r: Number(r), g: Number(g), b: Number(b), a: a === undefined ? 1 : Number(a) };
}

/** Hue in degrees (0–360), saturation and lightness (0–1) of an sRGB colour. */
export function toHsl({ r, g, b }: TRgba): { h: number; s: number; l: number } {
  const [rn, gn, bn] = [r / 255, g / 255, b / 255];
  const max = Math.max(rn, gn, bn);
  const min = Math.min(rn, gn, bn);
  const l = (max + min) / 2;
  const d = max - min;
  if (d === 0) return { h: 0, s: 0, l };
  const s = d / (1 - Math.abs(2 * l - 1));
  let h: number;
  if (max === rn) h = ((gn - bn) / d) % 6;
  else if (max === gn) h = (bn - rn) / d + 2;
  else h = (rn - gn) / d + 4;
  return { h: (h * 60 + 360) % 360, s, l };
}

/**
 * Whether a colour reads as purple: an opaque, clearly saturated colour with a hue between violet and
 * magenta (260°–300°). Blue (~220°) and pink (~330°) are not purple.
 */
export function isPurple(color: TRgba): boolean {
  const { h, s, l } = toHsl(color);
  return color.a > 0.5 && s >= 0.3 && l >= 0.15 && l <= 0.75 && h >= 260 && h <= 300;
}

function relativeLuminance({ r, g, b }: TRgba): number {
  const channel = (value: number) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** The WCAG 2 contrast ratio of two opaque colours, from 1 (none) to 21 (black on white). */
export function contrastRatio(foreground: TRgba, background: TRgba): number {
  const [lighter, darker] = [relativeLuminance(foreground), relativeLuminance(background)].sort(
    (x, y) => y - x,
  );
  return ((lighter ?? 0) + 0.05) / ((darker ?? 0) + 0.05);
}
