// Runs invocations: a small pool of warm execution environments per function (one invocation at a time
// each, as on Lambda), the function's timeout, and its log lines (START, output, END, REPORT) to CloudWatch
// Logs in the environment's own stream.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ServiceError } from '../protocol/common.js';
import { type EnvironmentSpec, ExecutionEnvironment, type InitResult, type LogLine } from './environment.js';
import type { FunctionStore, RunnableVersion } from './functions.js';
import type { LogShipper } from './log-shipper.js';
import type { ErrorShape } from './runtime/messages.js';
import { PYTHON_BOOTSTRAP } from './runtime/python-bootstrap.js';
import { runtimeFamily } from './runtimes.js';

/** Environments per function at once; more concurrent invocations wait for one to be free. */
const MAX_ENVIRONMENTS = 4;
/** An idle environment is reclaimed after this long, as Lambda reclaims idle ones. */
const IDLE_MS = 5 * 60_000;
/** Lambda's synchronous response limit. */
export const MAX_RESPONSE_BYTES = 6_291_556;
const TAIL_BYTES = 4096;

const NODE_RUNNER = fileURLToPath(new URL('./runtime/node-runner.js', import.meta.url));
/** Where the SDK lives: functions on Lambda's Node.js runtimes can require @aws-sdk/* without bundling it. */
const SDK_NODE_MODULES = join(
  dirname(createRequire(import.meta.url).resolve('@aws-sdk/client-lambda/package.json')),
  '..',
  '..',
);

export interface InvocationResult {
  payload: string;
  functionError?: 'Unhandled';
  /** Base64 of the last 4 KB of the invocation's log. */
  logTail: string;
}

interface Pool {
  idle: Array<{ environment: ExecutionEnvironment; timer: NodeJS.Timeout }>;
  live: number;
  waiting: Array<() => void>;
}

/** What an environment depends on: when any of it changes, warm environments are retired. */
function environmentKey(record: RunnableVersion): string {
  return JSON.stringify([
    record.code.hex,
    record.runtime,
    record.handler,
    record.memorySize,
    record.environment,
    record.logging.LogGroup,
  ]);
}

