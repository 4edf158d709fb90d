import { assert } from '@sge/shared';
/**
 * Bounds of the intent archive (`npm run archive`). Checked when this module loads.
 */

/** Intents read per export query, and rows deleted per database transaction once the file is verified. */
export const ARCHIVE_BATCH_SIZE = 1_000;
/** Most intents one run exports (100 batches); run it again to archive more. */
export const ARCHIVE_INTENTS_PER_RUN_MAX = 100_000;
/** The youngest an archived intent may be, in days: recent intents are still read by people and by checks. */
export const ARCHIVE_OLDER_THAN_DAYS_MIN = 1;
/** Upper bound of `--older-than-days` (ten years), only to refuse typing mistakes. */
export const ARCHIVE_OLDER_THAN_DAYS_MAX = 3_650;

function check(condition: boolean, message: string) {
  assert(condition, `archive limits: ${message}`);
}
check(ARCHIVE_BATCH_SIZE >= 1, 'a batch must hold at least one intent');
check(ARCHIVE_INTENTS_PER_RUN_MAX >= ARCHIVE_BATCH_SIZE, 'a run must hold at least one batch');
check(ARCHIVE_OLDER_THAN_DAYS_MIN >= 1, 'never archive intents younger than a day');
check(ARCHIVE_OLDER_THAN_DAYS_MAX > ARCHIVE_OLDER_THAN_DAYS_MIN, 'the range of --older-than-days is empty');
