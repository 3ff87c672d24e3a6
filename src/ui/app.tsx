// The frame: one render for the whole wizard. Header, step bar, the current step's screen, footer; the
// help overlay over the body; quitting from anywhere through the session. The App is the one keypress
// owner: Ctrl-C first, then the overlay, then the screen, then the global keys.
import { Box, Text, useApp } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ErrorBoundary } from './components/error-boundary.js';
import { Footer } from './components/footer.js';
import { Header, headerLines } from './components/header.js';
import { HelpOverlay } from './components/help-overlay.js';
import { Lines, wrapped } from './components/lines.js';
import { StepBar } from './components/step-bar.js';
import { isTooSmall, TooSmall } from './components/too-small.js';
import { type Routed, useKeyboard } from './hooks/use-keyboard.js';
import { spinnerFrame, useNow } from './hooks/use-now.js';
import { type ScreenKeys, ScreenKeysContext } from './hooks/use-screen-keys.js';
import { useStore } from './hooks/use-store.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import type { Keystroke } from './input.js';
import { GLOBAL_FOOTER, type KeyHint } from './keys.js';
import { CleanupScreen } from './screens/cleanup.js';
import { DeployScreen } from './screens/deploy.js';
import { LogsScreen } from './screens/logs.js';
import { MetricsScreen } from './screens/metrics.js';
import { StreamScreen } from './screens/stream.js';
import { VerifyScreen } from './screens/verify.js';
import type { SessionState, WizardSession } from './state/session.js';
import { cycleStep, type StepId, type StepState, stepStates } from './steps.js';
import { SYMBOLS, tone } from './theme.js';

export interface AppProps {
  session: WizardSession;
  /** What is being opened, shown while connecting ("starting the local cloud"). */
  opening: string;
  logPath?: string | undefined;
  initialStep?: StepId;
  /** Called with the error when a screen crashes (the debug log). */
  onError?: (error: Error) => void;
}

/** Keys wait while the target opens and until the stack has been looked at (which decides what opens). */
function keysWait(state: SessionState): boolean {
  return (
    state.connection === 'connecting' ||
    (state.connection === 'ready' && state.stack === undefined && !state.stackError && !state.operation)
  );
}

/** The steps the logs and graphs open from (l, g), and their hints there. */
const VIEWS_FROM: ReadonlySet<StepId> = new Set(['stream', 'verify']);
const VIEW_HINTS = [
  { keys: 'l', does: 'logs' },
  { keys: 'g', does: 'graphs' },
];

/** Lines the frame itself takes besides the header: the step bar, the line under it, the footer. */
const CHROME_ROWS = 3;

