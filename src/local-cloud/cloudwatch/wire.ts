// CloudWatch's three wire protocols, for the clients that speak each: the JS SDK v3 speaks AWS JSON 1.0
// (X-Amz-Target GraniteServiceVersion20100801.<Operation>), botocore from 1.36 (boto3, aws CLI v1) Smithy
// RPC v2 CBOR (POST /service/GraniteServiceVersion20100801/operation/<Operation>), older botocore (the aws
// CLI v2 of Debian 12) the query protocol (Action=<Operation>&Version=2010-08-01, XML answers). The service
// is "awsQueryCompatible": JSON and CBOR errors carry the query error code in `x-amzn-query-error`.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { cbor, dateToTag } from '@smithy/core/cbor';
import { ServiceError, send } from '../protocol/common.js';
import { jsonInput } from '../protocol/json.js';
import { nestQuery, queryParams, sendQueryError, sendQueryResult } from '../protocol/query.js';
import type { EdgeRequest } from '../service.js';

export type Protocol = 'json' | 'cbor' | 'query';

const TARGET_PREFIX = 'GraniteServiceVersion20100801';
const CBOR_PATH = /^\/service\/GraniteServiceVersion20100801\/operation\/([A-Za-z]+)$/;
const XMLNS = 'http://monitoring.amazonaws.com/doc/2010-08-01/';
const JSON_10 = 'application/x-amz-json-1.0';

/** The shape names behind the query error codes (what __type carries in JSON and CBOR). */
const SHAPES: Record<string, string> = {
  InvalidParameterValue: 'InvalidParameterValueException',
  MissingParameter: 'MissingRequiredParameterException',
  InvalidParameterCombination: 'InvalidParameterCombinationException',
  InternalServiceError: 'InternalServiceFault',
  LimitExceeded: 'LimitExceededException',
};

export function protocolOf(headers: IncomingHttpHeaders, path: string): Protocol {
  if (headers['smithy-protocol'] === 'rpc-v2-cbor' || CBOR_PATH.test(path)) return 'cbor';
  if (typeof headers['x-amz-target'] === 'string') return 'json';
  return 'query';
}

/** CBOR's epoch-seconds tags as Dates, everything else as it is. */
function fromCbor(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromCbor);
  if (value && typeof value === 'object') {
    const tagged = value as { tag?: unknown; value?: unknown };
    if (tagged.tag === 1 && typeof tagged.value === 'number') return new Date(tagged.value * 1000);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromCbor(v)]));
  }
  return value;
}

/** Dates as CBOR's epoch-seconds tags, undefined fields left out. */
function toCbor(value: unknown): unknown {
  if (value instanceof Date) return dateToTag(value);
  if (Array.isArray(value)) return value.map(toCbor);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toCbor(v)]),
    );
  return value;
}

/** Dates as JSON's epoch seconds. */
function toJson(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  return value;
}

export interface Decoded {
  protocol: Protocol;
  operation: string;
  input: Record<string, unknown>;
}

export function decode(request: EdgeRequest): Decoded {
  const protocol = protocolOf(request.headers, request.url.pathname);
  if (protocol === 'cbor') {
    const operation = CBOR_PATH.exec(request.url.pathname)?.[1];
    if (!operation)
      throw new ServiceError('UnknownOperationException', `No operation at ${request.url.pathname}.`, 404);
    let input: unknown = {};
    if (request.body.length > 0) {
      try {
        input = fromCbor(cbor.deserialize(new Uint8Array(request.body)));
      } catch {
        throw new ServiceError('SerializationException', 'The request body is not CBOR.');
      }
    }
    return { protocol, operation, input: (input ?? {}) as Record<string, unknown> };
  }
  if (protocol === 'json') {
    const target = String(request.headers['x-amz-target']);
    const [prefix, operation] = target.split('.');
    if (prefix !== TARGET_PREFIX || !operation)
      throw new ServiceError('UnknownOperationException', `No operation ${target}.`);
    return { protocol, operation, input: jsonInput(request.body) };
  }
  const params = queryParams(request.body, request.url);
  const { Action, Version: _, ...input } = nestQuery(params);
  return { protocol, operation: typeof Action === 'string' ? Action : '', input };
}

export function sendResult(
  response: ServerResponse,
  protocol: Protocol,
  operation: string,
  result: unknown,
): void {
  if (protocol === 'query') {
    sendQueryResult(response, operation, result, XMLNS);
    return;
  }
  if (protocol === 'cbor') {
    send(response, 200, Buffer.from(cbor.serialize(toCbor(result ?? {}))), {
      'Content-Type': 'application/cbor',
      'smithy-protocol': 'rpc-v2-cbor',
    });
    return;
  }
  send(response, 200, JSON.stringify(toJson(result ?? {})), { 'Content-Type': JSON_10 });
}

/** An error in the protocol the request came in (read from the request itself, for the fault switch too). */
export function sendError(response: ServerResponse, error: ServiceError): void {
  const request = (response as ServerResponse & { req?: IncomingMessage }).req;
  const protocol = request
    ? protocolOf(request.headers, new URL(request.url ?? '/', 'http://x').pathname)
    : 'json';
  if (protocol === 'query') {
    sendQueryError(response, error, XMLNS);
    return;
  }
  const shape = SHAPES[error.code] ?? error.code;
  const headers = {
    'x-amzn-query-error': `${error.code};${error.type}`,
    'x-amzn-ErrorType': shape,
  };
  const body = { __type: `com.amazonaws.cloudwatch#${shape}`, message: error.message };
  if (protocol === 'cbor') {
    send(response, error.status, Buffer.from(cbor.serialize(body)), {
      ...headers,
      'Content-Type': 'application/cbor',
      'smithy-protocol': 'rpc-v2-cbor',
    });
    return;
  }
  send(response, error.status, JSON.stringify(body), { ...headers, 'Content-Type': JSON_10 });
}
