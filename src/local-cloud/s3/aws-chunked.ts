// aws-chunked request bodies: what SDKs send when they stream an upload with a trailing checksum
// (`x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER`) or with signed chunks
// (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`):
//   <hex size>[;chunk-signature=<sig>]\r\n<bytes>\r\n ... 0[;chunk-signature=<sig>]\r\n[<trailer>:<value>\r\n]*\r\n
// S3 stores only the bytes; the framing and trailers never reach the object. Chunk signatures are not
// checked: the local cloud accepts any credentials.
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from './errors.js';

export interface DecodedBody {
  payload: Buffer;
  /** Trailing headers, lower-cased names (e.g. `x-amz-checksum-crc32`). */
  trailers: Record<string, string>;
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

export function isAwsChunked(headers: IncomingHttpHeaders): boolean {
  return (
    header(headers, 'x-amz-content-sha256').startsWith('STREAMING-') ||
    header(headers, 'content-encoding')
      .split(',')
      .some((coding) => coding.trim().toLowerCase() === 'aws-chunked')
  );
}

/** Content-Encoding without `aws-chunked`, which describes the transfer and not the object. */
export function storedContentEncoding(headers: IncomingHttpHeaders): string | undefined {
  const rest = header(headers, 'content-encoding')
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding && coding.toLowerCase() !== 'aws-chunked');
  return rest.length > 0 ? rest.join(', ') : undefined;
}

const malformed = (detail: string) =>
  new S3Error('IncompleteBody', `The aws-chunked request body is malformed: ${detail}`);

const CRLF = Buffer.from('\r\n');

export function decodeAwsChunked(body: Buffer, decodedLength?: number): DecodedBody {
  const parts: Buffer[] = [];
  let position = 0;
  for (;;) {
    const lineEnd = body.indexOf(CRLF, position);
    if (lineEnd < 0) throw malformed('a chunk header is not terminated by CRLF');
    const sizeField = body.subarray(position, lineEnd).toString('latin1').split(';')[0]?.trim() ?? '';
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeField)) throw malformed(`"${sizeField}" is not a chunk size`);
    const size = Number.parseInt(sizeField, 16);
    position = lineEnd + 2;
    if (size === 0) break;
    const end = position + size;
    if (end + 2 > body.length) throw malformed('a chunk is shorter than its declared size');
    if (body[end] !== 0x0d || body[end + 1] !== 0x0a) throw malformed('a chunk is not followed by CRLF');
    parts.push(body.subarray(position, end));
    position = end + 2;
  }
  const trailers: Record<string, string> = {};
  while (position < body.length) {
    let lineEnd = body.indexOf(CRLF, position);
    if (lineEnd < 0) lineEnd = body.length;
    const line = body.subarray(position, lineEnd).toString('latin1');
    position = lineEnd + 2;
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed(`"${line}" is not a trailing header`);
    trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const payload = Buffer.concat(parts);
  if (decodedLength !== undefined && payload.length !== decodedLength) {
    throw new S3Error(
      'IncompleteBody',
      `You did not provide the number of bytes specified by x-amz-decoded-content-length (${decodedLength}); the body holds ${payload.length}`,
    );
  }
  return { payload, trailers };
}

/** The object bytes of a request body, and its trailers when it was aws-chunked. */
export function decodeBody(headers: IncomingHttpHeaders, body: Buffer): DecodedBody {
  if (!isAwsChunked(headers)) return { payload: body, trailers: {} };
  const declared = header(headers, 'x-amz-decoded-content-length');
  if (declared && !/^\d+$/.test(declared)) {
    throw new S3Error('InvalidArgument', `x-amz-decoded-content-length "${declared}" is not a length`);
  }
  return decodeAwsChunked(body, declared ? Number(declared) : undefined);
}