/** `2026/11/26/[$LATEST]<hex>`, or `[3]` for version 3, as Lambda names an environment's log stream. */
function logStreamName(version: string): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[${version}]${randomBytes(16).toString('hex')}`;
}

/** Environments are pooled per function version: versions run different code side by side. */
function poolKey(name: string, version: string): string {
  return `${name}:${version}`;
}

export class Invoker {
  private readonly pools = new Map<string, Pool>();
  private readonly environments = new Set<ExecutionEnvironment>();
  private python: Promise<string | undefined> | undefined;
  private readonly bootstrapPath: string;

  constructor(
    private readonly store: FunctionStore,
    private readonly shipper: LogShipper,
    private readonly endpoint: string,
    dataDir: string,
  ) {
    this.bootstrapPath = join(dataDir, 'python-bootstrap.py');
    writeFileSync(this.bootstrapPath, PYTHON_BOOTSTRAP, { mode: 0o600 });
  }

  /** The python3 interpreter's real path (so its own site-packages, boto3 included, come with it). */
  private findPython(): Promise<string | undefined> {
    this.python ??= promisify(execFile)('python3', ['-c', 'import sys; print(sys.executable)'], {
      timeout: 20_000,
    }).then(
      ({ stdout }) => stdout.trim() || undefined,
      () => undefined,
    );
    return this.python;
  }

  private async spec(record: RunnableVersion, streamName: string): Promise<EnvironmentSpec> {
    const family = runtimeFamily(record.runtime);
    if (family === 'other') {
      throw new ServiceError(
        'InvalidRuntimeException',
        `The local cloud cannot run ${record.runtime} functions: it runs Node.js (nodejs*) and Python (python3.*) runtimes.`,
        502,
      );
    }
    let command = NODE_RUNNER;
    let args: string[] = [];
    let executable = process.execPath;
    if (family === 'python') {
      const python = await this.findPython();
      if (!python) {
        throw new ServiceError(
          'InvalidRuntimeException',
          `The local cloud runs ${record.runtime} functions with python3, which is not installed on this machine: ` +
            'install Python 3 (python3 on PATH), restart the local cloud and invoke again.',
          502,
        );
      }
      executable = python;
      command = python;
      args = ['-u', this.bootstrapPath];
    }
    const taskRoot = this.store.taskRoot(record);
    this.store.ensureUnpacked(record);
    const env: Record<string, string> = {
      PATH: `${dirname(executable)}:/usr/local/bin:/usr/bin:/bin`,
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      AWS_ENDPOINT_URL: this.endpoint,
      ...(family === 'nodejs'
        ? {
            NODE_PATH: SDK_NODE_MODULES,
            // Functions run on this machine's Node.js, which the SDK may warn about; Lambda's own does not.
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          }
        : { PYTHONUNBUFFERED: '1' }),
      ...record.environment,
      _HANDLER: record.handler,
      AWS_REGION: record.region,
      AWS_DEFAULT_REGION: record.region,
      AWS_EXECUTION_ENV: `AWS_Lambda_${record.runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: record.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(record.memorySize),
      AWS_LAMBDA_FUNCTION_VERSION: record.version,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: record.logging.LogGroup,
      AWS_LAMBDA_LOG_STREAM_NAME: streamName,
      LAMBDA_TASK_ROOT: taskRoot,
      LAMBDA_RUNTIME_DIR: dirname(command),
      // The execution role's credentials on Lambda; any key works against the local cloud.
      AWS_ACCESS_KEY_ID: 'local-cloud-function',
      AWS_SECRET_ACCESS_KEY: 'local-cloud-function',
      AWS_SESSION_TOKEN: 'local-cloud-function',
    };
    return {
      family,
      command,
      args,
      env,
      memoryMB: record.memorySize,
      initTimeout: Math.max(10, record.timeout),
      setup: {
        type: 'setup',
        handler: record.handler,
        taskRoot,
        runtime: record.runtime,
        callbacksRemoved: family === 'nodejs' && Number(/^nodejs(\d+)/.exec(record.runtime)?.[1] ?? 0) >= 24,
      },
    };
  }

  private pool(key: string): Pool {
    let pool = this.pools.get(key);
    if (!pool) {
      pool = { idle: [], live: 0, waiting: [] };
      this.pools.set(key, pool);
    }
    return pool;
  }

  private async acquire(
    record: RunnableVersion,
  ): Promise<{ environment: ExecutionEnvironment; init?: InitResult }> {
    const pool = this.pool(poolKey(record.name, record.version));
    const key = environmentKey(record);
    for (;;) {
      while (pool.idle.length > 0) {
        const { environment, timer } = pool.idle.pop() as Pool['idle'][number];
        clearTimeout(timer);
        if (environment.alive && environment.revision === key) return { environment };
        environment.kill();
        this.environments.delete(environment);
        pool.live--;
      }
      if (pool.live < MAX_ENVIRONMENTS) {
        pool.live++;
        try {
          const stream = logStreamName(record.version);
          const { environment, init } = await ExecutionEnvironment.start(
            await this.spec(record, stream),
            stream,
            key,
          );
          this.environments.add(environment);
          return { environment, init };
        } catch (error) {
          pool.live--;
          this.wake(pool);
          throw error;
        }
      }
      await new Promise<void>((resolve) => pool.waiting.push(resolve));
    }
  }

  private release(record: RunnableVersion, environment: ExecutionEnvironment, reusable: boolean): void {
    const pool = this.pool(poolKey(record.name, record.version));
    const current = this.store.findVersion(record.name, record.version);
    if (reusable && environment.alive && current && environmentKey(current) === environment.revision) {
      const timer = setTimeout(() => {
        const at = pool.idle.findIndex((entry) => entry.environment === environment);
        if (at >= 0) {
          pool.idle.splice(at, 1);
          environment.kill();
          this.environments.delete(environment);
          pool.live--;
        }
      }, IDLE_MS);
      timer.unref();
      pool.idle.push({ environment, timer });
    } else {
      environment.kill();
      this.environments.delete(environment);
      pool.live--;
    }
    this.wake(pool);
  }

  private wake(pool: Pool): void {
    pool.waiting.shift()?.();
  }

  /**
   * Ends the idle environments of a function's version (its code or configuration changed, or it was
   * deleted), or of every version when none is named (the function was deleted).
   */
  retire(name: string, version?: string): void {
    for (const [key, pool] of this.pools) {
      if (version === undefined ? !key.startsWith(`${name}:`) : key !== poolKey(name, version)) continue;
      for (const { environment, timer } of pool.idle.splice(0)) {
        clearTimeout(timer);
        environment.kill();
        this.environments.delete(environment);
        pool.live--;
      }
      for (const wake of pool.waiting.splice(0)) wake();
    }
  }

  stop(): void {
    for (const pool of this.pools.values()) {
      for (const { environment, timer } of pool.idle.splice(0)) {
        clearTimeout(timer);
        environment.kill();
      }
      for (const wake of pool.waiting.splice(0)) wake();
    }
    for (const environment of this.environments) environment.kill();
    this.environments.clear();
  }

  /** Runs one invocation of a version; `invokedArn` is the ARN the caller named (an alias's, say). */
  async invoke(
    record: RunnableVersion,
    payload: string,
    options: { clientContext?: unknown; invokedArn: string },
  ): Promise<InvocationResult> {
    const requestId = randomUUID();
    const { environment, init } = await this.acquire(record);
    const lines: LogLine[] = [...(init?.logs ?? [])];
    const line = (text: string) => lines.push({ timestamp: Date.now(), text });
    const started = performance.now();
    line(`START RequestId: ${requestId} Version: ${record.version}\n`);
    let error: ErrorShape | undefined;
    let resultPayload = 'null';
    let memoryMB = 0;
    let status = '';
    let reusable = true;
    if (init?.error) {
      error = init.error;
      reusable = false;
      status = `Status: error\tError Type: ${error.errorType}\t`;
      line(`${new Date().toISOString()}\t${requestId}\tERROR\t${JSON.stringify(error)}\n`);
    } else {
      const { outcome, logs } = await environment.invoke(
        payload,
        {
          functionName: record.name,
          functionVersion: record.version,
          invokedFunctionArn: options.invokedArn,
          memoryLimitInMB: String(record.memorySize),
          awsRequestId: requestId,
          logGroupName: record.logging.LogGroup,
          logStreamName: environment.logStreamName,
          ...(options.clientContext !== undefined ? { clientContext: options.clientContext } : {}),
        },
        record.timeout,
      );
      lines.push(...logs);
      if (outcome.kind === 'ok') {
        resultPayload = outcome.payload;
        memoryMB = outcome.memoryMB;
        if (Buffer.byteLength(resultPayload) > MAX_RESPONSE_BYTES) {
          error = {
            errorType: 'Function.ResponseSizeTooLarge',
            errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
          };
        }
      } else if (outcome.kind === 'error') {
        error = outcome.error;
        memoryMB = outcome.memoryMB;
      } else {
        error = outcome.error;
        reusable = false;
        if (outcome.status === 'timeout') {
          line(
            `${new Date().toISOString()} ${requestId} Task timed out after ${record.timeout.toFixed(2)} seconds\n`,
          );
          status = 'Status: timeout\n';
        } else {
          status = `Status: error\tError Type: ${error.errorType}\n`;
        }
      }
    }
    const duration = performance.now() - started;
    line(`END RequestId: ${requestId}\n`);
    line(
      `REPORT RequestId: ${requestId}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(duration))} ms\t` +
        `Memory Size: ${record.memorySize} MB\tMax Memory Used: ${memoryMB || '-'} MB\t` +
        (init ? `Init Duration: ${init.durationMs.toFixed(2)} ms\t` : '') +
        (status || '\n'),
    );
    this.release(record, environment, reusable);
    let last = 0;
    this.shipper.ship(
      record.logging.LogGroup,
      environment.logStreamName,
      lines.map((l) => {
        last = Math.max(last, l.timestamp);
        return { timestamp: last, message: l.text };
      }),
    );
    const text = Buffer.from(lines.map((l) => l.text).join(''));
    return {
      payload: error ? JSON.stringify(error) : resultPayload,
      ...(error ? { functionError: 'Unhandled' as const } : {}),
      logTail: text.subarray(Math.max(0, text.length - TAIL_BYTES)).toString('base64'),
    };
  }
}
