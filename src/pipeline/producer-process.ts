// The wizard's producer in a process of its own (producer-process-main.ts), seen from the wizard as a
// producer: the same stats, updates and controls as the in-process Producer, over IPC. Making tens of
// thousands of events a second, signing their calls and journaling their answers costs a core's worth of
// work that would otherwise share the screen's event loop. `kinesis-tui stream` keeps its producer in
// process (it has no screen); both open their session through openStreamSession.
//
// Credentials never travel on the command line or in the environment: the child asks for them over the
// channel and gets what this process's SDK resolved for the target. The child ends with the channel, so
// a wizard that dies (even by kill -9) leaves nothing sending.
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { withoutCredentials } from '../config/environment.js';
import { messageOf, TargetError } from '../config/errors.js';
import type { Target } from '../config/target.js';
import type { ProducerStats, ProducerSummary, ProducerUpdate } from './producer.js';
import { updatesOf } from './producer-batch.js';
import {
  type EventsChoice,
  type FromProducer,
  isFromProducer,
  type ProducerControl,
  type ProgressLimits,
  type ToProducer,
  toWireCredentials,
} from './producer-wire.js';
import type { StreamTarget } from './stream-session.js';

/** How long an aborted producer process may take to report before it is killed, ms. */
const ABORT_DEADLINE_MS = 5_000;
/** How long a closed producer process may take to exit before it is killed, ms. */
const CLOSE_DEADLINE_MS = 10_000;

export interface ProducerProcessOptions {
  rate: number;
  /** Events of your own (a template file) instead of the built-in events. */
  events?: EventsChoice;
  /** What the wizard keeps of recent events: the process sends no more than that per progress message. */
  limits: ProgressLimits;
  /** How often progress arrives while running, ms (default 200). */
  progressMs?: number;
}

// From the compiled package this module sits beside the entry; under the test runner it is TypeScript in
// src/, and the process to start is the built one in dist/ (as startLocalCloud does).
function entryScript(): string {
  const here = import.meta.url;
  return fileURLToPath(
    here.endsWith('.ts')
      ? new URL('../../dist/src/pipeline/producer-process-main.js', here)
      : new URL('./producer-process-main.js', here),
  );
}

