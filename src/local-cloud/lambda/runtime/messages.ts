// What the local cloud and an execution environment say to each other (Node.js over IPC, Python as JSON lines).

export interface ErrorShape {
  errorType: string;
  errorMessage: string;
  /** Node.js reports `trace`; Python reports `stackTrace`. */
  trace?: string[];
  stackTrace?: string[];
}

/** Sent once, right after the environment starts: the init phase. */
export interface SetupMessage {
  type: 'setup';
  handler: string;
  taskRoot: string;
  runtime: string;
  /** nodejs24.x and later refuse callback-style handlers. */
  callbacksRemoved: boolean;
}

export interface InvokeContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  clientContext?: unknown;
  identity?: unknown;
}

export interface InvokeMessage {
  type: 'invoke';
  /** The event, as the JSON text the caller sent. */
  payload: string;
  /** Epoch ms when the invocation times out. */
  deadline: number;
  context: InvokeContext;
}

export type RunnerMessage =
  | { type: 'log'; text: string }
  | { type: 'ready' }
  | { type: 'init-error'; error: ErrorShape }
  | { type: 'result'; payload?: string; error?: ErrorShape; memoryMB: number }
  | { type: 'crash'; error: ErrorShape };
