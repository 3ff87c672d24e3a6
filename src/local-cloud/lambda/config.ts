// Lambda's function settings: reading them from CreateFunction / UpdateFunctionConfiguration with AWS's
// checks, and the FunctionConfiguration shape every read returns.
import { ServiceError } from '../protocol/common.js';
import type { Fields } from '../protocol/fields.js';
import { type FunctionConfig, functionArn, type LoggingConfig } from './functions.js';

// Keys Lambda sets itself and refuses in a function's Environment.
const RESERVED_ENV = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
];
const ENV_LIMIT_BYTES = 4096;
const ROLE_ARN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const HANDLER = /^[^\s]{1,128}$/;

function invalid(message: string): never {
  throw new ServiceError('InvalidParameterValueException', message);
}

function validation(value: unknown, field: string, constraint: string): never {
  throw new ServiceError(
    'ValidationException',
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

export function checkRole(role: string): string {
  if (!ROLE_ARN.test(role)) {
    validation(role, 'role', `Member must satisfy regular expression pattern: ${ROLE_ARN.source}`);
  }
  return role;
}

export function checkHandler(handler: string): string {
  if (!HANDLER.test(handler))
    validation(handler, 'handler', 'Member must satisfy regular expression pattern: [^\\s]+');
  return handler;
}

export function checkTimeout(timeout: number): number {
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900) {
    validation(
      timeout,
      'timeout',
      'Member must have value less than or equal to 900 and greater than or equal to 1',
    );
  }
  return timeout;
}

export function checkMemory(memory: number): number {
  if (!Number.isInteger(memory) || memory < 128 || memory > 10240) {
    validation(
      memory,
      'memorySize',
      'Member must have value less than or equal to 10240 and greater than or equal to 128',
    );
  }
  return memory;
}

export function checkEnvironment(fields: Fields | undefined): Record<string, string> | undefined {
  if (!fields) return undefined;
  const variables = fields.stringMap('Variables') ?? {};
  const reserved = Object.keys(variables).filter((key) => RESERVED_ENV.includes(key));
  if (reserved.length > 0) {
    invalid(
      'Lambda was unable to configure your environment variables because the environment variables you have ' +
        'provided contains reserved keys that are currently not supported for modification. ' +
        `Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  for (const key of Object.keys(variables)) {
    if (!/^[a-zA-Z]([a-zA-Z0-9_])*$/.test(key)) {
      validation(
        key,
        'environment.variables',
        'Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+',
      );
    }
  }
  const size = Buffer.byteLength(JSON.stringify(variables));
  if (size > ENV_LIMIT_BYTES) {
    invalid(
      'Lambda was unable to configure your environment variables because the environment variables you have ' +
        `provided exceeded the 4KB limit. String measured: ${JSON.stringify(variables)}`,
    );
  }
  return variables;
}

export function checkLogging(fields: Fields | undefined, current: LoggingConfig): LoggingConfig {
  if (!fields) return current;
  const format = fields.string('LogFormat', true) ?? current.LogFormat;
  if (!['Text', 'JSON'].includes(format))
    validation(format, 'loggingConfig.logFormat', 'Member must satisfy enum value set: [JSON, Text]');
  const group = fields.string('LogGroup', true) ?? current.LogGroup;
  if (!/^[.\-_/#A-Za-z0-9]{1,512}$/.test(group)) {
    validation(
      group,
      'loggingConfig.logGroup',
      'Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+',
    );
  }
  const application = fields.string('ApplicationLogLevel', true) ?? current.ApplicationLogLevel;
  const system = fields.string('SystemLogLevel', true) ?? current.SystemLogLevel;
  return {
    LogFormat: format,
    LogGroup: group,
    ...(application ? { ApplicationLogLevel: application } : {}),
    ...(system ? { SystemLogLevel: system } : {}),
  };
}

/**
 * FunctionConfiguration, as GetFunctionConfiguration and every write return it: of $LATEST (unqualified ARN
 * unless the caller named `:$LATEST`), of a published version, or of an alias (its ARN, its version's rest).
 * While a function is being created, AWS leaves LastUpdateStatus out; updates in progress read "The
 * function is being created." / Creating too, in every capture of AWS's answers.
 */
export function configuration(record: FunctionConfig, version = '$LATEST', arn = functionArn(record)) {
  const pending = record.state === 'Pending';
  const updating = record.lastUpdateStatus === 'InProgress';
  return {
    FunctionName: record.name,
    FunctionArn: arn,
    Runtime: record.runtime,
    Role: record.role,
    Handler: record.handler,
    CodeSize: record.code.size,
    Description: record.description,
    Timeout: record.timeout,
    MemorySize: record.memorySize,
    LastModified: record.lastModified,
    CodeSha256: record.code.sha256,
    Version: version,
    ...(Object.keys(record.environment).length > 0 ? { Environment: { Variables: record.environment } } : {}),
    TracingConfig: { Mode: record.tracingMode },
    RevisionId: record.revisionId,
    State: record.state,
    ...(pending ? { StateReason: 'The function is being created.', StateReasonCode: 'Creating' } : {}),
    ...(pending ? {} : { LastUpdateStatus: record.lastUpdateStatus }),
    ...(updating
      ? { LastUpdateStatusReason: 'The function is being created.', LastUpdateStatusReasonCode: 'Creating' }
      : {}),
    PackageType: 'Zip',
    Architectures: record.architectures,
    EphemeralStorage: { Size: record.ephemeralStorage },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: record.logging,
  };
}

/** A version as ListVersionsByFunction lists it: a qualified ARN, and no state fields (as AWS answers). */
export function versionListing(record: FunctionConfig, version: string) {
  const {
    State: _state,
    StateReason: _reason,
    StateReasonCode: _code,
    LastUpdateStatus: _status,
    LastUpdateStatusReason: _updateReason,
    LastUpdateStatusReasonCode: _updateCode,
    ...rest
  } = configuration(record, version, functionArn(record, version)) as ReturnType<typeof configuration> & {
    StateReason?: string;
    StateReasonCode?: string;
    LastUpdateStatusReason?: string;
    LastUpdateStatusReasonCode?: string;
  };
  return rest;
}
