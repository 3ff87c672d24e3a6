// Versions and aliases of a function: what a qualifier names, what publishing takes from $LATEST, and the
// checks CreateAlias / UpdateAlias make, in Lambda's words (captured from AWS in LocalStack's parity
// snapshots, tests/aws/services/lambda_/test_lambda_api.snapshot.json).
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { ServiceError } from '../protocol/common.js';
import {
  type AliasRecord,
  type FunctionConfig,
  type FunctionRecord,
  functionArn,
  notFound,
  type PolicyStatement,
  type PublishedVersion,
  type RunnableVersion,
} from './functions.js';

export const LATEST = '$LATEST';

/** What a function name and a Qualifier point at. */
export interface Target {
  /** The configuration that runs. */
  config: RunnableVersion;
  /** The ARN the caller named: unqualified, `:$LATEST`, `:<version>` or `:<alias>`. */
  arn: string;
  /** The qualifier as given, when there was one. */
  qualifier?: string;
  alias?: AliasRecord;
}

/** The qualifier a request names, from the function name (`name:qualifier`, ARN) and the Qualifier field. */
export function requestedQualifier(fromName: string | undefined, fromField: string | null | undefined) {
  const field = fromField ?? undefined;
  if (fromName !== undefined && field !== undefined && fromName !== field) {
    throw new ServiceError(
      'InvalidParameterValueException',
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
  }
  return fromName ?? field;
}

export function isVersionNumber(qualifier: string): boolean {
  return /^[0-9]+$/.test(qualifier);
}

/** $LATEST's configuration, without what belongs to the function as a whole. */
export function configOf(record: FunctionRecord): FunctionConfig {
  const {
    tags: _tags,
    policy: _policy,
    policyRevisionId: _policyRevision,
    versions: _versions,
    lastVersion: _last,
    aliases: _aliases,
    ...config
  } = record;
  return config;
}

/** The version or alias a qualifier names; ResourceNotFoundException with the qualified ARN if none. */
export function resolveTarget(record: FunctionRecord, qualifier: string | undefined): Target {
  if (qualifier === undefined)
    return { config: { ...configOf(record), version: LATEST }, arn: functionArn(record) };
  const arn = functionArn(record, qualifier);
  if (qualifier === LATEST) return { config: { ...configOf(record), version: LATEST }, arn, qualifier };
  if (isVersionNumber(qualifier)) {
    const version = record.versions?.[qualifier];
    if (!version) throw notFound(arn);
    return { config: runnable(version), arn, qualifier };
  }
  const alias = record.aliases?.[qualifier];
  if (!alias) throw notFound(arn);
  return { config: versionConfig(record, alias.functionVersion), arn, qualifier, alias };
}

function runnable(version: PublishedVersion): RunnableVersion {
  const { policy: _policy, sourceDescription: _source, ...config } = version;
  return config;
}

/** A version an alias points at (it exists: aliases are checked when made, and versions they name kept). */
export function versionConfig(record: FunctionRecord, version: string): RunnableVersion {
  if (version === LATEST) return { ...configOf(record), version: LATEST };
  const published = record.versions?.[version];
  if (!published) throw notFound(functionArn(record, version));
  return runnable(published);
}

/**
 * Publishing when $LATEST has not changed since the newest version gives that version back (PublishVersion
 * is idempotent on AWS: "test_version_lifecycle" publishes twice and gets version 2 both times, its
 * Description unchanged; a new Description on $LATEST makes a new version). What counts as a change is the
 * code and configuration; AWS does not document which fields it compares, so every one does here.
 */
export function unchangedVersion(record: FunctionRecord): PublishedVersion | undefined {
  const numbers = Object.keys(record.versions ?? {}).map(Number);
  if (numbers.length === 0) return undefined;
  const newest = record.versions?.[String(Math.max(...numbers))];
  if (!newest) return undefined;
  const comparable = (c: FunctionConfig) => {
    const { description: _d, revisionId: _r, lastModified: _m, state: _s, lastUpdateStatus: _u, ...rest } = c;
    return rest;
  };
  const { version: _v, policy: _p, sourceDescription, ...config } = newest;
  const latest = configOf(record);
  return isDeepStrictEqual(comparable(latest), comparable(config)) &&
    latest.description === (sourceDescription ?? config.description)
    ? newest
    : undefined;
}

/**
 * The record with a new version published from $LATEST as it is now, numbered after the highest ever
 * published. A version keeps $LATEST's LastModified: AWS's captures blank it, so which time it shows is
 * not known.
 */
export function withNewVersion(
  record: FunctionRecord,
  description?: string,
  pending = record.state === 'Pending' || record.lastUpdateStatus === 'InProgress',
): FunctionRecord {
  const number = (record.lastVersion ?? 0) + 1;
  const version: PublishedVersion = {
    ...configOf(record),
    // Published while $LATEST is being created or updated, a version is Pending until that is done.
    ...(pending ? { state: 'Pending' as const } : {}),
    ...(description !== undefined ? { description } : {}),
    revisionId: randomUUID(),
    version: String(number),
    policy: [],
    sourceDescription: record.description,
  };
  return { ...record, lastVersion: number, versions: { ...record.versions, [String(number)]: version } };
}

/** The record with $LATEST and every version it published settled (Pending -> Active, updates done). */
export function settled(record: FunctionRecord): FunctionRecord {
  const versions = Object.fromEntries(
    Object.entries(record.versions ?? {}).map(([n, v]) => [
      n,
      { ...v, state: 'Active' as const, lastUpdateStatus: 'Successful' as const },
    ]),
  );
  return {
    ...record,
    state: 'Active',
    lastUpdateStatus: 'Successful',
    ...(record.versions ? { versions } : {}),
  };
}

/** Aliases that route any share of invocations to a version. */
export function aliasesOf(record: FunctionRecord, version: string): string[] {
  return Object.values(record.aliases ?? {})
    .filter((a) => a.functionVersion === version || Object.hasOwn(a.weights ?? {}, version))
    .map((a) => a.name)
    .sort();
}

const ALIAS_NAME = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;
const FUNCTION_VERSION = /^(\$LATEST|[0-9]+)$/;

function validation(value: string, field: string, constraint: string): never {
  throw new ServiceError(
    'ValidationException',
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

export function checkAliasName(name: string): string {
  if (!ALIAS_NAME.test(name) || name.length > 128) {
    validation(name, 'name', 'Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)');
  }
  return name;
}

export function checkFunctionVersion(version: string): string {
  if (!FUNCTION_VERSION.test(version) || version.length > 1024) {
    validation(
      version,
      'functionVersion',
      'Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)',
    );
  }
  return version;
}

/** Java's rendering of a Map<String, Double>, as Lambda's validation messages print one: `{2=0.5}`. */
function javaMap(weights: Record<string, unknown>): string {
  const value = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? `${v}.0` : String(v));
  return `{${Object.entries(weights)
    .map(([k, v]) => `${k}=${value(v)}`)
    .join(', ')}}`;
}

/**
 * RoutingConfig.AdditionalVersionWeights as given: the shape checks Lambda's request validation makes
 * (key pattern, weight between 0 and 1), before it looks at the function.
 */
export function readWeights(routing: unknown): Record<string, number> | undefined {
  if (routing === undefined || routing === null) return undefined;
  const weights = (routing as { AdditionalVersionWeights?: unknown }).AdditionalVersionWeights;
  if (weights === undefined || weights === null) return {};
  if (typeof weights !== 'object' || Array.isArray(weights)) {
    throw new ServiceError(
      'InvalidParameterValueException',
      'RoutingConfig.AdditionalVersionWeights must be a map of version numbers to weights.',
    );
  }
  const entries = Object.entries(weights as Record<string, unknown>);
  for (const [key] of entries) {
    if (!/^[0-9]+$/.test(key) || key.length > 1024) {
      validation(
        javaMap(weights as Record<string, unknown>),
        'routingConfig.additionalVersionWeights',
        'Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]',
      );
    }
  }
  for (const [, weight] of entries) {
    if (typeof weight !== 'number' || !(weight >= 0 && weight <= 1)) {
      validation(
        javaMap(weights as Record<string, unknown>),
        'routingConfig.additionalVersionWeights',
        'Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]',
      );
    }
  }
  return Object.fromEntries(entries) as Record<string, number>;
}

/** The checks against the function itself, in the order AWS's answers show them. */
export function checkRouting(
  record: FunctionRecord,
  functionVersion: string,
  weights: Record<string, number> | undefined,
): void {
  const routed = Object.keys(weights ?? {});
  if (routed.length > 1) {
    throw new ServiceError(
      'InvalidParameterValueException',
      'Number of items in AdditionalVersionWeights cannot be greater than 1',
    );
  }
  if (routed.length > 0 && functionVersion === LATEST) {
    throw new ServiceError(
      'InvalidParameterValueException',
      '$LATEST is not supported for an alias pointing to more than 1 version',
    );
  }
  if (routed.includes(functionVersion)) {
    throw new ServiceError(
      'InvalidParameterValueException',
      `Invalid function version ${functionVersion}. Function version ${functionVersion} is already included in routing configuration.`,
    );
  }
  for (const version of [functionVersion, ...routed]) {
    if (version !== LATEST && !record.versions?.[version]) throw notFound(functionArn(record, version));
  }
}

/** AliasConfiguration, as every alias operation answers it. */
export function aliasShape(record: FunctionRecord, alias: AliasRecord) {
  return {
    AliasArn: functionArn(record, alias.name),
    Name: alias.name,
    FunctionVersion: alias.functionVersion,
    Description: alias.description,
    ...(alias.weights && Object.keys(alias.weights).length > 0
      ? { RoutingConfig: { AdditionalVersionWeights: alias.weights } }
      : {}),
    RevisionId: alias.revisionId,
  };
}

/**
 * The version an invocation of an alias runs: the additional version with its weight's probability, else
 * the alias's own (weighted routing as Lambda documents it: "Lambda routes the given percentage of
 * invocations"). `draw` is in [0, 1).
 */
export function pickVersion(alias: AliasRecord, draw: number): string {
  const [extra, weight] = Object.entries(alias.weights ?? {})[0] ?? [];
  return extra !== undefined && weight !== undefined && draw < weight ? extra : alias.functionVersion;
}

/** The resource policy a qualifier names: the function's ($LATEST or none), a version's or an alias's. */
export function policyOwner(
  record: FunctionRecord,
  qualifier: string | undefined,
): { statements: PolicyStatement[]; arn: string } {
  if (qualifier === undefined || qualifier === LATEST) {
    return { statements: record.policy, arn: functionArn(record) };
  }
  const owner = isVersionNumber(qualifier) ? record.versions?.[qualifier] : record.aliases?.[qualifier];
  if (!owner) throw notFound(functionArn(record, qualifier));
  return { statements: owner.policy, arn: functionArn(record, qualifier) };
}

/** The record with one qualifier's policy replaced. */
export function withPolicy(
  record: FunctionRecord,
  qualifier: string | undefined,
  policy: PolicyStatement[],
): FunctionRecord {
  if (qualifier === undefined || qualifier === LATEST) return { ...record, policy };
  if (isVersionNumber(qualifier)) {
    const version = record.versions?.[qualifier];
    return version
      ? { ...record, versions: { ...record.versions, [qualifier]: { ...version, policy } } }
      : record;
  }
  const alias = record.aliases?.[qualifier];
  return alias ? { ...record, aliases: { ...record.aliases, [qualifier]: { ...alias, policy } } } : record;
}
