import { describe, expect, it } from 'vitest';
import { contrastRatio, isPurple, parseComputedColor, toHsl } from './css-color';

describe('parseComputedColor', () => {
  it('reads rgb() and rgba() as Chromium reports them', () => {
    expect(parseComputedColor('rgb(107, 33, 168)')).toEqual({ r: 107, g: 33, b: 168, a: 1 });
    expect(parseComputedColor('rgba(0, 0, 0, 0)')).toEqual({ r: 0, g: 0, b: 0, a: 0 });
    expect(parseComputedColor('rgb(1 2 3 / 0.5)')).toEqual({ r: 1, g: 2, b: 3, a: 0.5 });
  });

  it('refuses anything else', () => {
    expect(() => parseComputedColor('purple')).toThrow(/not an rgb/);
    expect(() => parseComputedColor('oklch(0.5 0.2 300)')).toThrow(/not an rgb/);
  });
});

describe('isPurple', () => {
  it('accepts the Real banner purple and other purples', () => {
    expect(toHsl(parseComputedColor('rgb(107, 33, 168)')).h).toBeCloseTo(273, 0);
    expect(isPurple(parseComputedColor('rgb(107, 33, 168)'))).toBe(true);
    expect(isPurple(parseComputedColor('rgb(128, 0, 128)'))).toBe(true);
    expect(isPurple(parseComputedColor('rgb(124, 58, 237)'))).toBe(true);
  });

  it('rejects the other banners, blue, pink, grey and transparent', () => {
    expect(isPurple(parseComputedColor('rgb(254, 243, 199)'))).toBe(false); // Mock amber
    expect(isPurple(parseComputedColor('rgb(12, 74, 110)'))).toBe(false); // Production blue
    expect(isPurple(parseComputedColor('rgb(37, 99, 235)'))).toBe(false);
    expect(isPurple(parseComputedColor('rgb(236, 72, 153)'))).toBe(false);
    expect(isPurple(parseComputedColor('rgb(128, 128, 128)'))).toBe(false);
    expect(isPurple(parseComputedColor('rgba(107, 33, 168, 0)'))).toBe(false);
  });
});

describe('contrastRatio', () => {
  const white = parseComputedColor('rgb(255, 255, 255)');
  const black = parseComputedColor('rgb(0, 0, 0)');

  it('spans 1:1 to 21:1 and does not depend on the order of the colours', () => {
    expect(contrastRatio(black, white)).toBeCloseTo(21, 5);
    expect(contrastRatio(white, black)).toBeCloseTo(21, 5);
    expect(contrastRatio(white, white)).toBeCloseTo(1, 5);
  });

  it('gives white on the Real banner purple more than the 4.5:1 WCAG AA asks for', () => {
    expect(contrastRatio(white, parseComputedColor('rgb(107, 33, 168)'))).toBeGreaterThan(4.5);
  });
});
