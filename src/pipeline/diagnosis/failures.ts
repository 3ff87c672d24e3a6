// Reading failures out of log lines, as the runtimes and Firehose write them (pure):
//   Lambda, Node.js:  `<time>\t<request id>\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":...,"stack":[...]}`
//                     `... ERROR\tUncaught Exception \t{"errorType":"Runtime.ImportModuleError",...}` (init)
//   Lambda, Python:   `[ERROR] KeyError: 'Records'\nTraceback (most recent call last):\n  File "/var/task/index.py", line 9, ...`
//                     `[ERROR] Runtime.ImportModuleError: Unable to import module 'lambda_function': No module named ...`
//   Either, timeouts: `<time> <request id> Task timed out after 3.00 seconds`
//   Firehose:         `{"deliveryStreamARN":...,"message":"...","errorCode":"Lambda.FunctionError","processor":...}`

/** An error a function raised (or its runtime reported), from one log line. */
export interface LambdaFailure {
  /** `Runtime.ImportModuleError`, `KeyError`, `TypeError`, `Sandbox.Timedout`... */
  type: string;
  /** The error's own message, first line. */
  message: string;
  /** Where in the code, when the line says: `index.py line 9: for record in event['Records']`. */
  where?: string;
  /** The runtime could not load the handler (import error, missing handler): no invocation ran. */
  init: boolean;
}

const INIT_TYPES = /^Runtime\.(ImportModuleError|HandlerNotFound|MalformedHandlerName|UserCodeSyntaxError)$/;

/** The JSON object that starts at the first `{` of `text`, if it is one. */
function jsonIn(text: string): Record<string, unknown> | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  try {
    const value = JSON.parse(text.slice(start)) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The last frame of a Python traceback: file, line and the code line under it. */
function pythonFrame(text: string): string | undefined {
  const frames = [...text.matchAll(/File "([^"]+)", line (\d+)(?:, in [^\n]*)?\n[ \t]+([^\n]+)/g)];
  const last = frames[frames.length - 1];
  if (!last) return undefined;
  const file = (last[1] ?? '').split('/').pop();
  return `${file} line ${last[2]}: ${(last[3] ?? '').trim()}`;
}

/** The first frame of a Node.js stack in the function's own code (under /var/task, or any file). */
function nodeFrame(stack: unknown): string | undefined {
  const lines = Array.isArray(stack) ? stack.map(String) : typeof stack === 'string' ? stack.split('\n') : [];
  for (const line of lines) {
    const m = /\(?((?:\/var\/task\/|file:\/\/)?[^\s()]+\.(?:m?js|cjs)):(\d+):\d+\)?\s*$/.exec(line);
    if (m && !/node:internal|\/var\/runtime\//.test(m[1] ?? ''))
      return `${(m[1] ?? '').split('/').pop()} line ${m[2]}`;
  }
  return undefined;
}

export function lambdaFailure(message: string): LambdaFailure | undefined {
  const timedOut = /Task timed out after ([\d.]+) seconds/.exec(message);
  if (timedOut) return { type: 'Sandbox.Timedout', message: timedOut[0], init: false };
  // Python's own [ERROR] line (AWS's runtime, and the local one), with its traceback.
  const python = /\[ERROR\]\s+([\w.]+):\s*([^\n]*)/.exec(message);
  if (python) {
    const type = python[1] as string;
    const where = pythonFrame(message);
    return {
      type,
      message: (python[2] ?? '').trim(),
      ...(where ? { where } : {}),
      init: INIT_TYPES.test(type),
    };
  }
  // A runtime's JSON error report after ERROR (Node's Invoke Error / Uncaught Exception, init errors).
  if (/\bERROR\b/.test(message)) {
    const report = jsonIn(message.slice(message.search(/\bERROR\b/)));
    if (report && typeof report.errorType === 'string') {
      const type = report.errorType;
      const text =
        String(report.errorMessage ?? '')
          .split('\n')[0]
          ?.trim() ?? '';
      const trace = report.stack ?? report.trace ?? report.stackTrace;
      const where = Array.isArray(report.stackTrace)
        ? pythonFrame(report.stackTrace.join(''))
        : nodeFrame(trace);
      return { type, message: text, ...(where ? { where } : {}), init: INIT_TYPES.test(type) };
    }
  }
  return undefined;
}

/** One error Firehose logged for the delivery stream. */
export interface FirehoseFailure {
  errorCode: string;
  message: string;
  /** The Lambda ARN, for transformation errors. */
  processor?: string;
}

export function firehoseFailure(message: string): FirehoseFailure | undefined {
  const record = jsonIn(message);
  if (!record || typeof record.errorCode !== 'string') return undefined;
  return {
    errorCode: record.errorCode,
    message: String(record.message ?? record.errorMessage ?? ''),
    ...(typeof record.processor === 'string' ? { processor: record.processor } : {}),
  };
}

/** The module a failed import names: `Unable to import module 'lambda_function'`, `Cannot find module 'app'`. */
export function missingModule(failure: LambdaFailure): string | undefined {
  return /(?:Unable to import module|Cannot find module) '([^']+)'/.exec(failure.message)?.[1];
}
