import { parentPort, workerData } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../libs/database/data-source-options.js';
import { AuditSealer } from '../../../libs/event-store/sealer.js';

/**
 * The sealing thread (see AuditSealingSchedule): reading the new events, hashing them and writing
 * their chain rows happens here, on a connection of its own, so the thread that serves HTTP
 * never spends its time on the chain. One run every `intervalMs`, until told to stop.
 */
export interface SealingThreadData {
  databaseUrl: string;
  intervalMs: number;
}

/** What the thread reports; a failure is reported once, until sealing works again. */
export type SealingThreadMessage = { type: 'ready' } | { type: 'failed'; error: string } | { type: 'recovered' } | { type: 'stopped' };

/** The connection's name in pg_stat_activity, so an operator can tell the sealer from the request pool. */
export const SEALING_THREAD_APPLICATION_NAME = 'handmark-audit-sealer';

const port = parentPort!;
const { databaseUrl, intervalMs } = workerData as SealingThreadData;
const post = (message: SealingThreadMessage) => port.postMessage(message);

let stopping = false;
let wake: (() => void) | undefined;
port.on('message', (message: { type: 'stop' }) => {
  if (message.type !== 'stop') return;
  stopping = true;
  wake?.();
});

async function run(): Promise<void> {
  const dataSource = new DataSource({ ...dataSourceOptions(databaseUrl, [], [], 1), extra: { max: 1, application_name: SEALING_THREAD_APPLICATION_NAME } });
  const sealer = new AuditSealer(dataSource);
  let failing = false;
  while (!stopping) {
    try {
      // Connecting is retried with the sealing, so a database that is down at boot is picked up later.
      if (!dataSource.isInitialized) await dataSource.initialize();
      await sealer.sealPending();
      if (failing) post({ type: 'recovered' });
      failing = false;
    } catch (error) {
      if (!failing) post({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      failing = true;
    }
    if (!stopping) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => (clearTimeout(timer), resolve());
      });
    }
  }
  if (dataSource.isInitialized) await dataSource.destroy();
  post({ type: 'stopped' });
  port.close();
}

post({ type: 'ready' });
void run();
