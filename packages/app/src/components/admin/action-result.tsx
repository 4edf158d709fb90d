import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, describeApiError } from '../../api/api-error';

/** What the last admin action did: a short confirmation, or the API's error in words. */
export type TActionResult = { ok: true; text: string } | { ok: false; error: unknown } | null;

export function ActionResult({ result }: { result: TActionResult }) {
  if (result === null) return null;
  if (result.ok) {
    return (
      <p className="notice" role="status" data-testid="action-ok">
        {result.text}
      </p>
    );
  }
  const text = errorText(result.error);
  return (
    <p className="notice notice--critical" role="alert" data-testid="action-error">
      {text}
    </p>
  );
}

/** An action's error in words: the API's explanation (with its code), or the error's message. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return describeApiError(error).detail;
  return error instanceof Error ? error.message : String(error);
}

/**
 * An admin action as a TanStack Query mutation: `run` answers the sentence to show when it succeeds; the
 * queries under `invalidates` are read again whatever the outcome. `isPending` disables its buttons.
 *
 * @example
 * const pause = useAdminAction(async (id: string) => { await adminClient.setProgramPaused(id, true); return 'Paused.'; });
 */
export function useAdminAction<TInput = void>(
  run: (input: TInput) => Promise<string>,
  invalidates: QueryKey = ['admin'],
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => queryClient.invalidateQueries({ queryKey: invalidates }),
  });
}

type TActionState = { status: string; data?: string | undefined; error: unknown; submittedAt: number };

/** The outcome of the most recently started of `actions` (idle ones are ignored). */
export function latestResult(actions: readonly TActionState[]): TActionResult {
  const latest = actions
    .filter((action) => action.status === 'success' || action.status === 'error')
    .sort((a, b) => b.submittedAt - a.submittedAt)[0];
  if (latest === undefined) return null;
  return latest.status === 'success'
    ? { ok: true, text: latest.data ?? '' }
    : { ok: false, error: latest.error };
}
