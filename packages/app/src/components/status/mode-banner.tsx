import type { TMode } from '@sge/shared';

/** What each mode is called on screen and what it means (SPEC §2). */
export const MODE_PRESENTATION: Readonly<Record<TMode, { label: string; description: string }>> = {
  MOCK: {
    label: 'Mock',
    description: 'Embedded database, in-process queue and a local chain with test funds only.',
  },
  REAL: {
    label: 'Real',
    description: 'PostgreSQL, Redis and the chain behind the configured RPC endpoint.',
  },
  PRODUCTION: {
    label: 'Production',
    description: 'Live deployment: transactions on the configured chain are real.',
  },
};

/**
 * The mode the platform runs in, impossible to miss: Mock (amber), Real (purple), Production (dark blue).
 * `data-mode` carries the raw mode for tests and tooling.
 */
export function ModeBanner({ mode }: { mode: TMode }) {
  const { label, description } = MODE_PRESENTATION[mode];
  return (
    <div
      className={`mode-banner mode-banner--${mode.toLowerCase()}`}
      data-testid="mode-banner"
      data-mode={mode}
    >
      <p className="mode-banner__eyebrow">Mode</p>
      <p className="mode-banner__label" data-testid="mode-label">
        {label}
      </p>
      <p className="mode-banner__description">{description}</p>
    </div>
  );
}
