import { Worker } from 'node:worker_threads';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { AppConfig } from '../../../../libs/config/config.js';
import { APP_CONFIG } from '../../../../libs/config/config.module.js';
import { DomainError } from '../../../../libs/errors/domain-error.js';
import { SubmissionStorage } from '../submission-storage.js';
import type { RenderTask, ThreadMessage } from './page-render.thread.js';
import { type RenderedPageBlobs, renderPagesToStorage } from './render-pages.js';

type PageHandler = (page: RenderedPageBlobs) => Promise<void>;

interface Task {
  id: number;
  pdfKey: string;
  pages: number[];
  signal: AbortSignal;
  onPage: PageHandler;
  settle: (error?: unknown) => void;
}

interface RenderThread {
  worker: Worker;
  ready: Promise<void>;
  task?: Task;
  /** The running task's pages handed to onPage one after another, so commits keep page order. */
  chain: Promise<void>;
}

/**
 * Renders PDF pages on UPLOAD_RENDER_THREADS worker threads, one page range per thread at a time,
 * so the thread serving HTTP stays responsive while a class stack renders and every core works.
 * With 0 threads, or when threads cannot start (TypeScript sources without a loader, as in jest),
 * pages render on the main thread.
 */
@Injectable()
export class PageRenderPool implements OnModuleDestroy {
  private readonly logger = new Logger('PageRenderPool');
  private readonly threads: RenderThread[] = [];
  private readonly queue: Task[] = [];
  private nextTaskId = 1;
  private onMainThread: boolean;
  private closed = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly storage: SubmissionStorage,
  ) {
    this.onMainThread = config.uploads.renderThreads === 0;
  }

  /**
   * Renders and stores `pages` (1-based pages of the PDF blob `pdfKey`), calling `onPage` for each
   * in order. Resolves once every page is handled; rejects with the first error, or with the
   * signal's reason when `signal` stopped it (after the page in progress).
   */
  render(pdfKey: string, pages: number[], signal: AbortSignal, onPage: PageHandler): Promise<void> {
    if (this.onMainThread) return this.renderHere(pdfKey, pages, signal, onPage);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ id: this.nextTaskId++, pdfKey, pages, signal, onPage, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      this.dispatch();
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.settle(new Error('the application is shutting down'));
    await Promise.all(this.threads.map((thread) => thread.worker.terminate()));
  }

  private async renderHere(pdfKey: string, pages: number[], signal: AbortSignal, onPage: PageHandler): Promise<void> {
    for await (const page of renderPagesToStorage(this.storage.blobs, pdfKey, pages, () => signal.aborted)) await onPage(page);
    signal.throwIfAborted();
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed && !this.onMainThread) {
      const thread = this.threads.find((candidate) => !candidate.task) ?? (this.threads.length < this.config.uploads.renderThreads ? this.spawn() : undefined);
      if (!thread) return;
      const task = this.queue.shift()!;
      thread.task = task;
      thread.ready.then(
        () => this.start(thread, task),
        (error: unknown) => this.fallBackToMainThread(thread, error),
      );
    }
  }

  private start(thread: RenderThread, task: Task): void {
    const cancel = () => thread.worker.postMessage({ type: 'cancel', taskId: task.id });
    task.signal.addEventListener('abort', cancel, { once: true });
    const settle = task.settle;
    task.settle = (error) => {
      task.signal.removeEventListener('abort', cancel);
      settle(error);
    };
    thread.chain = Promise.resolve();
    thread.worker.postMessage({ type: 'render', taskId: task.id, storageRoot: this.storage.blobs.rootDir, pdfKey: task.pdfKey, pages: task.pages } satisfies RenderTask);
  }

  private onMessage(thread: RenderThread, message: ThreadMessage): void {
    const task = thread.task;
    if (message.type === 'ready' || !task || message.taskId !== task.id) return;
    if (message.type === 'page') {
      thread.chain = thread.chain.then(() => task.onPage(message.page));
      // A page that cannot be committed stops the thread after its current page; the error settles the task.
      thread.chain.catch(() => thread.worker.postMessage({ type: 'cancel', taskId: task.id }));
      return;
    }
    const failure =
      message.type === 'failed'
        ? message.error.domain
          ? new DomainError(message.error.domain.kind, message.error.domain.code, message.error.message, message.error.domain.details)
          : new Error(message.error.message)
        : task.signal.aborted
          ? task.signal.reason
          : undefined;
    thread.chain.then(
      () => this.finish(thread, task, failure),
      (error: unknown) => this.finish(thread, task, error),
    );
  }

  private spawn(): RenderThread {
    // The thread module sits beside this one: compiled (.js), or TypeScript sources run with a loader (.ts).
    const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const worker = new Worker(new URL(`./page-render.thread${extension}`, import.meta.url), { name: 'handmark-page-render' });
    let markReady!: () => void;
    let markFailed!: (error: unknown) => void;
    const ready = new Promise<void>((resolve, reject) => ((markReady = resolve), (markFailed = reject)));
    ready.catch(() => undefined);
    const thread: RenderThread = { worker, ready, chain: Promise.resolve() };
    worker.on('message', (message: ThreadMessage) => (message.type === 'ready' ? markReady() : this.onMessage(thread, message)));
    worker.on('error', (error) => markFailed(error));
    worker.on('exit', (code) => {
      markFailed(new Error(`exit code ${code}`));
      this.threads.splice(this.threads.indexOf(thread), 1);
      if (thread.task) this.finish(thread, thread.task, new Error(`the render thread stopped (exit code ${code})`));
    });
    this.threads.push(thread);
    return thread;
  }

  private finish(thread: RenderThread, task: Task, error?: unknown): void {
    if (thread.task !== task) return;
    thread.task = undefined;
    task.settle(error);
    this.dispatch();
  }

  /** The first thread never started: render on the main thread from now on. */
  private fallBackToMainThread(thread: RenderThread, error: unknown): void {
    if (!this.onMainThread) this.logger.warn(`Render threads cannot start in this process (${error instanceof Error ? error.message : String(error)}); rendering on the main thread`);
    this.onMainThread = true;
    const task = thread.task;
    thread.task = undefined;
    for (const pending of [...(task ? [task] : []), ...this.queue.splice(0)]) {
      this.renderHere(pending.pdfKey, pending.pages, pending.signal, pending.onPage).then(() => pending.settle(), pending.settle);
    }
  }
}
