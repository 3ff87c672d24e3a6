// The one function that starts a local cloud from code (the wizard, the commands, the tests): a child
// process with its own event loop, so the UI never competes with it, that ends when this process does.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withoutCredentials } from '../config/environment.js';
import { LocalCloudStartError } from './data-dir.js';
import type { LocalCloudMessage } from './main.js';
import { defaultOptions, type LocalCloudOptions } from './options.js';

export { LocalCloudStartError } from './data-dir.js';
export { DEFAULT_PORT, DEFAULT_REGION, LOCAL_ACCOUNT_ID, type LocalCloudOptions } from './options.js';

export interface LocalCloudHandle {
  readonly endpoint: string;
  readonly logPath: string;
  readonly pid: number;
  /** Stops the services and their children; the data dir keeps the state. */
  stop(): Promise<void>;
}

// From the compiled package this module sits beside main.js; under the test runner it is TypeScript in
// src/, and the process to start is the built one in dist/.
function mainScript(): string {
  const here = import.meta.url;
  return fileURLToPath(
    here.endsWith('.ts') ? new URL('../../dist/src/local-cloud/main.js', here) : new URL('./main.js', here),
  );
}

export async function startLocalCloud(
  overrides: Partial<LocalCloudOptions> & Pick<LocalCloudOptions, 'dataDir'>,
): Promise<LocalCloudHandle> {
  const options = defaultOptions({ port: 0, ...overrides });
  // Its own process group: a Ctrl-C in the terminal reaches the app, which drains its work before stopping this.
  const child = fork(mainScript(), [JSON.stringify(options)], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    detached: true,
    // Not the parent's flags (a test runner's loaders, --input-type): the child is plain compiled JavaScript.
    execArgv: [],
    env: withoutCredentials(process.env),
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const ready = await new Promise<Extract<LocalCloudMessage, { type: 'ready' }>>((resolve, reject) => {
    child.once('message', (message: LocalCloudMessage) => {
      if (message.type === 'ready') resolve(message);
      else reject(new LocalCloudStartError(message.message));
    });
    child.once('exit', (code, signal) =>
      reject(
        new LocalCloudStartError(
          `the local cloud exited while starting (${signal ?? `code ${code}`}): ${stderr.trim()}`,
        ),
      ),
    );
  });
  child.stderr?.removeAllListeners('data');
  child.stderr?.resume();
  let stopped: Promise<void> | undefined;
  return {
    endpoint: ready.endpoint,
    logPath: ready.logPath,
    pid: child.pid ?? 0,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      });
      return stopped;
    },
  };
}
