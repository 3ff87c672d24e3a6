// The frame: one render for the whole wizard. Header, step bar, the current step's screen, footer; the
// help overlay over the body; quitting from anywhere through the session. The App is the one keypress
// owner: Ctrl-C first, then the overlay, then the screen, then the global keys.
import { Box, Text, useApp, useInput, useStdin } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ErrorBoundary } from './components/error-boundary.js';
import { Footer } from './components/footer.js';
import { Header } from './components/header.js';
import { HelpOverlay } from './components/help-overlay.js';
import { StepBar } from './components/step-bar.js';
import { isTooSmall, TooSmall } from './components/too-small.js';
import { spinnerFrame, useNow } from './hooks/use-now.js';
import { type ScreenKeys, ScreenKeysContext } from './hooks/use-screen-keys.js';
import { useStore } from './hooks/use-store.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { GLOBAL_FOOTER, isCtrlC, type KeyHint } from './keys.js';
import { CleanupScreen } from './screens/cleanup.js';
import { DeployScreen } from './screens/deploy.js';
import { StreamScreen } from './screens/stream.js';
import { VerifyScreen } from './screens/verify.js';
import type { WizardSession } from './state/session.js';
import { cycleStep, type StepId, stepStates } from './steps.js';
import { tone } from './theme.js';

export interface AppProps {
  session: WizardSession;
  /** What is being opened, shown while connecting ("starting the local cloud"). */
  opening: string;
  logPath?: string | undefined;
  initialStep?: StepId;
  /** Called with the error when a screen crashes (the debug log). */
  onError?: (error: Error) => void;
}

/** Lines the frame itself takes: header, step bar, the gap under it, footer, and one spare line. */
const CHROME_ROWS = 5;

export function App({ session, opening, logPath, initialStep = 'deploy', onError }: AppProps) {
  const state = useStore(session.store);
  const size = useTerminalSize();
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const [step, setStep] = useState<StepId>(initialStep);
  const [help, setHelp] = useState(false);
  const [screenHints, setScreenHints] = useState<KeyHint[]>([]);
  const screenKeys = useRef<ScreenKeys>({ handler: undefined, capturing: false, setHints: setScreenHints });
  const steps = useMemo(() => stepStates(state), [state]);
  const now = useNow(100, state.connection === 'connecting' || Boolean(state.closing));

  useEffect(() => {
    void session.start();
  }, [session]);

  const quit = useCallback(
    (force: boolean) => {
      void session.close(force).then(() => exit());
    },
    [session, exit],
  );

  // The input handler reads the latest values through a ref, so it is subscribed once.
  const latest = useRef({ steps, step, help, closing: state.closing });
  latest.current = { steps, step, help, closing: state.closing };

  const onInput = useCallback(
    (input: string, key: Parameters<Parameters<typeof useInput>[0]>[1]) => {
      const now = latest.current;
      if (isCtrlC(input, key)) return quit(Boolean(now.closing));
      if (now.closing) return;
      if (now.help) {
        if (key.escape || input === '?') setHelp(false);
        else if (input === 'q') quit(false);
        return;
      }
      const screen = screenKeys.current;
      if (screen.capturing) {
        screen.handler?.(input, key);
        return;
      }
      if (screen.handler?.(input, key)) return;
      if (input === 'q') return quit(false);
      if (input === '?') return setHelp(true);
      if (key.tab) return setStep(cycleStep(now.steps, now.step, key.shift ? -1 : 1));
      const number = Number(input);
      if (Number.isInteger(number) && number >= 1 && number <= now.steps.length) {
        const target = now.steps[number - 1];
        if (target?.reachable) setStep(target.id);
      }
    },
    [quit],
  );
  useInput(onInput, { isActive: isRawModeSupported });

  const bodyHeight = Math.max(1, size.rows - CHROME_ROWS);
  const width = size.columns;
  const current = steps.find((s) => s.id === step);

  let body: React.ReactNode;
  if (state.closing) {
    body = (
      <Text>{state.closing === 'done' ? 'Bye.' : `${spinnerFrame(now)} Quitting: ${state.closing}…`}</Text>
    );
  } else if (help) {
    body = <HelpOverlay logPath={logPath} width={width} />;
  } else if (state.connection === 'connecting') {
    body = (
      <Text>
        {spinnerFrame(now)} {opening}…
      </Text>
    );
  } else if (state.connection === 'failed') {
    body = (
      <Box flexDirection="column">
        <Text color={tone('bad')} bold>
          Could not open the target.
        </Text>
        <Text>{state.error}</Text>
        <Text color={tone('muted')}>Press q to quit.</Text>
      </Box>
    );
  } else if (current && !current.reachable) {
    body = (
      <Text color={tone('muted')}>
        {current.label} cannot start yet: {current.why}.
      </Text>
    );
  } else {
    const props = { session, width, height: bodyHeight };
    body =
      step === 'deploy' ? (
        <DeployScreen {...props} />
      ) : step === 'stream' ? (
        <StreamScreen {...props} />
      ) : step === 'verify' ? (
        <VerifyScreen {...props} />
      ) : (
        <CleanupScreen {...props} />
      );
  }

  if (isTooSmall(size)) return <TooSmall size={size} />;

  const capturing = screenKeys.current.capturing;
  const globalHints = capturing
    ? [{ keys: 'Ctrl-C', does: 'quit' }]
    : help
      ? [{ keys: 'Esc', does: 'close help' }, ...GLOBAL_FOOTER.slice(2)]
      : state.connection !== 'ready'
        ? GLOBAL_FOOTER.slice(1)
        : GLOBAL_FOOTER;
  const hints = help || state.connection !== 'ready' || !current?.reachable ? [] : screenHints;
  return (
    <Box flexDirection="column" width={width} height={size.rows - 1} overflow="hidden">
      <Header state={state} />
      <StepBar steps={steps} current={step} />
      <Box height={1}>
        {current && !current.reachable && current.why ? (
          <Text color={tone('muted')}>
            {current.label}: {current.why}
          </Text>
        ) : null}
      </Box>
      <Box flexDirection="column" height={bodyHeight} overflow="hidden">
        {/* No shrinking: what does not fit is cut off at the bottom rather than drawn over itself. */}
        <Box flexDirection="column" flexShrink={0}>
          <ErrorBoundary logPath={logPath} {...(onError ? { onError: (e: Error) => onError(e) } : {})}>
            <ScreenKeysContext.Provider value={screenKeys}>{body}</ScreenKeysContext.Provider>
          </ErrorBoundary>
        </Box>
      </Box>
      <Footer screen={hints} global={globalHints} width={width} />
    </Box>
  );
}
