/**
 * A programmer's mistake (STYLE.md, "Errors"): a broken invariant or a limit set against its own
 * relationships. Never caught and never mapped to a status: it surfaces as a 500, in the logs and in Sentry.
 * Written here rather than taken from `node:assert` because the app (a browser bundle) asserts too.
 */
export class AssertionFailed extends Error {
  override name = 'AssertionFailed';
}

/** Throws AssertionFailed with `message` when `condition` is falsy; narrows `condition` for the code after it. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionFailed(message);
}
