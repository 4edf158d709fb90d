import { describeQueueBehaviour } from '../../test/support/queue-behaviour';
import { createTestRedisPrefix } from '../../test/support/redis';
import { BullmqQueue } from './bullmq-queue';

describeQueueBehaviour('BullMQ (Redis)', async () => {
  const redis = createTestRedisPrefix();
  const queue = new BullmqQueue({ url: redis.url, prefix: redis.prefix });
  await queue.ping();
  return { queue, cleanup: redis.cleanup };
});