export function App({ session, opening, logPath, initialStep = 'deploy', onError }: AppProps) {
  const state = useStore(session.store);
  const size = useTerminalSize();
  const { exit } = useApp();
  const [step, setStep] = useState<StepId>(initialStep);
  const [help, setHelp] = useState(false);
  // The logs or the graphs, opened over Stream or Verify (l, g); Esc goes back to the step.
  const [view, setView] = useState<'logs' | 'metrics'>();
  const [screenHints, setScreenHints] = useState<KeyHint[]>([]);
  const screenKeys = useRef<ScreenKeys>({ handler: undefined, capturing: false, setHints: setScreenHints });
  const steps = useMemo(() => stepStates(state), [state]);
  const now = useNow(100, state.connection === 'connecting' || Boolean(state.closing));

  useEffect(() => {
    void session.start();
  }, [session]);

  const quit = useCallback(
    (force: boolean, how: 'quit' | 'interrupt' = 'quit') => {
      void session.close(force, how).then(() => exit());
    },
    [session, exit],
  );

  // A step asked for before it can open: shown until it opens (then it is opened) or cannot any more.
  const [pending, setPending] = useState<StepId>();
  // Why the last key did nothing, until the next key.
  const [notice, setNotice] = useState<string>();

  // The key handler reads the latest values through a ref.
  const latest = useRef({ steps, step, help, state, view });
  latest.current = { steps, step, help, state, view };

  const goTo = useCallback((target: StepState | undefined) => {
    if (!target) return;
    const now = latest.current;
    if (target.reachable) {
      setPending(undefined);
      setView(undefined);
      setStep(target.id);
      return;
    }
    if (now.state.operation && target.id !== 'deploy') {
      // The first key after a deploy finishes must not be lost: it waits for the step to open.
      setPending(target.id);
      setNotice(`${target.label} opens when the ${now.state.operation} finishes`);
      return;
    }
    setNotice(`${target.label} cannot open yet: ${target.why}`);
  }, []);

  const route = useCallback(
    ({ input, key }: Keystroke): Routed => {
      const now = latest.current;
      if (now.state.closing) return 'done';
      if (now.help) {
        if (key.escape || input === '?') setHelp(false);
        else if (input === 'q') quit(false);
        return 'done';
      }
      if (keysWait(now.state)) {
        // Kept for the screen that opens once connected and the stack looked at; q and ? work at once.
        if (input === 'q' && keyboard.current.held === 0) quit(false);
        else if (input === '?' && keyboard.current.held === 0) setHelp(true);
        else return 'hold';
        return 'done';
      }
      setNotice(undefined);
      const screen = screenKeys.current;
      if (screen.capturing) {
        screen.handler?.(input, key);
        return 'done';
      }
      if (screen.handler?.(input, key)) return 'done';
      if (input === 'q') quit(false);
      else if (input === '?') setHelp(true);
      else if (key.tab) {
        setView(undefined);
        setStep(cycleStep(now.steps, now.step, key.shift ? -1 : 1));
      } else if (/^[1-9]$/.test(input)) goTo(now.steps[Number(input) - 1]);
      else if ((input === 'l' || input === 'g') && !now.view && VIEWS_FROM.has(now.step))
        setView(input === 'l' ? 'logs' : 'metrics');
      return 'done';
    },
    [quit, goTo],
  );
  const keys = useKeyboard(route, () => quit(Boolean(latest.current.state.closing), 'interrupt'));
  const keyboard = useRef(keys);
  keyboard.current = keys;

  // Held keys go on once connected and the stack is known (the screen has drawn and registered its keys
  // by then, and which steps open is settled).
  const { resume } = keys;
  const stillOpening = keysWait(state);
  useEffect(() => {
    if (!stillOpening) resume();
  }, [stillOpening, resume]);

  // A pending step opens as soon as it can; when the operation it waited for ended without opening it,
  // say why.
  useEffect(() => {
    if (!pending) return;
    const target = steps.find((s) => s.id === pending);
    if (target?.reachable) {
      setPending(undefined);
      setNotice(undefined);
      setStep(target.id);
    } else if (!state.operation) {
      setPending(undefined);
      setNotice(target ? `${target.label} cannot open yet: ${target.why}` : undefined);
    }
  }, [pending, steps, state.operation]);

  const header = headerLines(state, size.columns).length;
  const bodyHeight = Math.max(1, size.rows - header - CHROME_ROWS);
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
        <Lines
          lines={wrapped(`${SYMBOLS.failed} Could not open the target: ${state.error}`, width, 'bad', '  ')}
        />
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
    const back = () => setView(undefined);
    body =
      view && VIEWS_FROM.has(step) ? (
        view === 'logs' ? (
          <LogsScreen {...props} onClose={back} />
        ) : (
          <MetricsScreen {...props} onClose={back} />
        )
      ) : step === 'deploy' ? (
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
  const hints =
    help || state.connection !== 'ready' || !current?.reachable
      ? []
      : !view && VIEWS_FROM.has(step)
        ? [...screenHints, ...VIEW_HINTS]
        : screenHints;
  return (
    <Box flexDirection="column" width={width} height={size.rows} overflow="hidden">
      <Header state={state} columns={width} />
      <StepBar steps={steps} current={step} />
      <Box height={1}>
        <Text color={tone(keys.held || notice ? 'warn' : 'muted')} wrap="truncate">
          {keys.held
            ? `${keys.held === 1 ? '1 key' : `${keys.held} keys`} typed: kept until ${opening.replace(/^(starting|connecting to) /, '')} is ready`
            : (notice ??
              (current && !current.reachable && current.why && state.connection !== 'connecting'
                ? `${current.label}: ${current.why}`
                : ''))}
        </Text>
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
