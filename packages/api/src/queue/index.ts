export * from './bullmq-queue';
export * from './job-queue';
export * from './memory-queue';
