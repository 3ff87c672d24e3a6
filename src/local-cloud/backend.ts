// Backends (kinesalite, s3rver) run as child processes of the local cloud: their own event loops, so a
// busy S3 never stalls Kinesis, and their crashes stay theirs. Each reports its port over IPC, and exits
// when its parent goes away, however the parent ends.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { withoutCredentials } from '../config/environment.js';

export interface Backend {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export interface BackendReady {
  type: 'ready';
  port: number;
}

export async function startBackend(
  name: string,
  script: string,
  args: string[],
  log: (message: string) => void,
  execArgv: string[] = [],
): Promise<Backend> {
  const child = fork(script, args, {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    execArgv,
    // A backend never needs the user's AWS credentials.
    env: withoutCredentials(process.env),
  });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) log(`${name}: ${line}`);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const port = await new Promise<number>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      const ready = message as BackendReady;
      if (ready?.type === 'ready') {
        cleanup();
        resolve(ready.port);
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanup();
      reject(
        new Error(
          `${name} exited before it was ready (${signal ?? `code ${code}`}); see the local cloud log`,
        ),
      );
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
  let stopped = false;
  child.on('exit', (code, signal) => {
    if (!stopped) log(`${name} exited unexpectedly (${signal ?? `code ${code}`})`);
  });
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    async stop() {
      stopped = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** For the backend's own script: report the port, and leave when the local cloud does. */
export function reportReady(port: number, close: () => void): void {
  process.send?.({ type: 'ready', port } satisfies BackendReady);
  const leave = () => {
    close();
    // The IPC channel alone would keep the process up until the timer: without it, the process ends as
    // soon as its writes are done (a local cloud stops in milliseconds, not a second a backend).
    if (process.connected) process.disconnect();
    // Whatever the server still holds (open sockets, LevelDB handles) must not keep an orphan alive.
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on('disconnect', leave);
  process.on('SIGTERM', leave);
  process.on('SIGINT', leave);
}
