// Input constraints of the Kinesis API model, reported the way AWS reports them: one ValidationException
// listing up to ten violations ("2 validation errors detected: Value '...' at 'records.1.member.partitionKey'
// failed to satisfy constraint: ..."), values rendered as AWS's Java service renders them.
import { ServiceError } from '../protocol/common.js';
import { serialization } from './errors.js';

const MAX_REPORTED = 10;

export const STREAM_NAME_PATTERN = '[a-zA-Z0-9_.-]+';
export const STREAM_ARN_PATTERN = 'arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+';
export const HASH_KEY_PATTERN = '0|([1-9]\\d{0,38})';
export const SEQUENCE_NUMBER_PATTERN = '0|([1-9]\\d{0,128})';
const compiled = new Map<string, RegExp>();

function matches(pattern: string, value: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = new RegExp(`^(?:${pattern})$`);
    compiled.set(pattern, regex);
  }
  return regex.test(value);
}

/** How AWS prints an offending value in a validation message. */
export type Rendered = { kind: 'null' } | { kind: 'text'; text: string };

export const NULL: Rendered = { kind: 'null' };
export const text = (value: string): Rendered => ({ kind: 'text', text: value });
export const blob = (bytes: number): Rendered =>
  text(`java.nio.HeapByteBuffer[pos=0 lim=${bytes} cap=${bytes}]`);
export const list = (length: number, member: string): Rendered =>
  text(`[${Array.from({ length }, () => member).join(', ')}]`);

export class Violations {
  private readonly found: string[] = [];

  add(value: Rendered, path: string, constraint: string): void {
    if (this.found.length >= MAX_REPORTED) return;
    const shown = value.kind === 'null' ? 'null' : `'${value.text}'`;
    this.found.push(`Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  get count(): number {
    return this.found.length;
  }

  /** Checks a string member that may be absent. */
  string(
    value: unknown,
    path: string,
    rules: { required?: boolean; min?: number; max?: number; pattern?: string },
  ): void {
    if (value === undefined || value === null) {
      if (rules.required) this.add(NULL, path, 'Member must not be null');
      return;
    }
    const s = value as string;
    if (rules.pattern !== undefined && !matches(rules.pattern, s))
      this.add(text(s), path, `Member must satisfy regular expression pattern: ${rules.pattern}`);
    if (rules.min !== undefined && s.length < rules.min)
      this.add(text(s), path, `Member must have length greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && s.length > rules.max)
      this.add(text(s), path, `Member must have length less than or equal to ${rules.max}`);
  }

  /** Throws the ValidationException listing every violation found, if any. */
  throwIfAny(): void {
    if (this.found.length === 0) return;
    const n = this.found.length;
    throw new ServiceError(
      'ValidationException',
      `${n} validation error${n > 1 ? 's' : ''} detected: ${this.found.join('; ')}`,
    );
  }
}

/** The JSON protocol's type errors, which AWS reports before any constraint. */
export function expectString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number')
    throw serialization(
      'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String',
    );
  if (typeof value === 'boolean')
    throw serialization('class java.lang.Boolean can not be converted to an String');
  if (Array.isArray(value)) throw serialization('Start of list found where not expected');
  throw serialization('Start of structure or map found where not expected.');
}

export function expectInteger(value: unknown, type = 'Integer'): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Math.floor(value);
  if (typeof value === 'string')
    throw serialization(`class java.lang.String can not be converted to an ${type}`);
  if (typeof value === 'boolean')
    throw serialization(`class java.lang.Boolean can not be converted to an ${type}`);
  if (Array.isArray(value)) throw serialization('Start of list found where not expected');
  throw serialization('Start of structure or map found where not expected.');
}

export function expectObject(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  if (Array.isArray(value)) throw serialization('Start of list found where not expected');
  throw serialization('Expected null');
}

export function expectList(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value;
  if (typeof value === 'object') throw serialization('Start of structure or map found where not expected.');
  throw serialization('Expected list or null');
}

/** A base64 blob's decoded length, checked the way the JSON protocol checks blobs. */
export function blobLength(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    if (typeof value === 'number')
      throw serialization(
        'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to a Blob',
      );
    if (typeof value === 'boolean')
      throw serialization('class java.lang.Boolean can not be converted to a Blob');
    if (Array.isArray(value)) throw serialization('Start of list found where not expected');
    throw serialization('Start of structure or map found where not expected.');
  }
  if (value.length % 4 !== 0) {
    throw serialization(
      `'${value.length > 64 ? `${value.slice(0, 64)}...` : value}' can not be converted to a Blob: ` +
        `Base64 encoded length is expected a multiple of 4 bytes but found: ${value.length}`,
    );
  }
  const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  return (value.length / 4) * 3 - padding;
}
