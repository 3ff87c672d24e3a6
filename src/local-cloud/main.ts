// The local cloud's process when started from code (startLocalCloud): options in argv, readiness over IPC.
// It lives exactly as long as its parent's IPC channel: when the app exits or dies, it stops its services
// and children and exits too.
import { createLocalCloud, type RunningLocalCloud } from './cloud.js';
import type { LocalCloudOptions } from './options.js';

export type LocalCloudMessage =
  | { type: 'ready'; endpoint: string; logPath: string }
  | { type: 'failed'; message: string };

const options = JSON.parse(process.argv[2] ?? '{}') as LocalCloudOptions;
let cloud: RunningLocalCloud | undefined;
let stopping = false;

async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(0), 10_000);
  force.unref();
  await cloud?.stop().catch(() => undefined);
  process.exit(0);
}

// The app owns Ctrl-C: it drains its work first, then disconnects, which stops this process.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => void shutdown());
process.on('disconnect', () => void shutdown());

try {
  cloud = await createLocalCloud(options);
  process.send?.({
    type: 'ready',
    endpoint: cloud.endpoint,
    logPath: cloud.logPath,
  } satisfies LocalCloudMessage);
} catch (error) {
  process.send?.({ type: 'failed', message: (error as Error).message } satisfies LocalCloudMessage);
  process.exit(1);
}
