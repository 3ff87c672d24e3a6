// Sends what functions print to CloudWatch Logs, through the Logs API as Lambda does: the group and the
// stream are created on first use, events go out in batches, one PutLogEvents at a time per stream.
// Nothing here may fail an invocation: a delivery problem goes to the local cloud's log.
import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';

interface Event {
  timestamp: number;
  message: string;
}

interface Queue {
  events: Event[];
  sending: Promise<void> | undefined;
  created: boolean;
}

const MAX_EVENTS = 10_000;
const MAX_BYTES = 1_000_000;

export class LogShipper {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly client: () => CloudWatchLogsClient,
    private readonly log: (message: string) => void,
  ) {}

  ship(group: string, stream: string, events: Event[]): void {
    if (events.length === 0) return;
    const key = `${group}\u0000${stream}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { events: [], sending: undefined, created: false };
      this.queues.set(key, queue);
    }
    queue.events.push(...events);
    if (!queue.sending) queue.sending = this.drain(group, stream, queue);
  }

  /** Resolves once everything shipped so far has been sent (or given up on). */
  async flush(): Promise<void> {
    while ([...this.queues.values()].some((q) => q.sending)) {
      await Promise.all([...this.queues.values()].map((q) => q.sending));
    }
  }

  private async ensure(group: string, stream: string): Promise<void> {
    for (const command of [
      new CreateLogGroupCommand({ logGroupName: group }),
      new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }),
    ]) {
      try {
        await this.client().send(command as CreateLogGroupCommand);
      } catch (error) {
        if ((error as Error).name !== 'ResourceAlreadyExistsException') throw error;
      }
    }
  }

  private async drain(group: string, stream: string, queue: Queue): Promise<void> {
    try {
      while (queue.events.length > 0) {
        const batch: Event[] = [];
        let bytes = 0;
        while (queue.events.length > 0 && batch.length < MAX_EVENTS) {
          const next = queue.events[0] as Event;
          const size = Buffer.byteLength(next.message) + 26;
          if (batch.length > 0 && bytes + size > MAX_BYTES) break;
          batch.push(next);
          queue.events.shift();
          bytes += size;
        }
        await this.put(group, stream, queue, batch);
      }
    } catch (error) {
      queue.events.length = 0;
      this.log(`lambda: could not write function logs to ${group} ${stream}: ${(error as Error).message}`);
    } finally {
      queue.sending = undefined;
    }
  }

  private async put(group: string, stream: string, queue: Queue, batch: Event[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (!queue.created) {
          await this.ensure(group, stream);
          queue.created = true;
        }
        await this.client().send(
          new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: batch }),
        );
        return;
      } catch (error) {
        // Someone deleted the group or stream since: make it again, once.
        if ((error as Error).name === 'ResourceNotFoundException' && attempt === 0) {
          queue.created = false;
          continue;
        }
        throw error;
      }
    }
  }
}
