import { Global, Module } from '@nestjs/common';
import { JobQueue } from './job-queue.js';

/** The durable job queue (pg-boss in the application database), started and stopped with the app. */
@Global()
@Module({
  providers: [JobQueue],
  exports: [JobQueue],
})
export class JobsModule {}
