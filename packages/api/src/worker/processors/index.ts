import type { TIntentProcessor } from '../intent-processor';
import { registerProcessor } from './register';

/** Every intent processor the workers run. */
export const PROCESSORS: readonly TIntentProcessor[] = [registerProcessor];
