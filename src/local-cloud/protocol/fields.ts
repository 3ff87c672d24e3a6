// Reading typed fields from a decoded JSON request, with AWS's validation wording when one is missing or of
// the wrong type. Each service says which error code its API uses for bad parameters.
import { ServiceError } from './common.js';

export type Input = Record<string, unknown>;

export class Fields {
  constructor(
    private readonly input: Input,
    /** e.g. InvalidParameterException (Logs), InvalidParameterValueException (Lambda). */
    private readonly errorCode: string,
  ) {}

  fail(message: string): never {
    throw new ServiceError(this.errorCode, message);
  }

  private missing(name: string): never {
    throw new ServiceError(
      this.errorCode,
      `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  }

  has(name: string): boolean {
    return this.input[name] !== undefined && this.input[name] !== null;
  }

  string(name: string): string;
  string(name: string, optional: true): string | undefined;
  string(name: string, optional = false): string | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return optional ? undefined : this.missing(name);
    if (typeof value !== 'string') this.fail(`${name} must be a string.`);
    return value;
  }

  number(name: string): number;
  number(name: string, optional: true): number | undefined;
  number(name: string, optional = false): number | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return optional ? undefined : this.missing(name);
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(`${name} must be a number.`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') this.fail(`${name} must be a boolean.`);
    return value;
  }

  strings(name: string): string[] | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
      this.fail(`${name} must be a list of strings.`);
    return value as string[];
  }

  stringMap(name: string): Record<string, string> | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return undefined;
    if (
      typeof value !== 'object' ||
      Array.isArray(value) ||
      Object.values(value as object).some((v) => typeof v !== 'string')
    ) {
      this.fail(`${name} must be a map of strings to strings.`);
    }
    return value as Record<string, string>;
  }

  object(name: string): Input | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) this.fail(`${name} must be an object.`);
    return value as Input;
  }

  list(name: string): unknown[] | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) this.fail(`${name} must be a list.`);
    return value;
  }

  /** A nested structure's fields, with the same error code. */
  nested(name: string): Fields | undefined {
    const value = this.object(name);
    return value ? new Fields(value, this.errorCode) : undefined;
  }
}
