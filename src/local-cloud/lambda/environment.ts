// One execution environment: a child process running a function's runtime (Node.js over IPC, Python over
// stdin and fd 3), initialised once, then invoked one request at a time until it is retired, times out or
// crashes. Never the local cloud's own process: a function cannot touch the server's state.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ErrorShape, InvokeContext, RunnerMessage, SetupMessage } from './runtime/messages.js';

export interface LogLine {
  timestamp: number;
  text: string;
}

export interface EnvironmentSpec {
  family: 'nodejs' | 'python';
  /** Node: the runner script; Python: the interpreter and the bootstrap. */
  command: string;
  args: string[];
  setup: SetupMessage;
  env: Record<string, string>;
  memoryMB: number;
  /** Seconds: how long the init phase may take. */
  initTimeout: number;
}

export type Outcome =
  | { kind: 'ok'; payload: string; memoryMB: number }
  | { kind: 'error'; error: ErrorShape; memoryMB: number }
  /** The environment is gone (crash, exit, timeout): it must not be reused. */
  | { kind: 'fatal'; error: ErrorShape; status: 'timeout' | 'error' };

export interface InitResult {
  durationMs: number;
  logs: LogLine[];
  error?: ErrorShape;
}

interface Pending {
  logs: LogLine[];
  settle(message: RunnerMessage | { type: 'exit'; description: string } | { type: 'timeout' }): void;
}

export class ExecutionEnvironment {
  private readonly child: ChildProcess;
  private pending: Pending | undefined;
  private stray: LogLine[] = [];
  private crash: ErrorShape | undefined;
  private exited = false;

  private constructor(
    readonly spec: EnvironmentSpec,
    readonly logStreamName: string,
    readonly revision: string,
  ) {
    const options = { cwd: spec.setup.taskRoot, env: spec.env };
    if (spec.family === 'nodejs') {
      this.child = fork(spec.command, spec.args, {
        ...options,
        execArgv: [`--max-old-space-size=${Math.max(64, spec.memoryMB)}`],
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'json',
      });
      this.child.on('message', (message: RunnerMessage) => this.receive(message));
    } else {
      this.child = spawn(spec.command, spec.args, { ...options, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
      const channel = this.child.stdio[3];
      if (channel && 'on' in channel) {
        createInterface({ input: channel as NodeJS.ReadableStream }).on('line', (line) => {
          try {
            this.receive(JSON.parse(line) as RunnerMessage);
          } catch {
            this.log(line);
          }
        });
      }
      this.child.stdin?.on('error', () => undefined);
    }
    // What bypasses the runner (native code writing to fd 1 or 2) is still the function's output.
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (text: string) => this.log(text));
    }
    this.child.on('error', (error) => {
      this.crash ??= { errorType: 'Runtime.Unavailable', errorMessage: error.message };
      this.exited = true;
      this.pending?.settle({ type: 'exit', description: error.message });
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      this.pending?.settle({
        type: 'exit',
        description: signal ? `signal: ${signal}` : `exit status ${code}`,
      });
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  private log(text: string): void {
    (this.pending?.logs ?? this.stray).push({ timestamp: Date.now(), text });
  }

  private receive(message: RunnerMessage): void {
    if (message.type === 'log') this.log(message.text);
    else if (message.type === 'crash') this.crash = message.error;
    else this.pending?.settle(message);
  }

  private send(message: object): void {
    if (this.spec.family === 'nodejs') {
      if (this.child.connected) this.child.send(message);
    } else this.child.stdin?.write(`${JSON.stringify(message)}\n`);
  }

  /** Waits for one answer from the runtime, or its exit, or the time limit (which kills it). */
  private exchange(
    message: object,
    timeoutMs: number,
  ): Promise<{ answer: Parameters<Pending['settle']>[0]; logs: LogLine[] }> {
    return new Promise((resolve) => {
      const logs = this.stray.splice(0);
      const timer = setTimeout(() => pending.settle({ type: 'timeout' }), timeoutMs);
      const pending: Pending = {
        logs,
        settle: (answer) => {
          if (this.pending !== pending) return;
          this.pending = undefined;
          clearTimeout(timer);
          if (answer.type === 'timeout') this.kill();
          resolve({ answer, logs });
        },
      };
      this.pending = pending;
      if (this.exited) pending.settle({ type: 'exit', description: 'exit status 1' });
      else this.send(message);
    });
  }

  static async start(
    spec: EnvironmentSpec,
    logStreamName: string,
    revision: string,
  ): Promise<{ environment: ExecutionEnvironment; init: InitResult }> {
    const environment = new ExecutionEnvironment(spec, logStreamName, revision);
    const started = performance.now();
    const { answer, logs } = await environment.exchange(spec.setup, spec.initTimeout * 1000);
    const durationMs = performance.now() - started;
    if (answer.type === 'ready') return { environment, init: { durationMs, logs } };
    environment.kill();
    let error: ErrorShape;
    if (answer.type === 'init-error') error = answer.error;
    else if (answer.type === 'timeout')
      error = {
        errorType: 'Runtime.InitTimeout',
        errorMessage: `Init phase took longer than ${spec.initTimeout} seconds`,
      };
    else error = environment.exitError(answer.type === 'exit' ? answer.description : 'exit status 1');
    return { environment, init: { durationMs, logs, error } };
  }

  private exitError(description: string, requestId?: string): ErrorShape {
    if (this.crash) return this.crash;
    const prefix = requestId ? `RequestId: ${requestId} ` : '';
    return {
      errorType: 'Runtime.ExitError',
      errorMessage: `${prefix}Error: Runtime exited with error: ${description}`,
    };
  }

  async invoke(
    payload: string,
    context: InvokeContext,
    timeoutSeconds: number,
  ): Promise<{ outcome: Outcome; logs: LogLine[] }> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    const { answer, logs } = await this.exchange(
      { type: 'invoke', payload, deadline, context },
      timeoutSeconds * 1000,
    );
    const requestId = context.awsRequestId;
    if (answer.type === 'result') {
      const outcome: Outcome = answer.error
        ? { kind: 'error', error: answer.error, memoryMB: answer.memoryMB }
        : { kind: 'ok', payload: answer.payload ?? 'null', memoryMB: answer.memoryMB };
      return { outcome, logs };
    }
    if (answer.type === 'timeout') {
      return {
        outcome: {
          kind: 'fatal',
          status: 'timeout',
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
          },
        },
        logs,
      };
    }
    this.kill();
    const description = answer.type === 'exit' ? answer.description : 'exit status 1';
    return {
      outcome: { kind: 'fatal', status: 'error', error: this.exitError(description, requestId) },
      logs,
    };
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}
