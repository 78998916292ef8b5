import { parentPort } from 'node:worker_threads';
import { DomainError } from '../../../../libs/errors/domain-error.js';
import { LocalBlobStorage } from '../../../../libs/storage/blob-storage.js';
import { renderPagesToStorage } from './render-pages.js';

/**
 * A render thread (see PageRenderPool): pdfjs parses and draws on the thread that calls it, for
 * about half a second per scanned page, so pages are rendered here instead of on the thread that
 * serves HTTP. One task at a time; each stored page is posted back as soon as it exists.
 */
export interface RenderTask {
  type: 'render';
  taskId: number;
  storageRoot: string;
  pdfKey: string;
  pages: number[];
}

export type ThreadMessage =
  | { type: 'ready' }
  | { type: 'page'; taskId: number; page: import('./render-pages.js').RenderedPageBlobs }
  | { type: 'done'; taskId: number }
  | { type: 'failed'; taskId: number; error: { message: string; domain?: { kind: DomainError['kind']; code: string; details: DomainError['details'] } } };

const port = parentPort!;
const cancelled = new Set<number>();

port.on('message', (message: RenderTask | { type: 'cancel'; taskId: number }) => {
  if (message.type === 'cancel') cancelled.add(message.taskId);
  else void run(message);
});

async function run(task: RenderTask): Promise<void> {
  try {
    const storage = new LocalBlobStorage(task.storageRoot);
    for await (const page of renderPagesToStorage(storage, task.pdfKey, task.pages, () => cancelled.has(task.taskId))) {
      port.postMessage({ type: 'page', taskId: task.taskId, page } satisfies ThreadMessage);
    }
    port.postMessage({ type: 'done', taskId: task.taskId } satisfies ThreadMessage);
  } catch (error) {
    const domain = error instanceof DomainError ? { kind: error.kind, code: error.code, details: error.details } : undefined;
    port.postMessage({ type: 'failed', taskId: task.taskId, error: { message: error instanceof Error ? error.message : String(error), domain } } satisfies ThreadMessage);
  } finally {
    cancelled.delete(task.taskId);
  }
}

port.postMessage({ type: 'ready' } satisfies ThreadMessage);