/** The last line of what the process printed that says something (not a stack frame). */
function lastWords(stderr: string): string | undefined {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at ') && !l.startsWith('Node.js v') && l !== '^');
  const line = lines.at(-1);
  return line && line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

const IDLE_STATS: ProducerStats = {
  state: 'idle',
  sent: 0,
  acknowledged: 0,
  retried: 0,
  throttled: 0,
  failed: 0,
  outstanding: 0,
  callsInFlight: 0,
  rate: 0,
  targetRate: 0,
  eventsPerRecord: 1,
  elapsedMs: 0,
};

/** A producer running in its own process: the controls of Producer, its stats as last reported. */
export class ProducerProcess {
  private last: ProducerStats;
  /** What this side changed that the process has not reported back yet (controls in flight). */
  private ahead: Partial<Pick<ProducerStats, 'state' | 'targetRate'>> = {};
  private controlsSent = 0;
  private reportedControls = 0;
  private readonly listeners = new Set<(update: ProducerUpdate) => void>();
  private stopping = false;
  private ended: ProducerSummary | undefined;
  private crashed: string | undefined;
  private killedBecause: string | undefined;
  private stderr = '';
  private running: Promise<ProducerSummary> | undefined;
  private settle: ((summary: ProducerSummary) => void) | undefined;
  private readonly finished: Promise<ProducerSummary>;
  private abortTimer: NodeJS.Timeout | undefined;
  /** Resolves with the stream once the process has opened its session; rejects as openStreamSession would. */
  readonly opened: Promise<{ streamName: string; journalPath: string }>;

  constructor(
    private readonly child: ChildProcess,
    private readonly target: Pick<Target, 'clients'>,
    rate: number,
  ) {
    this.last = { ...IDLE_STATS, targetRate: rate };
    this.finished = new Promise((resolve) => {
      this.settle = resolve;
    });
    let open: { resolve(v: { streamName: string; journalPath: string }): void; reject(e: Error): void };
    this.opened = new Promise((resolve, reject) => {
      open = { resolve, reject };
    });
    this.opened.catch(() => undefined);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    // A failed send (the process is gone) shows as its exit; nothing to add here.
    child.on('error', () => undefined);
    child.on('message', (message: unknown) => {
      if (!isFromProducer(message)) return;
      if (message.type === 'opened') {
        this.last = message.stats;
        open.resolve({ streamName: message.streamName, journalPath: message.journalPath });
      } else if (message.type === 'open-failed') {
        open.reject(
          message.kind === 'target' ? new TargetError(message.message) : new Error(message.message),
        );
      } else {
        this.receive(message);
      }
    });
    // 'close': the process has exited and its channel is drained, so every message it sent has arrived.
    child.on('close', (code, signal) => {
      clearTimeout(this.abortTimer);
      const how = this.killedBecause ?? (signal ? `killed by ${signal}` : `exit code ${code}`);
      const why = this.crashed ?? lastWords(this.stderr);
      open.reject(
        new Error(`the producer process ended before the stream opened (${how})${why ? `: ${why}` : ''}`),
      );
      if (!this.ended)
        this.lost(`the producer process stopped unexpectedly (${how})${why ? `: ${why}` : ''}`);
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** True once the process has reported stats taken after every control sent so far. */
  get caughtUp(): boolean {
    return Object.keys(this.ahead).length === 0 && this.reportedControls >= this.controlsSent;
  }

  private receive(message: Exclude<FromProducer, { type: 'opened' | 'open-failed' }>): void {
    switch (message.type) {
      case 'progress': {
        // Stats taken before the process saw our latest controls keep what those controls changed.
        this.reportedControls = message.controls;
        const caughtUp = message.controls >= this.controlsSent;
        if (caughtUp) this.ahead = {};
        this.last = caughtUp ? message.stats : { ...message.stats, ...this.ahead };
        if (message.batch) for (const update of updatesOf(message.batch)) this.emit(update);
        break;
      }
      case 'stopped':
        this.end(message.summary);
        break;
      case 'credentials?':
        void this.answerCredentials(message.id);
        break;
      case 'crashed':
        this.crashed = message.message;
        break;
    }
  }

  /** The SDK's credentials for the target, resolved (and refreshed) here, sent over the channel only. */
  private async answerCredentials(id: number): Promise<void> {
    try {
      const credentials = await this.target.clients.kinesis.config.credentials();
      this.send({ type: 'credentials', id, credentials: toWireCredentials(credentials) });
    } catch (error) {
      this.send({ type: 'credentials', id, error: messageOf(error) });
    }
  }

  /** The process ended without a summary: what it last reported, stopped, with the reason. */
  private lost(message: string): void {
    const stats: ProducerStats = { ...this.last, state: 'done', callsInFlight: 0, error: message };
    this.last = stats;
    this.emit({ type: 'error', message });
    this.end({ ...stats, stoppedBy: 'error', unconfirmed: stats.outstanding });
  }

  private end(summary: ProducerSummary): void {
    if (this.ended) return;
    clearTimeout(this.abortTimer);
    this.ended = summary;
    this.ahead = {};
    const { stoppedBy: _stoppedBy, unconfirmed: _unconfirmed, ...stats } = summary;
    this.last = stats;
    this.settle?.(summary);
  }

  private emit(update: ProducerUpdate): void {
    for (const listener of this.listeners) {
      try {
        listener(update);
      } catch {
        // A listener's bug must not stop the others.
      }
    }
  }

  private send(message: ToProducer): void {
    if (!this.child.connected) return;
    this.child.send(message, (error) => {
      if (error) return; // the process is gone: 'close' says why
    });
  }

  private control(message: ProducerControl): void {
    if (this.ended || !this.child.connected) return;
    this.controlsSent++;
    this.send(message);
  }

  /** Sends the session's settings; the answer resolves `opened`. */
  open(request: Extract<ToProducer, { type: 'open' }>): void {
    this.send(request);
  }

  subscribe(listener: (update: ProducerUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): ProducerStats {
    return { ...this.last, ...this.ahead };
  }

  run(): Promise<ProducerSummary> {
    if (!this.running) {
      this.running = this.finished;
      // As the producer does on run(): running from now on (a pause right after applies to it).
      if (this.stats().state === 'idle') this.ahead.state = 'running';
      this.send({ type: 'run' });
    }
    return this.running;
  }

  pause(): void {
    if (this.stats().state === 'running') this.ahead.state = 'paused';
    this.control({ type: 'pause' });
  }

  resume(): void {
    if (this.stats().state === 'paused') this.ahead.state = 'running';
    this.control({ type: 'resume' });
  }

  setRate(rate: number): void {
    if (!(rate > 0)) throw new RangeError('the rate is a number of events a second above 0');
    this.ahead.targetRate = rate;
    this.control({ type: 'set-rate', rate });
  }

  burst(count: number): void {
    if (this.stopping) return;
    this.control({ type: 'burst', count });
  }

  sendMalformed(): string | undefined {
    if (this.stopping || this.ended) return undefined;
    const eventId = randomUUID();
    this.control({ type: 'malformed', eventId });
    return eventId;
  }

  /** Stops taking new events; the process finishes what is in flight and reports its summary. */
  stop(): void {
    this.stopping = true;
    this.control({ type: 'stop' });
  }

  /** Cancels the calls in flight; a process that does not report soon after is killed. */
  abort(): void {
    this.stopping = true;
    this.control({ type: 'abort' });
    if (this.ended || this.abortTimer) return;
    this.abortTimer = setTimeout(() => {
      this.killedBecause = `it did not stop within ${ABORT_DEADLINE_MS / 1000} s of being told to; killed`;
      this.child.kill('SIGKILL');
    }, ABORT_DEADLINE_MS);
  }

  /** Lets the process go (it exits once its channel closes); call once the producer has stopped. */
  close(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.disconnect();
    setTimeout(() => {
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    }, CLOSE_DEADLINE_MS).unref();
  }
}

export interface ProducerProcessSession {
  producer: ProducerProcess;
  streamName: string;
  journalPath: string;
  close(): void;
}

/**
 * Starts a producer process into the stack's stream: it opens the stream session there (the same checks,
 * journal and client as `kinesis-tui stream`) and waits for `run()`. Throws what openStreamSession throws.
 */
export async function startProducerProcess(
  target: Pick<Target, 'clients' | 'clientConfig' | 'journalPath'>,
  stack: StreamTarget,
  options: ProducerProcessOptions,
): Promise<ProducerProcessSession> {
  const child = fork(entryScript(), [], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    // Its own process group: a Ctrl-C in the terminal reaches the wizard, which stops the producer itself.
    detached: true,
    // Not the parent's flags (a test runner's loaders, the bench's heap snapshots): plain compiled JavaScript.
    execArgv: [],
    env: withoutCredentials(process.env),
  });
  const producer = new ProducerProcess(child, target, options.rate);
  producer.open({
    type: 'open',
    client: {
      region: target.clientConfig.region,
      ...(target.clientConfig.endpoint ? { endpoint: target.clientConfig.endpoint } : {}),
    },
    stack: { name: stack.name, streamName: stack.streamName },
    journalPath: target.journalPath(stack.name),
    rate: options.rate,
    ...(options.events ? { events: options.events } : {}),
    limits: options.limits,
    progressMs: options.progressMs ?? 200,
  });
  let opened: { streamName: string; journalPath: string };
  try {
    opened = await producer.opened;
  } catch (error) {
    producer.close();
    throw error;
  }
  return { producer, ...opened, close: () => producer.close() };
}
