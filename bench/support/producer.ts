// Producer runs for the bench: ours (the engine's Producer, as `kinesis-tui stream` builds it) and the
// seed-style baseline (one PutRecord per event, each awaited before the next), against any endpoint.
import { join } from 'node:path';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { baseClientOptions } from '../../src/config/clients.js';
import { createEventSource, type EventSource } from '../../src/pipeline/events.js';
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
  /**
   * Acknowledged events a second from `steadyAfterMs` into the run until it stopped taking new events:
   * the rate once the shards' one-second burst allowance is spent (the whole run's rate when unset).
   */
  steadyPerSecond: number;
}

/** Our producer at full speed for `durationMs` (or `count` events), journaling as `stream` does. */
export async function runProducer(
  endpoint: string,
  stream: string,
  dir: string,
  options: Partial<Omit<ProducerOptions, 'kinesis' | 'journal' | 'source'>> & {
    seed?: number;
    steadyAfterMs?: number;
    /** Where the events come from (default: the built-in e-commerce events). */
    source?: EventSource;
  } = {},
): Promise<ProducerRun> {
  const kinesis = kinesisClient(endpoint, 1);
  const journalPath = join(dir, `journal-${Date.now()}-${Math.random().toString(36).slice(2)}.ndjson`);
  const journal = JournalWriter.open(journalPath);
  const { seed, steadyAfterMs, source, ...rest } = options;
  const producer = new Producer({
    kinesis,
    stream: { name: stream },
    source: source ?? createEventSource({ seed: seed ?? 7 }),
    rate: Number.POSITIVE_INFINITY,
    ...rest,
    journal,
  });
  // Samples (elapsed ms, acknowledged) while it runs: the first past the steady mark, the last while running.
  let first: [number, number] | undefined;
  let last: [number, number] | undefined;
  const sampler = setInterval(() => {
    const s = producer.stats();
    if (s.state !== 'running') return;
    if (!first && s.elapsedMs >= (steadyAfterMs ?? 0)) first = [s.elapsedMs, s.acknowledged];
    last = [s.elapsedMs, s.acknowledged];
  }, 20);
  try {
    const summary = await producer.run();
    const perSecond = summary.acknowledged / (summary.elapsedMs / 1000);
    const steadyPerSecond =
      first && last && last[0] - first[0] > 500
        ? (last[1] - first[1]) / ((last[0] - first[0]) / 1000)
        : perSecond;
    return { summary, journalPath, perSecond, steadyPerSecond };
  } finally {
    clearInterval(sampler);
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
