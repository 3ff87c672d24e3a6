// A stream session: the one way to start sending into a stack's stream, shared by `kinesis-tui stream` and
// the wizard. It checks that the stream is there and writable, opens the stack's journal, builds a Kinesis
// client that leaves retries to the producer, and hands back the producer and what to close afterwards.
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { baseClientOptions } from '../config/clients.js';
import { TargetError } from '../config/errors.js';
import type { Target } from '../config/target.js';
import { createTemplateSource, type EventTemplate } from './event-template/template.js';
import { createEventSource, DEFAULT_USER_POOL, type EventSource } from './events.js';
import { JournalWriter } from './journal.js';
import { Producer, type ProducerOptions } from './producer.js';

export interface StreamSessionOptions
  extends Partial<
    Pick<ProducerOptions, 'count' | 'durationMs' | 'maxInFlight' | 'signal' | 'aggregate' | 'recordTtlMs'>
  > {
  /** Events a second; Infinity for as fast as the stream takes them. */
  rate: number;
  seed?: number;
  /** The built-in events' user pool. */
  users?: number;
  /** Events of your own (loadEventTemplate) instead of the built-in e-commerce events. */
  template?: EventTemplate;
  /** With a template: the top-level field whose value is the partition key (default: the event_id). */
  partitionKey?: string;
}

export interface StreamSession {
  producer: Producer;
  source: EventSource;
  streamName: string;
  journalPath: string;
  /** Closes the journal and the producer's client; call once the producer has stopped. */
  close(): void;
}

/** Throws a TargetError saying what to do unless the stream exists and takes writes. */
async function checkStream(target: Pick<Target, 'clients'>, stackName: string, streamName: string) {
  try {
    const summary = await target.clients.kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    const status = summary.StreamDescriptionSummary?.StreamStatus;
    if (status !== 'ACTIVE' && status !== 'UPDATING') {
      throw new TargetError(
        `the stream ${streamName} is ${status}: wait for it to be ACTIVE (\`kinesis-tui status\`)`,
      );
    }
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') {
      throw new TargetError(
        `the stream ${streamName} of stack "${stackName}" does not exist: run \`kinesis-tui deploy\` to repair the stack`,
      );
    }
    throw error;
  }
}

/** Where a session sends: the stack (it names the journal) and its stream, as discovery found it. */
export interface StreamTarget {
  name: string;
  streamName: string;
}

export async function openStreamSession(
  target: Pick<Target, 'clients' | 'clientConfig' | 'journalPath'>,
  stack: StreamTarget,
  options: StreamSessionOptions,
): Promise<StreamSession> {
  const { streamName } = stack;
  await checkStream(target, stack.name, streamName);
  const journalPath = target.journalPath(stack.name);
  const journal = JournalWriter.open(journalPath);
  // The producer retries failed entries itself; the SDK's own retries (per call) would double them.
  const kinesis = new KinesisClient(baseClientOptions({ ...target.clientConfig, maxAttempts: 1 }));
  const seed = options.seed !== undefined ? { seed: options.seed } : {};
  const source = options.template
    ? createTemplateSource(options.template, {
        ...seed,
        ...(options.partitionKey !== undefined ? { partitionKey: options.partitionKey } : {}),
      })
    : createEventSource({ ...seed, users: options.users ?? DEFAULT_USER_POOL });
  const producer = new Producer({
    kinesis,
    stream: { name: streamName },
    source,
    rate: options.rate,
    ...(options.count !== undefined ? { count: options.count } : {}),
    ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
    ...(options.maxInFlight ? { maxInFlight: options.maxInFlight } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.aggregate ? { aggregate: options.aggregate } : {}),
    ...(options.recordTtlMs !== undefined ? { recordTtlMs: options.recordTtlMs } : {}),
    journal,
  });
  let closed = false;
  return {
    producer,
    source,
    streamName,
    journalPath,
    close() {
      if (closed) return;
      closed = true;
      journal.close();
      kinesis.destroy();
    },
  };
}
