// `kinesis-tui stream`: fake events into the stack's Kinesis stream, journaled for verify.
import { InputError, TargetError } from '../config/errors.js';
import { requireChoice, requirePipeline } from '../pipeline/discovery.js';
import { type EventTemplate, loadEventTemplate } from '../pipeline/event-template/template.js';
import { DEFAULT_USER_POOL } from '../pipeline/events.js';
import { DEFAULT_RATE } from '../pipeline/pacing.js';
import type { Producer, ProducerStats } from '../pipeline/producer.js';
import { openStreamSession } from '../pipeline/stream-session.js';
import { type CommonOptions, runCommand } from './common.js';
import { EXIT } from './exit-codes.js';
import { count, duration, plural } from './output.js';

export interface StreamCommandOptions extends CommonOptions {
  rate?: number;
  count?: number;
  durationMs?: number;
  seed?: number;
  users?: number;
  maxInFlight?: number;
  /** Send this many malformed records too (to watch processing-failed/ fill). */
  malformed?: number;
  /** KPL-aggregate events into fewer, larger records. */
  aggregate?: boolean;
  /** Give an event up when Kinesis has not taken it after this long, retries included (ms). */
  recordTtlMs?: number;
  /** A template file of events of your own. */
  events?: string;
  /** With --events: the field whose value is the partition key. */
  partitionKey?: string;
  /** The stream to send to, when the stack has several. */
  stream?: string;
}

export { parseDuration, parseRate } from './parse.js';

function statsLine(s: ProducerStats): string {
  return (
    `sent ${count(s.sent)}  acknowledged ${count(s.acknowledged)}  retried ${count(s.retried)}  ` +
    `throttled ${count(s.throttled)}  failed ${count(s.failed)}  rate ${count(s.rate)}/s` +
    (s.shardLimitedRate !== undefined ? `  (shards take ~${count(s.shardLimitedRate)}/s)` : '') +
    (s.eventsPerRecord > 1 ? `  ${s.eventsPerRecord.toFixed(0)} events a record` : '')
  );
}

function statsData(s: ProducerStats) {
  return {
    sent: s.sent,
    acknowledged: s.acknowledged,
    retried: s.retried,
    throttled: s.throttled,
    failed: s.failed,
    outstanding: s.outstanding,
    rate: Math.round(s.rate),
    ...(s.shardLimitedRate !== undefined ? { shardLimitedRate: Math.round(s.shardLimitedRate) } : {}),
    eventsPerRecord: Math.round(s.eventsPerRecord * 10) / 10,
    elapsedMs: Math.round(s.elapsedMs),
  };
}

/** The template of --events, checked before anything is started; --partition-key needs it. */
function eventTemplate(options: StreamCommandOptions): EventTemplate | undefined {
  if (options.events === undefined) {
    if (options.partitionKey !== undefined)
      throw new InputError(
        '--partition-key picks a field of your own events: use it with --events FILE (the built-in events are keyed by user_id)',
      );
    return undefined;
  }
  return loadEventTemplate(options.events, {
    ...(options.partitionKey !== undefined ? { partitionKey: options.partitionKey } : {}),
  });
}

