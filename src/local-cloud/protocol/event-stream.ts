// The AWS event stream encoding (application/vnd.amazon.eventstream), as SubscribeToShard answers with it:
// each message is a prelude (total and header lengths, their CRC32), string headers, a payload and a CRC32
// of all that came before. Only what the local cloud sends is encoded: string headers.
import { crc32 } from 'node:zlib';

export const EVENT_STREAM = 'application/vnd.amazon.eventstream';

const STRING_HEADER = 7;

/** One event stream message with string headers. */
export function eventStreamMessage(headers: Record<string, string>, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const encoded = Object.entries(headers).map(([name, value]) => {
    const key = Buffer.from(name, 'utf8');
    const text = Buffer.from(value, 'utf8');
    const header = Buffer.alloc(1 + key.length + 1 + 2 + text.length);
    let at = header.writeUInt8(key.length, 0);
    at += key.copy(header, at);
    at = header.writeUInt8(STRING_HEADER, at);
    at = header.writeUInt16BE(text.length, at);
    text.copy(header, at);
    return header;
  });
  const headerBytes = Buffer.concat(encoded);
  const total = 12 + headerBytes.length + body.length + 4;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, 12);
  body.copy(message, 12 + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4);
  return message;
}

/** An event of a JSON-protocol operation's output stream (`initial-response`, or a member's name). */
export function eventMessage(type: string, payload: unknown): Buffer {
  return eventStreamMessage(
    { ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' },
    JSON.stringify(payload),
  );
}

/** A modeled exception sent inside the stream, after the response began. */
export function exceptionMessage(code: string, message: string): Buffer {
  return eventStreamMessage(
    { ':exception-type': code, ':content-type': 'application/json', ':message-type': 'exception' },
    JSON.stringify({ message }),
  );
}
