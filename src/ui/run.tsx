// Mounting the wizard: only on an interactive terminal (stdin and stdout TTYs, CI unset); otherwise a
// plain message points to the commands. While mounted, nothing but Ink writes to the terminal.
import { render } from 'ink';
import { EXIT } from '../commands/exit-codes.js';
import { messageOf } from '../config/errors.js';
import { App } from './app.js';
import { openDebugLog } from './debug-log.js';
import type { WizardEngine } from './engine.js';
import type { EngineOptions } from './engine-target.js';
import { WizardSession } from './state/session.js';

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
  const restore = log.capture();
  const onUnhandled = (reason: unknown) => log.write(`unhandled: ${messageOf(reason)}`);
  process.on('unhandledRejection', onUnhandled);
  const session = new WizardSession({
    // Loaded after the first frame is drawn: the engine pulls in the SDK clients and the local cloud (~0.5 s).
    open: options.open ?? (async () => (await import('./engine-target.js')).openEngine(options)),
    stackName: options.stackName,
    log: log.write,
  });
  const instance = render(
    <App
      session={session}
      opening={openingLabel(options)}
      logPath={log.path}
      onError={(error) => log.write(`screen crashed: ${error.stack ?? error.message}`)}
    />,
    // Not incrementalRendering: in Ink 6.8 it left stale lines on screen when the frame's shape changed
    // (seen in tmux); whole-frame redraws at 20 fps cost little since the frame never exceeds the terminal.
    { exitOnCtrlC: false, patchConsole: false, maxFps: 20 },
  );
  // A terminal closed or a kill: stop at once, but still stop the local cloud.
  const onSignal = () => {
    void session.close(true).then(() => instance.unmount());
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    await session.close(true);
    process.off('unhandledRejection', onUnhandled);
    restore();
    log.write('wizard stopped');
  }
  return EXIT.ok;
}
