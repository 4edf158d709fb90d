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
  const text =
    result.error instanceof ApiError ? describeApiError(result.error).detail : String(result.error);
  return (
    <p className="notice notice--critical" role="alert" data-testid="action-error">
      {text}
    </p>
  );
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
