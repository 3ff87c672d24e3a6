// One Node.js execution environment: a child process of the local cloud that loads a function's handler
// once (the init phase) and then runs one invocation at a time, as Lambda's Node.js runtime does. It talks
// to the local cloud over the IPC channel only; everything the function prints is sent there as log text,
// in order with the result, so each line lands in the right invocation's log.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import type { ErrorShape, InvokeMessage, RunnerMessage, SetupMessage } from './messages.js';

type Handler = (event: unknown, context: unknown, callback?: unknown) => unknown;

const send = (message: RunnerMessage) => process.send?.(message);
let currentRequestId = '';

// The function's output: console calls become one log event each, in Lambda's Node.js format; raw writes
// to stdout/stderr pass through as they are.
const rawWrite = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
  if (text) send({ type: 'log', text });
  const done = typeof encoding === 'function' ? encoding : callback;
  if (typeof done === 'function') done();
  return true;
};
process.stdout.write = rawWrite as typeof process.stdout.write;
process.stderr.write = rawWrite as typeof process.stderr.write;
const levels: Array<[keyof Console, string]> = [
  ['log', 'INFO'],
  ['info', 'INFO'],
  ['warn', 'WARN'],
  ['error', 'ERROR'],
  ['debug', 'DEBUG'],
  ['trace', 'TRACE'],
];
for (const [method, level] of levels) {
  (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
    send({
      type: 'log',
      text: `${new Date().toISOString()}\t${currentRequestId || 'undefined'}\t${level}\t${format(...args)}\n`,
    });
  };
}

function errorShape(error: unknown, type?: string): ErrorShape {
  if (error instanceof Error) {
    return {
      errorType: type ?? error.name ?? 'Error',
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n'),
    };
  }
  return { errorType: type ?? typeof error, errorMessage: String(error), trace: [] };
}

class InitError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

/** The module file for `module` in the task root, by the extensions Lambda tries, in its order. */
function moduleFile(taskRoot: string, modulePath: string): string | undefined {
  for (const extension of ['.js', '.mjs', '.cjs']) {
    const file = resolve(taskRoot, modulePath + extension);
    if (existsSync(file)) return file;
  }
  return undefined;
}

function isEsm(file: string, taskRoot: string): boolean {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  // Only the package's own package.json files count: whatever lies above the task root is not the function's.
  for (let dir = dirname(file); dir.startsWith(taskRoot); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: string }).type === 'module';
      } catch {
        return false;
      }
    }
    if (dirname(dir) === dir) break;
  }
  return false;
}

async function loadHandler(setup: SetupMessage): Promise<Handler> {
  const slash = setup.handler.lastIndexOf('/');
  const moduleRoot = setup.handler.slice(0, slash + 1);
  const moduleAndHandler = setup.handler.slice(slash + 1);
  const dot = moduleAndHandler.indexOf('.');
  if (dot <= 0 || dot === moduleAndHandler.length - 1) {
    throw new InitError('Runtime.MalformedHandlerName', 'Bad handler');
  }
  const moduleName = moduleAndHandler.slice(0, dot);
  const handlerPath = moduleAndHandler.slice(dot + 1);
  const file = moduleFile(setup.taskRoot, moduleRoot + moduleName);
  let loaded: Record<string, unknown>;
  try {
    if (!file) {
      // Lambda then tries the name as a package (node_modules) before giving up.
      const require = createRequire(join(setup.taskRoot, 'noop.js'));
      loaded = require(moduleRoot + moduleName) as Record<string, unknown>;
    } else if (isEsm(file, resolve(setup.taskRoot))) {
      loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } else {
      loaded = createRequire(file)(file) as Record<string, unknown>;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND' && !file) {
      throw new InitError(
        'Runtime.ImportModuleError',
        `Error: Cannot find module '${moduleRoot + moduleName}'\nRequire stack:\n- /var/runtime/index.mjs`,
      );
    }
    if (error instanceof SyntaxError) {
      throw new InitError('Runtime.UserCodeSyntaxError', `SyntaxError: ${error.message}`);
    }
    throw error;
  }
  let target: unknown = loaded;
  for (const part of handlerPath.split('.')) {
    target = (target as Record<string, unknown> | undefined)?.[part];
  }
  if (typeof target !== 'function') {
    throw new InitError(
      'Runtime.HandlerNotFound',
      `${moduleRoot + moduleName}.${handlerPath} is undefined or not exported`,
    );
  }
  const handler = target as Handler;
  if (setup.callbacksRemoved && handler.length >= 3) {
    throw new InitError(
      'Runtime.CallbackHandlerDeprecated',
      `ERROR: AWS Lambda does not support callback-based function handlers on ${setup.runtime}. ` +
        'Use an async handler (event, context) that returns its result.',
    );
  }
  return handler;
}

function run(handler: Handler, message: InvokeMessage): Promise<unknown> {
  const { context: base } = message;
  return new Promise((resolvePromise, reject) => {
    let settled = false;
    const settle = (error: unknown, result?: unknown) => {
      if (settled) return;
      settled = true;
      if (error !== null && error !== undefined) reject(error);
      else resolvePromise(result);
    };
    const context = {
      ...base,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
      done: settle,
      succeed: (result: unknown) => settle(null, result),
      fail: (error: unknown) => settle(error ?? new Error('handled')),
    };
    try {
      const returned = handler(JSON.parse(message.payload), context, settle);
      if (returned && typeof (returned as Promise<unknown>).then === 'function') {
        (returned as Promise<unknown>).then(
          (value) => settle(null, value),
          (error) => settle(error ?? new Error('Promise rejected with no reason')),
        );
      } else if (handler.length < 3) {
        settle(null, returned);
      }
    } catch (error) {
      settle(error);
    }
  });
}

let handler: Handler | undefined;

process.on('message', async (message: SetupMessage | InvokeMessage) => {
  if (message.type === 'setup') {
    try {
      handler = await loadHandler(message);
      send({ type: 'ready' });
    } catch (error) {
      const shape =
        error instanceof InitError
          ? { errorType: error.errorType, errorMessage: error.message, trace: [] }
          : errorShape(error);
      send({ type: 'init-error', error: shape });
    }
    return;
  }
  currentRequestId = message.context.awsRequestId;
  const memoryMB = () => Math.ceil(process.memoryUsage().rss / 1_048_576);
  try {
    if (!handler) throw new Error('the handler is not loaded');
    const result = await run(handler, message);
    let payload: string;
    try {
      payload = JSON.stringify(result === undefined ? null : result);
    } catch (error) {
      send({
        type: 'result',
        error: {
          errorType: 'Runtime.JSONStringifyError',
          errorMessage: `Unable to stringify response body: ${(error as Error).message}`,
          trace: [],
        },
        memoryMB: memoryMB(),
      });
      return;
    }
    send({ type: 'result', payload, memoryMB: memoryMB() });
  } catch (error) {
    const shape = errorShape(error);
    send({
      type: 'log',
      text: `${new Date().toISOString()}\t${currentRequestId}\tERROR\tInvoke Error \t${JSON.stringify(shape)}\n`,
    });
    send({ type: 'result', error: shape, memoryMB: memoryMB() });
  } finally {
    currentRequestId = '';
  }
});

// A function's stray rejection or exception ends its environment, as it does on Lambda.
const crash = (error: unknown) => {
  const message: RunnerMessage = { type: 'crash', error: errorShape(error) };
  if (process.send) process.send(message, () => process.exit(1));
  else process.exit(1);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);
// The local cloud went away: so does this environment.
process.on('disconnect', () => process.exit(0));
