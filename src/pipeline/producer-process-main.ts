// The wizard's producer process (started by producer-process.ts): the stream session and its producer run
// here, so making events, calling PutRecords and writing the journal never compete with the screen for
// the wizard's event loop. Everything arrives and leaves over the IPC channel (producer-wire.ts): the
// target's client settings, credentials when the SDK asks for them, the controls; progress a few times a
// second, bounded; the summary at the end. Nothing goes to stdout or stderr but a crash nobody caught.
//
// It lives as long as the channel: when the wizard goes away (quits, or is killed), the producer stops
// taking new events, finishes what is in flight for a moment, closes the journal and exits.
import { createClients } from '../config/clients.js';
import { messageOf, TargetError } from '../config/errors.js';
import { loadEventTemplate } from './event-template/template.js';
import type { ProducerSummary, ProducerUpdate } from './producer.js';
import { ProgressBatcher } from './producer-batch.js';
import {
  type FromProducer,
  fromWireCredentials,
  isControl,
  isToProducer,
  type ProducerControl,
  type ToProducer,
  type WireCredentials,
} from './producer-wire.js';
import { openStreamSession, type StreamSession } from './stream-session.js';

/** After the wizard went away: how long what is in flight may take before it is cancelled, ms. */
const ORPHAN_DRAIN_MS = 3_000;
/** However it ends, the process is gone this long after it was told to stop, ms. */
const EXIT_DEADLINE_MS = 10_000;

let session: StreamSession | undefined;
let running: Promise<ProducerSummary> | undefined;
let batcher: ProgressBatcher | undefined;
let progressTimer: NodeJS.Timeout | undefined;
let controls = 0;
let leaving = false;

function send(message: FromProducer, then?: () => void): void {
  if (!process.connected) {
    then?.();
    return;
  }
  process.send?.(message, undefined, {}, () => then?.());
}

// Credentials come from the wizard, which resolved them for its target (the SDK's chain, a profile, the
// local cloud's placeholders) and refreshes them; the SDK asks again when those it has expire.
let nextRequest = 0;
const waiting = new Map<number, { resolve(c: WireCredentials): void; reject(e: Error): void }>();
let cached: { credentials: WireCredentials; until: number } | undefined;

async function credentials() {
  if (cached && Date.now() < cached.until) return fromWireCredentials(cached.credentials);
  const id = ++nextRequest;
  const answer = await new Promise<WireCredentials>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    send({ type: 'credentials?', id });
  });
  // Five minutes before they expire, as the SDK's own providers refresh.
  cached = {
    credentials: answer,
    until: answer.expiration === undefined ? Number.POSITIVE_INFINITY : answer.expiration - 300_000,
  };
  return fromWireCredentials(answer);
}

function progress(): void {
  const producer = session?.producer;
  if (!producer) return;
  const batch = batcher?.take();
  send({ type: 'progress', stats: producer.stats(), controls, ...(batch ? { batch } : {}) });
}

async function open(message: Extract<ToProducer, { type: 'open' }>): Promise<void> {
  const clientConfig = { ...message.client, credentials };
  const clients = createClients(clientConfig);
  try {
    const { events } = message;
    session = await openStreamSession(
      { clients, clientConfig, journalPath: () => message.journalPath },
      message.stack,
      {
        rate: message.rate,
        ...(events
          ? {
              template: loadEventTemplate(
                events.path,
                events.partitionKey ? { partitionKey: events.partitionKey } : {},
              ),
              ...(events.partitionKey ? { partitionKey: events.partitionKey } : {}),
            }
          : {}),
      },
    );
  } catch (error) {
    send(
      {
        type: 'open-failed',
        kind: error instanceof TargetError ? 'target' : 'error',
        message: messageOf(error),
      },
      () => process.exit(0),
    );
    return;
  } finally {
    // The describe call is done; the producer has a Kinesis client of its own.
    clients.destroy();
  }
  batcher = new ProgressBatcher(message.limits);
  const current = batcher;
  session.producer.subscribe((update: ProducerUpdate) => current.add(update));
  progressTimer = setInterval(progress, message.progressMs);
  send({
    type: 'opened',
    streamName: session.streamName,
    journalPath: session.journalPath,
    stats: session.producer.stats(),
  });
}

function run(): void {
  const current = session;
  if (!current || running) return;
  running = current.producer.run();
  running.then(
    (summary) => {
      clearInterval(progressTimer);
      progress();
      current.close();
      send({ type: 'stopped', summary }, () => process.exit(0));
    },
    (error) => crash(error),
  );
}

function control(message: ProducerControl): void {
  controls++;
  const producer = session?.producer;
  if (producer) {
    switch (message.type) {
      case 'pause':
        producer.pause();
        break;
      case 'resume':
        producer.resume();
        break;
      case 'set-rate':
        producer.setRate(message.rate);
        break;
      case 'burst':
        producer.burst(message.count);
        break;
      case 'malformed':
        producer.sendMalformed(message.eventId);
        break;
      case 'stop':
        producer.stop();
        break;
      case 'abort':
        producer.abort();
        break;
    }
  }
  // The wizard sees the effect at once, not at the next tick.
  progress();
}

function crash(error: unknown): void {
  send({ type: 'crashed', message: messageOf(error) }, () => process.exit(1));
  setTimeout(() => process.exit(1), 1_000).unref();
}

/** The wizard is gone: stop, give what is in flight a moment, then leave with the journal closed. */
function leave(): void {
  if (leaving) return;
  leaving = true;
  setTimeout(() => process.exit(0), EXIT_DEADLINE_MS).unref();
  const producer = session?.producer;
  if (!producer || !running) {
    session?.close();
    process.exit(0);
  }
  producer.stop();
  setTimeout(() => producer.abort(), ORPHAN_DRAIN_MS).unref();
  // `run`'s own ending closes the session and exits.
}

process.on('message', (message: unknown) => {
  if (!isToProducer(message)) return;
  if (message.type === 'open') {
    if (!session) open(message).catch(crash);
  } else if (message.type === 'run') {
    run();
  } else if (message.type === 'credentials') {
    const request = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.credentials) request?.resolve(message.credentials);
    else request?.reject(new Error(message.error ?? 'no credentials'));
  } else if (isControl(message)) {
    control(message);
  }
});
process.on('disconnect', leave);
// The wizard owns Ctrl-C (this process has its own process group anyway); a kill stops it as a quit would.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', leave);
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);
