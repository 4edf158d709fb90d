import type { TIntentProcessor } from '../intent-processor';

/** Every intent processor the workers run. */
export const PROCESSORS: readonly TIntentProcessor[] = [];
