/** A check's figures are JSON: these read them without trusting their shape. */
export type TFigures = Record<string, unknown>;

export const figureRecord = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

export const figureList = (value: unknown): TFigures[] => (Array.isArray(value) ? (value as TFigures[]) : []);
