// What every Kinesis operation handler gets, and the ways it answers: its own JSON, or kinesalite's
// response passed through untouched (the cheap path, taken wherever the edge has nothing to add).
import type { ServerResponse } from 'node:http';
import { send } from '../protocol/common.js';
import { JSON_11, sendJson } from '../protocol/json.js';
import type { RawResponse } from './kinesalite-client.js';
import type { KinesisRegion } from './region.js';

export interface OperationCall {
  region: KinesisRegion;
  input: Record<string, unknown>;
  /** The request body as received: forwarded as it is when kinesalite can take it unchanged. */
  body: Buffer;
  response: ServerResponse;
}

export type Operation = (call: OperationCall) => Promise<void>;

export function reply(call: OperationCall, output: unknown): void {
  sendJson(call.response, output);
}

export function passThrough(response: ServerResponse, raw: RawResponse): void {
  const headers: Record<string, string> = { 'Content-Type': JSON_11 };
  if (raw.status >= 400) {
    const type = /"__type"\s*:\s*"([^"]+)"/.exec(raw.body.toString('utf8'))?.[1];
    if (type) headers['x-amzn-ErrorType'] = type;
  }
  send(response, raw.status, raw.body, headers);
}

/** kinesalite knows streams by name only: the input with the resolved StreamName and no StreamARN. */
export function byName(input: Record<string, unknown>, name: string): Record<string, unknown> {
  const { StreamARN: _, ...rest } = input;
  return { ...rest, StreamName: name };
}

/** The body to forward for `name`: the caller's own bytes when they already name it. */
export function bodyFor(call: OperationCall, name: string): Buffer | string {
  return call.input.StreamName === name && call.input.StreamARN === undefined
    ? call.body
    : JSON.stringify(byName(call.input, name));
}

/** Forwards the request to kinesalite for `name` and answers with what it says. */
export async function forward(call: OperationCall, operation: string, name: string): Promise<RawResponse> {
  const raw = await call.region.send(operation, bodyFor(call, name));
  passThrough(call.response, raw);
  return raw;
}

/** A successful JSON object response with `"EncryptionType":"KMS"` added, without parsing it. */
export function withKmsEncryption(raw: RawResponse): RawResponse {
  if (raw.status >= 400 || raw.body[0] !== 0x7b) return raw;
  const rest = raw.body.subarray(1);
  const separator = rest.length > 1 ? ',' : '';
  return { ...raw, body: Buffer.concat([Buffer.from(`{"EncryptionType":"KMS"${separator}`), rest]) };
}
