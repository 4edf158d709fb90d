import type { TIntentProcessor } from '../intent-processor';
import { gaslessClaimProcessor } from './claim-gasless';
import { payoutProcessor } from './payout';
import { registerProcessor } from './register';

/** Every intent processor the workers run. */
export const PROCESSORS: readonly TIntentProcessor[] = [
  registerProcessor,
  payoutProcessor,
  gaslessClaimProcessor,
];
