import { describeQueueBehaviour } from '../../test/support/queue-behaviour';
import { MemoryQueue } from './memory-queue';

describeQueueBehaviour('in-process', async () => ({ queue: new MemoryQueue(), cleanup: async () => {} }));
