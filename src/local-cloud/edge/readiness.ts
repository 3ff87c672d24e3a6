// Which services have finished starting. The edge listens before the services start, because they call
// each other through it while starting (CloudFormation resumes stack operations through the others), so a
// client could reach a service whose start() has not finished: CloudFormation then had no API yet and
// answered InvalidAction, while the health endpoint already said ok. Now a request to a service that is
// still starting waits for it, and the health endpoint says ready only once every service has started.

export type ReadinessState =
  | { status: 'ok' }
  | { status: 'starting'; starting: string[] }
  | { status: 'failed'; message: string }
  | { status: 'stopping' };

interface Pending {
  promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

export class ServiceReadiness {
  private readonly pending = new Map<string, Pending>();
  private failure: Error | undefined;
  private stopping = false;

  constructor(names: Iterable<string>) {
    for (const name of names) this.hold(name);
  }

  private hold(name: string): void {
    let resolve: () => void = () => undefined;
    let reject: (error: Error) => void = () => undefined;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Nobody may be waiting when a start fails: that is not an unhandled rejection.
    promise.catch(() => undefined);
    this.pending.set(name, { promise, resolve, reject });
  }

  /** The service starts over (a reset): its requests wait again until `started` or `failed`. */
  restarting(name: string): void {
    if (!this.pending.has(name)) this.hold(name);
  }

  /** Every service is already started (an edge on its own, without a start sequence). */
  static allStarted(): ServiceReadiness {
    return new ServiceReadiness([]);
  }

  /** The service's start() finished: requests waiting for it go on. */
  started(name: string): void {
    this.pending.get(name)?.resolve();
    this.pending.delete(name);
  }

  /** Starting failed: every request still waiting gets this error, and the cloud is not ready. */
  failed(error: Error): void {
    this.failure = error;
    for (const pending of this.pending.values()) pending.reject(error);
  }

  /** The services are stopping: no longer ready. */
  stop(): void {
    this.stopping = true;
  }

  /** Resolves when the service can take requests (at once when it already can). */
  whenStarted(name: string): Promise<void> | undefined {
    return this.pending.get(name)?.promise;
  }

  state(): ReadinessState {
    if (this.stopping) return { status: 'stopping' };
    if (this.failure) return { status: 'failed', message: this.failure.message };
    if (this.pending.size > 0) return { status: 'starting', starting: [...this.pending.keys()] };
    return { status: 'ok' };
  }
}
