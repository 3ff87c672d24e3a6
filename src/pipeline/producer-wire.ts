// The messages between the wizard and its producer process (producer-process.ts starts it,
// producer-process-main.ts is its entry), over Node's IPC channel. Shapes and checks only: what each side
// does with them lives beside it. The producer's own types travel as they are.
import type { ClientConfig } from '../config/clients.js';
import type { ProducerStats, ProducerSummary } from './producer.js';
import type { ProgressBatch } from './producer-batch.js';
import type { StreamTarget } from './stream-session.js';

/** A template of events of your own, and the field that keys them (default: their event_id). */
export interface EventsChoice {
  path: string;
  partitionKey?: string;
}

/** How much of what happened the producer process keeps between two progress messages (the UI's buffers). */
export interface ProgressLimits {
  /** The newest acknowledged events kept; older ones are counted, not sent. */
  acknowledged: number;
  /** The newest failed events kept. */
  failed: number;
}

/** Credentials as they cross the channel: `expiration` in epoch ms (a Date does not survive JSON). */
export interface WireCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: number;
}

/** Wizard -> producer process. */
export type ToProducer =
  | {
      type: 'open';
      /** The target's client settings, without credentials: those are asked for (`credentials?`). */
      client: Pick<ClientConfig, 'region' | 'endpoint'>;
      stack: StreamTarget;
      journalPath: string;
      rate: number;
      /** Events of your own: a template file the process loads (default: the built-in events). */
      events?: EventsChoice;
      limits: ProgressLimits;
      /** How often progress is sent while running, ms. */
      progressMs: number;
    }
  | { type: 'run' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'set-rate'; rate: number }
  | { type: 'burst'; count: number }
  | { type: 'malformed'; eventId: string }
  | { type: 'stop' }
  | { type: 'abort' }
  | { type: 'credentials'; id: number; credentials?: WireCredentials; error?: string };

/** The controls: every one of them is counted, so the wizard knows which progress has seen which. */
export type ProducerControl = Extract<
  ToProducer,
  { type: 'pause' | 'resume' | 'set-rate' | 'burst' | 'malformed' | 'stop' | 'abort' }
>;

/** Producer process -> wizard. */
export type FromProducer =
  | { type: 'opened'; streamName: string; journalPath: string; stats: ProducerStats }
  /** `target`: a TargetError (the message says what to do); `error`: anything else. */
  | { type: 'open-failed'; kind: 'target' | 'error'; message: string }
  /** `controls`: how many controls the process had applied when it took these stats. */
  | { type: 'progress'; stats: ProducerStats; controls: number; batch?: ProgressBatch }
  | { type: 'stopped'; summary: ProducerSummary }
  | { type: 'credentials?'; id: number }
  /** An error nothing caught: the process exits after saying so. */
  | { type: 'crashed'; message: string };

const TO_PRODUCER = new Set<ToProducer['type']>([
  'open',
  'run',
  'pause',
  'resume',
  'set-rate',
  'burst',
  'malformed',
  'stop',
  'abort',
  'credentials',
]);
const FROM_PRODUCER = new Set<FromProducer['type']>([
  'opened',
  'open-failed',
  'progress',
  'stopped',
  'credentials?',
  'crashed',
]);
const CONTROLS = new Set<string>(['pause', 'resume', 'set-rate', 'burst', 'malformed', 'stop', 'abort']);

function typeOf(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const type = (message as { type?: unknown }).type;
  return typeof type === 'string' ? type : undefined;
}

export function isToProducer(message: unknown): message is ToProducer {
  return TO_PRODUCER.has(typeOf(message) as ToProducer['type']);
}

export function isFromProducer(message: unknown): message is FromProducer {
  return FROM_PRODUCER.has(typeOf(message) as FromProducer['type']);
}

export function isControl(message: ToProducer): message is ProducerControl {
  return CONTROLS.has(message.type);
}

export function toWireCredentials(credentials: {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}): WireCredentials {
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    ...(credentials.expiration ? { expiration: credentials.expiration.getTime() } : {}),
  };
}

export function fromWireCredentials(credentials: WireCredentials) {
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    ...(credentials.expiration !== undefined ? { expiration: new Date(credentials.expiration) } : {}),
  };
}
