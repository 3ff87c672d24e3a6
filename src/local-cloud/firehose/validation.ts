// Request checks the way AWS's JSON services word them: wrong JSON types are a SerializationException;
// model constraints (length, pattern, range, enum) are collected into one ValidationException
// ("2 validation errors detected: Value 'x' at 'a.b' failed to satisfy constraint: ...").
import { ServiceError } from '../protocol/common.js';

export type Json = Record<string, unknown>;

/** The member path AWS reports: camelCase members joined by dots, e.g. `bufferingHints.sizeInMBs`. */
export function memberPath(parent: string, member: string): string {
  const camel = member.charAt(0).toLowerCase() + member.slice(1);
  return parent ? `${parent}.${camel}` : camel;
}

export class Constraints {
  private readonly violations: string[] = [];

  private add(value: unknown, path: string, constraint: string): void {
    const shown = typeof value === 'object' ? JSON.stringify(value) : String(value);
    this.violations.push(`Value '${shown}' at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  required(value: unknown, path: string): boolean {
    if (value !== undefined && value !== null) return true;
    this.violations.push(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);
    return false;
  }

  length(value: string | undefined, path: string, min: number, max: number): void {
    if (value === undefined) return;
    if (value.length < min) this.add(value, path, `Member must have length greater than or equal to ${min}`);
    else if (value.length > max)
      this.add(value, path, `Member must have length less than or equal to ${max}`);
  }

  /** A blob's size; the value itself is not repeated in the message. */
  byteLength(size: number, path: string, min: number, max: number): void {
    if (size < min || size > max) {
      this.violations.push(
        `Value at '${path}' failed to satisfy constraint: Member must have length ${size < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`,
      );
    }
  }

  pattern(value: string | undefined, path: string, pattern: RegExp, shown: string): void {
    if (value === undefined) return;
    if (!pattern.test(value))
      this.add(value, path, `Member must satisfy regular expression pattern: ${shown}`);
  }

  range(value: number | undefined, path: string, min: number, max: number): void {
    if (value === undefined) return;
    if (value < min) this.add(value, path, `Member must have value greater than or equal to ${min}`);
    else if (value > max) this.add(value, path, `Member must have value less than or equal to ${max}`);
  }

  oneOf(value: string | undefined, path: string, allowed: readonly string[]): void {
    if (value === undefined) return;
    if (!allowed.includes(value)) {
      this.add(value, path, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
    }
  }

  /** Throws the collected violations as one ValidationException, if any. */
  check(): void {
    if (this.violations.length === 0) return;
    const count = this.violations.length;
    throw new ServiceError(
      'ValidationException',
      `${count} validation error${count === 1 ? '' : 's'} detected: ${this.violations.join('; ')}`,
    );
  }
}

function serializationError(path: string, expected: string): ServiceError {
  return new ServiceError('SerializationException', `Expected ${expected} at '${path}'`);
}

export function optionalString(input: Json, member: string, parent = ''): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serializationError(memberPath(parent, member), 'a string');
  return value;
}

export function optionalNumber(input: Json, member: string, parent = ''): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw serializationError(memberPath(parent, member), 'a number');
  }
  return value;
}

export function optionalInteger(input: Json, member: string, parent = ''): number | undefined {
  const value = optionalNumber(input, member, parent);
  if (value !== undefined && !Number.isInteger(value)) {
    throw serializationError(memberPath(parent, member), 'an integer');
  }
  return value;
}

export function optionalBoolean(input: Json, member: string, parent = ''): boolean | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw serializationError(memberPath(parent, member), 'a boolean');
  return value;
}

export function optionalObject(input: Json, member: string, parent = ''): Json | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw serializationError(memberPath(parent, member), 'a structure');
  }
  return value as Json;
}

export function optionalList(input: Json, member: string, parent = ''): unknown[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw serializationError(memberPath(parent, member), 'a list');
  return value;
}

/** Elements of a list that must be structures. */
export function structureList(input: Json, member: string, parent = ''): Json[] | undefined {
  const list = optionalList(input, member, parent);
  if (!list) return undefined;
  return list.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw serializationError(`${memberPath(parent, member)}.${i + 1}.member`, 'a structure');
    }
    return item as Json;
  });
}

export function invalidArgument(message: string): ServiceError {
  return new ServiceError('InvalidArgumentException', message);
}