export function runStream(options: StreamCommandOptions): Promise<number> {
  let producer: Producer | undefined;
  let template: EventTemplate | undefined;
  return runCommand(
    'stream',
    options,
    async ({ target, out, stackName, interrupts }) => {
      const discovery = await requirePipeline(target.clients, stackName);
      const { stream } = requireChoice(discovery, {
        ...(options.stream ? { stream: options.stream } : {}),
        need: 'stream',
      });
      if (!stream) {
        throw new TargetError(
          `stack "${stackName}" is ${discovery.stack.status} and has no Kinesis stream to send to: run \`kinesis-tui deploy\``,
        );
      }
      const session = await openStreamSession(
        target,
        { name: stackName, streamName: stream.name },
        {
          rate: options.rate ?? DEFAULT_RATE,
          ...(template ? { template } : {}),
          ...(options.partitionKey !== undefined ? { partitionKey: options.partitionKey } : {}),
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
          ...(options.users !== undefined ? { users: options.users } : {}),
          ...(options.count !== undefined ? { count: options.count } : {}),
          ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
          ...(options.maxInFlight ? { maxInFlight: options.maxInFlight } : {}),
          ...(options.aggregate ? { aggregate: true } : {}),
          ...(options.recordTtlMs !== undefined ? { recordTtlMs: options.recordTtlMs } : {}),
          signal: interrupts.abort,
        },
      );
      const { source, streamName, journalPath } = session;
      const rate = options.rate ?? DEFAULT_RATE;
      producer = session.producer;
      const p = producer;
      for (let i = 0; i < (options.malformed ?? 0); i++) p.sendMalformed();
      let shownFailures = 0;
      p.subscribe((update) => {
        if (update.type === 'failed') {
          for (const f of update.events) {
            if (shownFailures++ < 20 || out.json) {
              out.event(
                'failed',
                { eventId: f.eventId, reason: f.reason, attempts: f.attempts },
                `failed: event ${f.eventId} after ${f.attempts} attempts: ${f.reason}`,
              );
            }
          }
        } else if (update.type === 'error')
          out.event('stream-error', { message: update.message }, `the stream refused: ${update.message}`);
      });
      const until = [
        options.count !== undefined ? plural(options.count, 'event') : undefined,
        options.durationMs !== undefined ? duration(options.durationMs) : undefined,
      ].filter(Boolean);
      out.event(
        'streaming',
        {
          stream: streamName,
          rate: Number.isFinite(rate) ? rate : 'max',
          seed: source.seed,
          ...(template ? { events: options.events } : { users: options.users ?? DEFAULT_USER_POOL }),
          aggregate: Boolean(options.aggregate),
          journal: journalPath,
        },
        `streaming to ${streamName} at ${Number.isFinite(rate) ? `${count(rate)} events/s` : 'the highest rate it takes'} ` +
          `(${source.description}, seed ${source.seed}${options.aggregate ? ', KPL-aggregated' : ''}) ${until.length ? `for ${until.join(' or ')}` : 'until Ctrl-C'}; journal ${journalPath}`,
      );
      const ticker = setInterval(() => {
        const s = p.stats();
        out.event('stats', statsData(s), statsLine(s));
      }, 1000);
      interrupts.stop.addEventListener('abort', () => p.stop(), { once: true });
      let result: Awaited<ReturnType<Producer['run']>>;
      try {
        result = await p.run();
      } finally {
        clearInterval(ticker);
        session.close();
      }
      const seconds = result.elapsedMs / 1000;
      out.event(
        'summary',
        {
          ...statsData(result),
          stoppedBy: result.stoppedBy,
          unconfirmed: result.unconfirmed,
          journal: journalPath,
        },
        [
          `${result.stoppedBy === 'stop' || result.stoppedBy === 'abort' ? 'stopped: ' : ''}sent ${plural(result.sent, 'event')}, ` +
            `${count(result.acknowledged)} acknowledged, ${count(result.failed)} failed, ${count(result.retried)} ${result.retried === 1 ? 'retry' : 'retries'} ` +
            `(${count(result.throttled)} throttled) in ${duration(result.elapsedMs)}, ${count(seconds > 0 ? result.acknowledged / seconds : 0)} events/s`,
          ...(result.unconfirmed > 0
            ? [
                `${plural(result.unconfirmed, 'event')} ${result.unconfirmed === 1 ? 'was' : 'were'} cut off unconfirmed; verify will say whether they arrived`,
              ]
            : []),
        ],
      );
      if (result.error) throw new TargetError(`the stream refused the records: ${result.error}`);
      if (result.stoppedBy === 'stop' || result.stoppedBy === 'abort') return EXIT.interrupted;
      if (result.failed > 0) {
        out.error(
          `${plural(result.failed, 'event')} could not be sent after retries (listed above)`,
          EXIT.target,
        );
        return EXIT.target;
      }
      return EXIT.ok;
    },
    {
      check: () => {
        template = eventTemplate(options);
      },
      onInterrupt: (out) => {
        // An event, so --json shows it too: what reads the output knows the first Ctrl-C was taken (the
        // producer drains in well under a second now that its queue follows what the stream takes).
        const message = 'stopping: no new events; finishing those in flight (Ctrl-C again to stop now)';
        out.event('stopping', { message }, message);
      },
    },
  );
}
