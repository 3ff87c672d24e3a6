import { render } from 'ink-testing-library';
import { App } from '../../src/ui/app.js';
import type { WizardEngine } from '../../src/ui/engine.js';
import { WizardSession } from '../../src/ui/state/session.js';
import type { StepId } from '../../src/ui/steps.js';

/** Stream is the current step: its tick may already be there (its first events acknowledged). */
export const STREAM_OPEN = /\[2 (✔ )?Stream\]/;

/** The whole wizard over `open`, as the binary mounts it. */
export function renderApp(
  open: () => Promise<WizardEngine>,
  options: { initialStep?: StepId; stackName?: string } = {},
) {
  const log: string[] = [];
  const session = new WizardSession({
    open,
    stackName: options.stackName ?? 'kinesis-tui',
    log: (line) => log.push(line),
  });
  const r = render(
    <App
      session={session}
      opening="starting the local cloud"
      logPath="/tmp/kinesis-tui-test.log"
      {...(options.initialStep ? { initialStep: options.initialStep } : {})}
    />,
  );
  return { r, session, log };
}
