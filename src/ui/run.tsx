// Mounting the wizard: only on an interactive terminal (stdin and stdout TTYs, CI unset); otherwise a
// plain message points to the commands. While mounted, nothing but the screen writes to the terminal (the
// alternate screen, restored on every way out), and after it a few lines say where things were left.
import { render } from 'ink';
import { EXIT } from '../commands/exit-codes.js';
import { messageOf } from '../config/errors.js';
import { App } from './app.js';
import { openDebugLog } from './debug-log.js';
import type { WizardEngine } from './engine.js';
import type { EngineOptions } from './engine-target.js';
import { type Ending, exitSummary } from './exit-summary.js';
import { WizardSession } from './state/session.js';
import { FullScreen } from './terminal/screen.js';

export interface WizardIo {
  stdin: { isTTY?: boolean };
  stdout: { isTTY?: boolean; write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

/** Why the wizard cannot be mounted here, or undefined when it can. */
export function whyNoWizard(io: WizardIo): string | undefined {
  if (io.env.CI && io.env.CI !== 'false' && io.env.CI !== '0') return 'CI is set';
  if (!io.stdin.isTTY) return 'standard input is not a terminal';
  if (!io.stdout.isTTY) return 'standard output is not a terminal';
  return undefined;
}

export function noWizardMessage(why: string): string {
  return [
    `kinesis-tui: the wizard needs an interactive terminal (${why}).`,
    'Run the steps as commands instead:',
    '  kinesis-tui deploy      create or update the stack',
    '  kinesis-tui stream      send events (--rate, --count, --duration)',
    '  kinesis-tui verify      reconcile what reached S3 with what was sent (--wait)',
    '  kinesis-tui teardown    empty the bucket and delete the stack',
    '  kinesis-tui status      where everything stands',
    'Each takes --json; `kinesis-tui --help` lists every option.',
    '',
  ].join('\n');
}

export interface WizardOptions extends EngineOptions {
  logPath: string;
  /** Tests: open something else than a real target. */
  open?: () => Promise<WizardEngine>;
}

function openingLabel(options: EngineOptions): string {
  if (options.aws) return 'connecting to AWS';
  if (options.endpointUrl ?? process.env.AWS_ENDPOINT_URL) return 'connecting to the endpoint';
  return 'starting the local cloud';
}

/** Exit codes past 128 name the signal that stopped the wizard, as shells report them. */
const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: EXIT.interrupted, SIGTERM: 143 };

export async function runWizard(
  options: WizardOptions,
  io: WizardIo = { stdin: process.stdin, stdout: process.stdout, env: process.env },
): Promise<number> {
  const why = whyNoWizard(io);
  if (why) {
    io.stdout.write(noWizardMessage(why));
    return EXIT.usage;
  }
  const log = openDebugLog(options.logPath);
  log.write(`wizard starting (pid ${process.pid}, node ${process.version})`);
  const restoreOutput = log.capture();
  const onUnhandled = (reason: unknown) => log.write(`unhandled: ${messageOf(reason)}`);
  process.on('unhandledRejection', onUnhandled);
  const session = new WizardSession({
    // Loaded after the first frame is drawn: the engine pulls in the SDK clients and the local cloud (~0.5 s).
    open: options.open ?? (async () => (await import('./engine-target.js')).openEngine(options)),
    stackName: options.stackName,
    log: log.write,
  });
  // The alternate screen: the terminal as it was comes back on every way out (an exit handler restores it
  // even on process.exit), and frames are written as the lines that changed.
  // The terminal closed under the wizard (window closed, tmux killed, ssh lost): a hang-up, whether or not
  // the SIGHUP arrives first.
  const onGone = (error: Error) => {
    log.write(`the terminal went away (${error.message}): stopping`);
    onSignal('SIGHUP');
  };
  const screen = new FullScreen(process.stdout, { onGone });
  // Reading a closed terminal fails too; Ink does not listen for that.
  const onInputError = (error: Error) => screen.gone || onGone(error);
  process.stdin.on('error', onInputError);
  let ending: Ending | undefined;
  const summary = (end: Ending) => exitSummary(session.store.get(), end, log.path);
  /** Writes a message to the terminal, unless it has gone (then the debug log has it). */
  const tell = (stream: { write(text: string): unknown }, lines: string[]) => {
    if (screen.gone) return;
    try {
      stream.write(`${lines.join('\n')}\n`);
    } catch {
      // the terminal went away as we wrote
    }
  };
  // A bug that escaped every handler: the screen comes back first, so the message is readable; then the
  // local cloud and the producer are stopped (briefly) and the process ends. Once: whatever is thrown while
  // it ends is only logged (a handler that wrote and threw again never let the process end).
  let crashed = false;
  const onCrash = (error: unknown) => {
    log.write(`uncaught: ${error instanceof Error ? (error.stack ?? error.message) : messageOf(error)}`);
    if (crashed) return;
    crashed = true;
    screen.restore();
    restoreOutput();
    tell(process.stderr, summary({ kind: 'crash', message: messageOf(error) }));
    const stopped = session.close(true).catch(() => undefined);
    const limit = new Promise((resolve) => setTimeout(resolve, 5_000).unref());
    void Promise.race([stopped, limit]).finally(() => process.exit(EXIT.failure));
  };
  process.on('uncaughtException', onCrash);
  screen.enter();
  const instance = render(
    <App
      session={session}
      opening={openingLabel(options)}
      logPath={log.path}
      onError={(error) => log.write(`screen crashed: ${error.stack ?? error.message}`)}
    />,
    // debug: Ink hands over each whole frame (unthrottled) and the screen writes what changed in it.
    {
      stdout: screen.stdout as unknown as NodeJS.WriteStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  // A terminal closed or a kill: stop at once, but still stop the local cloud.
  function onSignal(signal: NodeJS.Signals) {
    ending ??= signal === 'SIGINT' ? { kind: 'interrupt' } : { kind: 'signal', signal };
    void session.close(true, signal === 'SIGINT' ? 'interrupt' : 'quit').then(() => instance.unmount());
  }
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
  for (const signal of signals) process.on(signal, onSignal);
  try {
    await instance.waitUntilExit();
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
    await session.close(true);
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onCrash);
    process.stdin.off('error', onInputError);
    screen.restore();
    restoreOutput();
    log.write(`wizard stopped (${screen.bytesWritten} bytes written to the terminal)`);
  }
  ending ??= session.store.get().quit === 'interrupt' ? { kind: 'interrupt' } : { kind: 'quit' };
  tell(io.stdout, summary(ending));
  if (ending.kind === 'interrupt') return EXIT.interrupted;
  if (ending.kind === 'signal') return SIGNAL_EXIT[ending.signal] ?? EXIT.failure;
  return EXIT.ok;
}
