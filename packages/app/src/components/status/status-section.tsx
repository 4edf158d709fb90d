import type { ReactNode } from 'react';

/**
 * One card of the /status page: a landmark region named by its heading. Every section of the page (chain,
 * relayer, contracts, queue, and the ledger and chart sections still to come) is one of these.
 */
export function StatusSection({
  id,
  title,
  wide = false,
  children,
}: {
  /** Unique on the page; used for the heading id and `data-testid="section-<id>"`. */
  id: string;
  title: string;
  /** Spans the full width of the grid on wide screens. */
  wide?: boolean;
  children: ReactNode;
}) {
  const headingId = `section-${id}-heading`;
  return (
    <section
      className={wide ? 'card card--wide' : 'card'}
      aria-labelledby={headingId}
      data-testid={`section-${id}`}
    >
      <h2 id={headingId} className="card__title">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** A list of label/value pairs inside a section. */
export function Facts({ children }: { children: ReactNode }) {
  return <dl className="facts">{children}</dl>;
}

/** One label/value pair of a Facts list. */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="facts__row">
      <dt className="facts__label">{label}</dt>
      <dd className="facts__value">{children}</dd>
    </div>
  );
}

/** Shown in place of a value the API could not determine. */
export function Unknown({ reason }: { reason: string }) {
  return (
    <span className="muted">
      Unknown <span className="facts__note">({reason})</span>
    </span>
  );
}
