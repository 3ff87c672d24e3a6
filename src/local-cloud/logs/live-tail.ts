// StartLiveTail: log events pushed as they are ingested, over one long response in the event stream
// encoding, as the API reference describes it: a sessionStart event, then a sessionUpdate each second that
// brings events (at most 500 each; more and the update is marked sampled), for up to three hours, after
// which a SessionTimeoutException ends the stream. Clients call it again to go on.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ServiceError } from '../protocol/common.js';
import { EVENT_STREAM, eventMessage, exceptionMessage } from '../protocol/event-stream.js';
import type { Fields } from '../protocol/fields.js';
import type { LogStore } from './store.js';

const UPDATE_MS = 1_000;
const MAX_RESULTS = 500;
const SESSION_MS = 3 * 3_600_000;

export interface LiveTailRequest {
  /** The groups' ARNs, as given. */
  identifiers: string[];
  /** The groups' names. */
  groups: string[];
  streamNames?: string[];
  streamPrefixes?: string[];
  pattern?: string;
}

/** The request's fields, checked as the API checks them. */
export function liveTailRequest(f: Fields, groupOf: (identifier: string) => string): LiveTailRequest {
  const identifiers = f.strings('logGroupIdentifiers');
  if (!identifiers || identifiers.length < 1 || identifiers.length > 10)
    f.fail('logGroupIdentifiers must hold 1 to 10 log groups.');
  const streamNames = f.strings('logStreamNames');
  const streamPrefixes = f.strings('logStreamNamePrefixes');
  if (streamNames && streamPrefixes)
    f.fail('logStreamNames and logStreamNamePrefixes are mutually exclusive.');
  if ((streamNames || streamPrefixes) && identifiers.length > 1)
    f.fail('logStreamNames and logStreamNamePrefixes can be given with one log group only.');
  const pattern = f.string('logEventFilterPattern', true);
  return {
    identifiers,
    groups: identifiers.map(groupOf),
    ...(streamNames ? { streamNames } : {}),
    ...(streamPrefixes ? { streamPrefixes } : {}),
    ...(pattern ? { pattern } : {}),
  };
}

export async function serveLiveTail(
  store: LogStore,
  request: LiveTailRequest,
  response: ServerResponse,
  options: { sessionMs?: number } = {},
): Promise<void> {
  for (const group of request.groups) store.group(group);
  const requestId = randomUUID();
  let seq = store.nextSeq;
  const closed = new AbortController();
  response.once('close', () => closed.abort());
  const until = Date.now() + (options.sessionMs ?? SESSION_MS);
  response.writeHead(200, { 'Content-Type': EVENT_STREAM, 'x-amzn-RequestId': requestId });
  response.write(eventMessage('initial-response', {}));
  response.write(
    eventMessage('sessionStart', {
      requestId,
      sessionId: randomUUID(),
      logGroupIdentifiers: request.identifiers,
      ...(request.streamNames ? { logStreamNames: request.streamNames } : {}),
      ...(request.streamPrefixes ? { logStreamNamePrefixes: request.streamPrefixes } : {}),
      ...(request.pattern ? { logEventFilterPattern: request.pattern } : {}),
    }),
  );
  try {
    while (!closed.signal.aborted && Date.now() < until) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, UPDATE_MS);
        function done() {
          clearTimeout(timer);
          closed.signal.removeEventListener('abort', done);
          resolve();
        }
        closed.signal.addEventListener('abort', done, { once: true });
      });
      if (closed.signal.aborted) break;
      const found = store.ingestedSince(request.groups, seq, request);
      if (found.length === 0) continue;
      seq = (found.at(-1)?.seq ?? seq - 1) + 1;
      const shown = found.slice(-MAX_RESULTS);
      response.write(
        eventMessage('sessionUpdate', {
          sessionMetadata: { sampled: found.length > shown.length },
          sessionResults: shown.map((e) => ({
            logStreamName: e.logStreamName,
            logGroupIdentifier: request.identifiers[request.groups.indexOf(e.group)] ?? e.group,
            message: e.message,
            timestamp: e.timestamp,
            ingestionTime: e.ingestionTime,
          })),
        }),
      );
    }
    if (!closed.signal.aborted) {
      response.write(
        exceptionMessage(
          'SessionTimeoutException',
          'The Live Tail session reached its time limit of three hours.',
        ),
      );
    }
  } catch (error) {
    if (!response.destroyed) {
      const failure =
        error instanceof ServiceError ? error : new ServiceError('SessionStreamingException', String(error));
      response.write(exceptionMessage(failure.code, failure.message));
    }
  } finally {
    if (!response.destroyed) response.end();
  }
}
