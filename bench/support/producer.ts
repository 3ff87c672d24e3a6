// Producer runs for the bench: ours (the engine's Producer, as `kinesis-tui stream` builds it) and the
// seed-style baseline (one PutRecord per event, each awaited before the next), against any endpoint.
import { join } from 'node:path';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { baseClientOptions } from '../../src/config/clients.js';
import { createEventSource } from '../../src/pipeline/events.js';
import { JournalWriter } from '../../src/pipeline/journal.js';
import { Producer, type ProducerOptions, type ProducerSummary } from '../../src/pipeline/producer.js';
import { BENCH_CREDENTIALS, BENCH_REGION } from './cloud.js';

export function kinesisClient(endpoint: string, maxAttempts?: number): KinesisClient {
  return new KinesisClient(
    baseClientOptions({
      region: BENCH_REGION,
      endpoint,
      credentials: BENCH_CREDENTIALS,
      ...(maxAttempts ? { maxAttempts } : {}),
    }),
  );
}

export interface ProducerRun {
  summary: ProducerSummary;
  journalPath: string;
  /** Acknowledged events a second over the whole run, draining included. */
  perSecond: number;
}

/** Our producer at full speed for `durationMs` (or `count` events), journaling as `stream` does. */
export async function runProducer(
  endpoint: string,
  stream: string,
  dir: string,
  options: Partial<Omit<ProducerOptions, 'kinesis' | 'journal'>> & { seed?: number } = {},
): Promise<ProducerRun> {
  const kinesis = kinesisClient(endpoint, 1);
  const journalPath = join(dir, `journal-${Date.now()}-${Math.random().toString(36).slice(2)}.ndjson`);
  const journal = JournalWriter.open(journalPath);
  const { seed, ...rest } = options;
  const producer = new Producer({
    kinesis,
    stream: { name: stream },
    source: createEventSource({ seed: seed ?? 7 }),
    rate: Number.POSITIVE_INFINITY,
    ...rest,
    journal,
  });
  try {
    const summary = await producer.run();
    return { summary, journalPath, perSecond: summary.acknowledged / (summary.elapsedMs / 1000) };
  } finally {
    journal.close();
    kinesis.destroy();
  }
}

/** The seed-style producer: one PutRecord per event, awaited one after another, for `durationMs`. */
export async function runBaseline(endpoint: string, stream: string, durationMs: number): Promise<number> {
  const kinesis = kinesisClient(endpoint);
  const source = createEventSource({ seed: 11 });
  let sent = 0;
  const started = performance.now();
  try {
    while (performance.now() - started < durationMs) {
      const event = source.next();
      await kinesis.send(
        new PutRecordCommand({
          StreamName: stream,
          Data: Buffer.from(JSON.stringify(event)),
          PartitionKey: event.user_id,
        }),
      );
      sent++;
    }
  } finally {
    kinesis.destroy();
  }
  return sent / ((performance.now() - started) / 1000);
}
