// The AWS query protocol (CloudFormation, STS, IAM): form-encoded Action=..&Version=.., XML answers.
import type { ServerResponse } from 'node:http';
import { requestId, type ServiceError, send } from './common.js';

export type QueryValue = string | QueryValue[] | { [key: string]: QueryValue };

/** The form parameters of a query request (body, or URL for GET). */
export function queryParams(body: Buffer, url: URL): URLSearchParams {
  const params = new URLSearchParams(url.search);
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params.append(key, value);
  return params;
}

/**
 * Nests flat query keys: `Parameters.member.1.ParameterKey=A` -> `{ Parameters: [{ ParameterKey: 'A' }] }`,
 * `Tags.entry.1.key/value` maps likewise as arrays of entries.
 */
export function nestQuery(params: URLSearchParams): Record<string, QueryValue> {
  const root: Record<string, QueryValue> = {};
  for (const [key, value] of params) {
    const parts = key.split('.');
    let node: Record<string, QueryValue> | QueryValue[] = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      const last = i === parts.length - 1;
      if ((part === 'member' || part === 'entry') && Array.isArray(node)) continue;
      const next = parts[i + 1];
      const childIsList = next === 'member' || next === 'entry';
      if (Array.isArray(node)) {
        const index = Number(part) - 1;
        if (last) node[index] = value;
        else {
          node[index] ??= childIsList ? [] : {};
          node = node[index] as Record<string, QueryValue> | QueryValue[];
        }
      } else if (last) node[part] = value;
      else {
        node[part] ??= childIsList ? [] : {};
        node = node[part] as Record<string, QueryValue> | QueryValue[];
      }
    }
  }
  return compact(root) as Record<string, QueryValue>;
}

// Lists numbered from 1 leave a hole at 0 and wherever a client skipped a number.
function compact(value: QueryValue): QueryValue {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compact);
  if (typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v)]));
  return value;
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] as string);
}

/** Serializes a result the way the query protocol does: arrays as `<member>` lists, dates ISO-8601 in UTC. */
export function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  }
  return escapeXml(String(value));
}

export function sendQueryResult(
  response: ServerResponse,
  action: string,
  result: unknown,
  xmlns: string,
): void {
  const id = requestId();
  const inner = result === undefined ? '' : `<${action}Result>${toXml(result)}</${action}Result>`;
  const xml = `<${action}Response xmlns="${xmlns}">${inner}<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${action}Response>`;
  send(response, 200, xml, { 'Content-Type': 'text/xml' }, id);
}

export function sendQueryError(response: ServerResponse, error: ServiceError, xmlns: string): void {
  const id = requestId();
  const xml =
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>${error.type}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`;
  send(response, error.status, xml, { 'Content-Type': 'text/xml' }, id);
}
