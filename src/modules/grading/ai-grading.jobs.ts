import { defineJob, type JobDefinition } from '../../../libs/jobs/job-queue.js';

/**
 * The Message Batches jobs of one blob store (they read page images from it): submitting a batch
 * and polling it until its results are imported. The interactive grading job is in
 * grading.events.ts, because uploads and activations in other modules enqueue it.
 */
export interface GradingBatchJobData {
  batchId: string;
}

export function submitGradingBatchJob(storeId: string): JobDefinition<GradingBatchJobData> {
  return defineJob<GradingBatchJobData>(`grading.batch-submit.${storeId}`, { retryLimit: 4, retryDelay: 10, retryBackoff: true, retryDelayMax: 300 });
}

export function importGradingBatchJob(storeId: string): JobDefinition<GradingBatchJobData> {
  // Polling reschedules itself while the batch runs (up to 24 h); retries cover failed polls and imports cut short by a restart.
  return defineJob<GradingBatchJobData>(`grading.batch-import.${storeId}`, { retryLimit: 10, retryDelay: 10, retryBackoff: true, retryDelayMax: 600, expireInSeconds: 60 * 60 });
}
