import type { TIntentProcessor } from '../intent-processor';
import { payoutProcessor } from './payout';
import { registerProcessor } from './register';

/** Every intent processor the workers run. */
export const PROCESSORS: readonly TIntentProcessor[] = [registerProcessor, payoutProcessor];
