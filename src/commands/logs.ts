// `kinesis-tui logs`: the transform Lambda's log and Firehose's delivery error log, merged oldest first
// (newest at the bottom), errors highlighted; `--follow` keeps polling until Ctrl-C.
import { TargetError } from '../config/errors.js';
import { requirePipeline } from '../pipeline/discovery.js';
import {
  LiveTailUnavailable,
  type LogLine,
  LogTail,
  lineKey,
  liveTail,
  logSources,
} from '../pipeline/logs.js';
import { type CommonOptions, runCommand } from './common.js';
import { EXIT } from './exit-codes.js';
import { duration } from './output.js';

export interface LogsCommandOptions extends CommonOptions {
  follow?: boolean;
  filter?: string;
  /** How far back to start, ms (default 30 minutes). */
  sinceMs?: number;
}

export const DEFAULT_LOGS_SINCE_MS = 30 * 60_000;

const LABEL: Record<LogLine['kind'], string> = { transform: 'transform', firehose: 'firehose ' };

/** Red on a terminal that takes colour (not piped, NO_COLOR unset), as `grep --color=auto` decides. */
function colouring(): (text: string) => string {
  const on =
    process.stdout.isTTY === true &&
    !process.env.NO_COLOR &&
    process.env.FORCE_COLOR !== '0' &&
    process.env.TERM !== 'dumb';
  return on ? (text) => `\u001b[31m${text}\u001b[39m` : (text) => text;
}

function timeOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function lineText(line: LogLine, red: (text: string) => string): string[] {
  const [first = '', ...rest] = line.message.split('\n');
  const text = [
    `${timeOf(line.time)}  ${LABEL[line.kind]}  ${line.error ? '! ' : ''}${first}`,
    ...rest.map((r) => `${' '.repeat(33)}${r}`),
  ];
  return line.error ? text.map(red) : text;
}

export function runLogs(options: LogsCommandOptions): Promise<number> {
  return runCommand(
    'logs',
    options,
    async ({ target, out, stackName, interrupts }) => {
      // Every delivery stream of the stack and the transform each invokes, wherever their logs go.
      const sources = logSources(await requirePipeline(target.clients, stackName));
      if (sources.length === 0) {
        throw new TargetError(
          `stack "${stackName}" has no Lambda function and no delivery stream that logs, so there is no log to read`,
        );
      }
      const sinceMs = options.sinceMs ?? DEFAULT_LOGS_SINCE_MS;
      const tail = new LogTail(target.clients.logs, sources, {
        since: Date.now() - sinceMs,
        ...(options.filter ? { filter: options.filter } : {}),
      });
      out.event(
        'sources',
        {
          sources,
          since: new Date(Date.now() - sinceMs).toISOString(),
          follow: Boolean(options.follow),
          filter: options.filter ?? null,
        },
        `${sources.map((s) => `${s.kind} ${s.group}${s.stream ? ` (${s.stream})` : ''}`).join(', ')}; from ${duration(sinceMs)} ago` +
          `${options.filter ? `, lines holding "${options.filter}"` : ''}${options.follow ? '; following (Ctrl-C stops)' : ''}`,
      );
      const red = colouring();
      const missingSaid = new Set<string>();
      let shown = 0;
      const print = (line: LogLine) => {
        shown++;
        out.event(
          'log',
          {
            kind: line.kind,
            group: line.group,
            stream: line.stream,
            time: new Date(line.time).toISOString(),
            error: line.error,
            message: line.message,
          },
          lineText(line, red),
        );
      };
      const show = async () => {
        const { lines, missingGroups } = await tail.poll(interrupts.stop);
        for (const group of missingGroups) {
          if (missingSaid.has(group)) continue;
          missingSaid.add(group);
          out.event('missing-group', { group }, `(no log group ${group} yet: nothing has been logged there)`);
        }
        for (const line of lines) print(line);
      };
      if (!options.follow) {
        await show();
        if (shown === 0)
          out.info(
            `no log lines in the last ${duration(sinceMs)}${options.filter ? ` holding "${options.filter}"` : ''}`,
          );
        return EXIT.ok;
      }
      // Following: Live Tail where the target has it (lines pushed as they are logged), what came before read
      // once the session is open so nothing falls between; else FilterLogEvents every second or two.
      const before = new Set<string>();
      try {
        for await (const lines of liveTail(target.clients.logs, sources, {
          region: target.region,
          account: target.identity.account,
          ...(options.filter ? { filter: options.filter } : {}),
          signal: interrupts.stop,
          onStart: async () => {
            const { lines, missingGroups } = await tail.poll(interrupts.stop);
            for (const group of missingGroups)
              out.event(
                'missing-group',
                { group },
                `(no log group ${group} yet: nothing has been logged there)`,
              );
            for (const line of lines) {
              before.add(lineKey(line));
              print(line);
            }
            out.event('live', { via: 'StartLiveTail' }, '(live: lines appear as they are logged)');
          },
        })) {
          for (const line of lines) if (!before.has(line.id)) print(line);
        }
        return EXIT.interrupted;
      } catch (error) {
        if (!(error instanceof LiveTailUnavailable)) {
          if (interrupts.stop.aborted) return EXIT.interrupted;
          throw error;
        }
        out.event(
          'live',
          { via: 'FilterLogEvents', reason: error.message },
          `(no Live Tail here (${error.message}): polling instead)`,
        );
      }
      await show().catch((error) => {
        if (!interrupts.stop.aborted) throw error;
      });
      const pollMs = target.kind === 'aws' ? 2000 : 1000;
      while (!interrupts.stop.aborted) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, pollMs);
          function done() {
            clearTimeout(timer);
            interrupts.stop.removeEventListener('abort', done);
            resolve();
          }
          interrupts.stop.addEventListener('abort', done, { once: true });
        });
        if (interrupts.stop.aborted) break;
        await show().catch((error) => {
          if (!interrupts.stop.aborted) throw error;
        });
      }
      return EXIT.interrupted;
    },
    {
      onInterrupt: (out) => out.info('stopped following'),
    },
  );
}
