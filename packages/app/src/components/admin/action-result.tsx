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

/** Runs an admin action and reports its outcome through `report`. */
export async function runAction(
  report: (result: TActionResult) => void,
  action: () => Promise<string>,
): Promise<void> {
  try {
    report({ ok: true, text: await action() });
  } catch (error) {
    report({ ok: false, error });
  }
}
