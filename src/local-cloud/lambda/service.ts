// Lambda over REST-JSON: the route (method and path) names the operation; bodies are JSON, except Invoke's,
// which is the function's own payload in and out.

import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ServiceError, send } from '../protocol/common.js';
import { Fields, type Input } from '../protocol/fields.js';
import { sendRestJson, sendRestJsonError } from '../protocol/rest-json.js';
import { startOver } from '../reset.js';
import type { EdgeRequest, Service, ServiceContext } from '../service.js';
import { type CodePackage, readPackage } from './code.js';
import {
  checkEnvironment,
  checkHandler,
  checkLogging,
  checkMemory,
  checkRole,
  checkTimeout,
  configuration,
  versionListing,
} from './config.js';
import {
  type AliasRecord,
  type FunctionRecord,
  FunctionStore,
  functionArn,
  lastModifiedNow,
  notFound,
  type PolicyStatement,
  type PublishedVersion,
} from './functions.js';
import { Invoker } from './invoker.js';
import { LogShipper } from './log-shipper.js';
import { checkRuntime } from './runtimes.js';
import {
  aliasesOf,
  aliasShape,
  checkAliasName,
  checkFunctionVersion,
  checkRouting,
  configOf,
  isVersionNumber,
  LATEST,
  pickVersion,
  policyOwner,
  readWeights,
  requestedQualifier,
  resolveTarget,
  settled,
  unchangedVersion,
  versionConfig,
  withNewVersion,
  withPolicy,
} from './versions.js';

/** Lambda's request limits for Invoke: synchronous, and asynchronous (Event). */
export const MAX_REQUEST_BYTES = 6_291_456;
export const MAX_EVENT_BYTES = 1_048_576;

const FUNCTION_REF =
  /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:[a-z]{2}(?:-gov)?-[a-z]+-\d:)?(?:\d{12}:)?(?:function:)?([a-zA-Z0-9-_]{1,64})(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;

interface Route {
  operation: string;
  fn?: string;
  rest?: string;
}

/** The operation a request names, from its method and path. */
export function route(method: string, path: string): Route | undefined {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [version, collection, fn, sub, rest] = parts;
  if (version === '2017-03-31' && collection === 'tags') {
    const arn = decodeURIComponent(path.slice(path.indexOf('/tags/') + '/tags/'.length));
    const op = { GET: 'ListTags', POST: 'TagResource', DELETE: 'UntagResource' }[method];
    return op ? { operation: op, fn: arn } : undefined;
  }
  if (version === '2016-08-19' && collection === 'account-settings' && method === 'GET') {
    return { operation: 'GetAccountSettings' };
  }
  if (version !== '2015-03-31' || collection !== 'functions') return undefined;
  if (fn === undefined) {
    return method === 'POST'
      ? { operation: 'CreateFunction' }
      : method === 'GET'
        ? { operation: 'ListFunctions' }
        : undefined;
  }
  const key = `${method} ${sub ?? ''}${rest !== undefined ? '/*' : ''}`;
  const operation = {
    'GET ': 'GetFunction',
    'DELETE ': 'DeleteFunction',
    'GET configuration': 'GetFunctionConfiguration',
    'PUT configuration': 'UpdateFunctionConfiguration',
    'PUT code': 'UpdateFunctionCode',
    'GET code': 'DownloadCode',
    'POST invocations': 'Invoke',
    'POST policy': 'AddPermission',
    'GET policy': 'GetPolicy',
    'DELETE policy/*': 'RemovePermission',
    'POST versions': 'PublishVersion',
    'GET versions': 'ListVersionsByFunction',
    'POST aliases': 'CreateAlias',
    'GET aliases': 'ListAliases',
    'GET aliases/*': 'GetAlias',
    'PUT aliases/*': 'UpdateAlias',
    'DELETE aliases/*': 'DeleteAlias',
  }[key];
  return operation ? { operation, fn, ...(rest !== undefined ? { rest } : {}) } : undefined;
}

function jsonBody(body: Buffer): Input {
  if (body.length === 0) return {};
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Input;
  } catch {
    // answered below
  }
  throw new ServiceError('InvalidRequestContentException', 'Could not parse request body into json.');
}

/** One page of a listing in order: Marker is the key of the last item of the page before. */
function paginate<T>(items: T[], keyOf: (item: T) => string, params: URLSearchParams) {
  const marker = params.get('Marker');
  const max = Number(params.get('MaxItems') ?? 50);
  if (!Number.isInteger(max) || max < 1 || max > 10_000) {
    throw new ServiceError('InvalidParameterValueException', 'MaxItems must be between 1 and 10000.');
  }
  const start = marker === null ? 0 : items.findIndex((item) => keyOf(item) === marker) + 1;
  const page = items.slice(start, start + max);
  const last = page.at(-1);
  return { page, next: start + max < items.length && last !== undefined ? keyOf(last) : undefined };
}

function principalOf(principal: string): PolicyStatement['Principal'] | string {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:aws:iam::${principal}:root` };
  if (principal.startsWith('arn:')) return { AWS: principal };
  return { Service: principal };
}

export function createLambdaService(): Service {
  let context: ServiceContext | undefined;
  let store: FunctionStore | undefined;
  let invoker: Invoker | undefined;
  let shipper: LogShipper | undefined;
  const creating = new Set<string>();
  const background = new Set<Promise<unknown>>();

  const ready = () => {
    if (!context || !store || !invoker) {
      throw new ServiceError('ServiceException', 'Lambda is starting.', 503);
    }
    return { context, store, invoker };
  };

  /** The function a path names (name, ARN or partial ARN) and the qualifier it or the Qualifier field gives. */
  const parseRef = (ref: string | undefined, qualifierField?: string | null) => {
    const match = FUNCTION_REF.exec(ref ?? '');
    if (!match) {
      throw new ServiceError(
        'ValidationException',
        `1 validation error detected: Value '${ref}' at 'functionName' failed to satisfy constraint: ` +
          'Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?',
      );
    }
    return { name: match[1] as string, qualifier: requestedQualifier(match[2], qualifierField) };
  };

  /** The function and qualifier a request names; a missing function is not found at the qualified ARN. */
  const find = (ref: string | undefined, region: string, qualifierField?: string | null) => {
    const { name, qualifier } = parseRef(ref, qualifierField);
    const record = ready().store.find(name);
    if (!record) throw notFound(functionArn({ region, name }, qualifier));
    return { record, qualifier };
  };

  /**
   * Operations on the function as a whole ($LATEST): a qualifier other than $LATEST names nothing they can
   * act on. What AWS answers to one is not captured anywhere we know of; "not found" is kept from before.
   */
  const lookup = (ref: string | undefined, region: string, qualifier?: string | null): FunctionRecord => {
    const found = find(ref, region, qualifier);
    if (found.qualifier !== undefined && found.qualifier !== LATEST) {
      throw notFound(functionArn(found.record, found.qualifier));
    }
    return found.record;
  };

  /** Tags belong to the function: a version's or alias's ARN is refused, in AWS's words. */
  const untaggable = (ref: string | undefined, region: string): FunctionRecord => {
    const { record, qualifier } = find(ref, region);
    if (qualifier !== undefined) {
      throw new ServiceError(
        'InvalidParameterValueException',
        'Tags on function aliases and versions are not supported. Please specify a function ARN.',
      );
    }
    return record;
  };

  /** Publishes $LATEST as it is now; returns the new version. */
  const publish = async (name: string, description?: string): Promise<PublishedVersion> => {
    const next = await ready().store.change(name, (current) => withNewVersion(current, description));
    return next.versions?.[String(next.lastVersion)] as PublishedVersion;
  };

  const codeFrom = async (code: Fields): Promise<CodePackage> => {
    if (code.has('ImageUri')) {
      throw new ServiceError(
        'InvalidParameterValueException',
        'The local cloud runs .zip packages only: give Code.ZipFile or Code.S3Bucket and Code.S3Key.',
      );
    }
    const zip = code.string('ZipFile', true);
    if (zip !== undefined) return readPackage(Buffer.from(zip, 'base64'));
    const bucket = code.string('S3Bucket', true);
    const key = code.string('S3Key', true);
    if (!bucket || !key) {
      throw new ServiceError(
        'InvalidParameterValueException',
        'Please provide a source for function code: Code.ZipFile, or Code.S3Bucket with Code.S3Key.',
      );
    }
    try {
      const object = await ready().context.clients.s3.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ...(code.has('S3ObjectVersion') ? { VersionId: code.string('S3ObjectVersion') } : {}),
        }),
      );
      return readPackage(Buffer.from((await object.Body?.transformToByteArray()) ?? []));
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      const name = (error as Error).name;
      throw new ServiceError(
        'InvalidParameterValueException',
        `Error occurred while GetObject. S3 Error Code: ${name}. S3 Error Message: ${(error as Error).message}`,
      );
    }
  };

  /** Moves a function's state (Pending -> Active, InProgress -> Successful) once the response is out. */
  const settleLater = (name: string) => {
    const done = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const record = store?.find(name);
      if (!record) return;
      await store?.put(settled(record));
    });
    background.add(done);
    void done.finally(() => background.delete(done));
  };

  const busy = (record: FunctionRecord) => {
    if (record.lastUpdateStatus === 'InProgress' || record.state === 'Pending') {
      throw new ServiceError(
        'ResourceConflictException',
        `The operation cannot be performed at this time. An update is in progress for resource: ${functionArn(record)}`,
        409,
      );
    }
  };

  const checkRevision = (record: { revisionId: string }, f: Fields) => {
    const revision = f.string('RevisionId', true);
    if (revision && revision !== record.revisionId) {
      throw new ServiceError(
        'PreconditionFailedException',
        'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
        412,
      );
    }
  };

  type Handler = (request: EdgeRequest, response: ServerResponse, route: Route) => Promise<void>;

  const operations: Record<string, Handler> = {
    async CreateFunction(request, response) {
      const { store } = ready();
      const f = new Fields(jsonBody(request.body), 'InvalidParameterValueException');
      const name = f.string('FunctionName');
      if (!/^[a-zA-Z0-9-_]{1,64}$/.test(name)) {
        throw new ServiceError(
          'ValidationException',
          `1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint: ` +
            'Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+ and have length less than or equal to 64',
        );
      }
      if ((f.string('PackageType', true) ?? 'Zip') !== 'Zip') {
        f.fail('The local cloud runs .zip packages only (PackageType Zip).');
      }
      const runtime = f.string('Runtime');
      checkRuntime(runtime, 'create');
      const role = checkRole(f.string('Role'));
      const handler = checkHandler(f.string('Handler'));
      const timeout = checkTimeout(f.number('Timeout', true) ?? 3);
      const memorySize = checkMemory(f.number('MemorySize', true) ?? 128);
      const environment = checkEnvironment(f.nested('Environment')) ?? {};
      const logging = checkLogging(f.nested('LoggingConfig'), {
        LogFormat: 'Text',
        LogGroup: `/aws/lambda/${name}`,
      });
      const code = f.nested('Code');
      if (!code) return f.fail('Please provide a source for function code.');
      const conflict = () =>
        new ServiceError('ResourceConflictException', `Function already exist: ${name}`, 409);
      if (store.find(name) || creating.has(name)) throw conflict();
      creating.add(name);
      try {
        const pkg = await codeFrom(code);
        await store.storeCode(name, pkg);
        const record: FunctionRecord = {
          name,
          region: request.region,
          runtime,
          role,
          handler,
          description: f.string('Description', true) ?? '',
          timeout,
          memorySize,
          environment,
          code: { sha256: pkg.sha256, hex: pkg.hex, size: pkg.zip.length },
          lastModified: lastModifiedNow(),
          revisionId: randomUUID(),
          state: 'Pending',
          lastUpdateStatus: 'Successful',
          logging,
          architectures: f.strings('Architectures') ?? ['x86_64'],
          ephemeralStorage: f.nested('EphemeralStorage')?.number('Size', true) ?? 512,
          tracingMode: f.nested('TracingConfig')?.string('Mode', true) ?? 'PassThrough',
          tags: f.stringMap('Tags') ?? {},
          policy: [],
        };
        // Publish: version 1 is made with the function; the answer is $LATEST's, with Version "1" (as AWS).
        const stored = f.boolean('Publish') ? withNewVersion(record) : record;
        await store.put(stored);
        sendRestJson(
          response,
          configuration(record, stored.lastVersion ? String(stored.lastVersion) : LATEST),
          201,
        );
        settleLater(name);
      } finally {
        creating.delete(name);
      }
    },

    async ListFunctions(request, response) {
      const functions = ready()
        .store.list()
        .map((f) => configuration(f));
      const { page, next } = paginate(functions, (f) => f.FunctionName, request.url.searchParams);
      sendRestJson(response, { Functions: page, ...(next !== undefined ? { NextMarker: next } : {}) });
    },

    async GetFunction(request, response, r) {
      const { record, qualifier } = find(r.fn, request.region, request.url.searchParams.get('Qualifier'));
      const target = resolveTarget(record, qualifier);
      const { config } = target;
      const scope = `local-cloud/${new Date().toISOString().slice(0, 10).replaceAll('-', '')}/${record.region}/lambda/aws4_request`;
      const location =
        `${ready().context.endpoint}/2015-03-31/functions/${encodeURIComponent(record.name)}/code` +
        `?X-Amz-Credential=${encodeURIComponent(scope)}&CodeSha256=${encodeURIComponent(config.code.sha256)}` +
        (config.version === LATEST ? '' : `&Qualifier=${config.version}`);
      sendRestJson(response, {
        Configuration: configuration(config, config.version, target.arn),
        Code: { RepositoryType: 'S3', Location: location },
        ...(Object.keys(record.tags).length > 0 ? { Tags: record.tags } : {}),
      });
    },

    async DownloadCode(request, response, r) {
      const { record, qualifier } = find(r.fn, request.region, request.url.searchParams.get('Qualifier'));
      send(response, 200, ready().store.zip(resolveTarget(record, qualifier).config), {
        'Content-Type': 'application/zip',
      });
    },

    async GetFunctionConfiguration(request, response, r) {
      const { record, qualifier } = find(r.fn, request.region, request.url.searchParams.get('Qualifier'));
      const { config, arn } = resolveTarget(record, qualifier);
      sendRestJson(response, configuration(config, config.version, arn));
    },

    async DeleteFunction(request, response, r) {
      const { name, qualifier } = parseRef(r.fn, request.url.searchParams.get('Qualifier'));
      if (qualifier === LATEST) {
        throw new ServiceError(
          'InvalidParameterValueException',
          '$LATEST version cannot be deleted without deleting the function.',
        );
      }
      if (qualifier !== undefined && !isVersionNumber(qualifier)) {
        throw new ServiceError(
          'InvalidParameterValueException',
          'Deletion of aliases is not currently supported.',
        );
      }
      const { store, invoker } = ready();
      const record = store.find(name);
      if (!record) throw notFound(functionArn({ region: request.region, name }));
      if (qualifier === undefined) {
        await store.remove(record.name);
        invoker.retire(record.name);
        send(response, 204, '');
        return;
      }
      const referring = aliasesOf(record, qualifier);
      if (referring.length > 0) {
        throw new ServiceError(
          'ResourceConflictException',
          `Unable to delete version because the following aliases reference it: [${referring.join(', ')}]`,
          409,
        );
      }
      // A version that does not exist deletes without complaint (AWS answers 204 twice for one).
      if (record.versions?.[qualifier]) {
        const { [qualifier]: _gone, ...versions } = record.versions;
        await store.put({ ...record, versions });
        invoker.retire(record.name, qualifier);
      }
      send(response, 204, '');
    },

    async PublishVersion(request, response, r) {
      const record = lookup(r.fn, request.region);
      const f = new Fields(jsonBody(request.body), 'InvalidParameterValueException');
      busy(record);
      checkRevision(record, f);
      const sha = f.string('CodeSha256', true);
      if (sha !== undefined && sha !== record.code.sha256) {
        throw new ServiceError(
          'InvalidParameterValueException',
          `CodeSHA256 (${sha}) is different from current CodeSHA256 in $LATEST (${record.code.sha256}). Please try again with the CodeSHA256 in $LATEST.`,
        );
      }
      const existing = unchangedVersion(record);
      const version = existing ?? (await publish(record.name, f.string('Description', true)));
      sendRestJson(
        response,
        configuration(version, version.version, functionArn(record, version.version)),
        201,
      );
    },

    async ListVersionsByFunction(request, response, r) {
      const record = lookup(r.fn, request.region);
      const versions = [
        versionListing(configOf(record), LATEST),
        ...Object.values(record.versions ?? {})
          .sort((a, b) => Number(a.version) - Number(b.version))
          .map((v) => versionListing(v, v.version)),
      ];
      const { page, next } = paginate(versions, (v) => v.Version, request.url.searchParams);
      sendRestJson(response, { Versions: page, ...(next !== undefined ? { NextMarker: next } : {}) });
    },

    async CreateAlias(request, response, r) {
      const { store } = ready();
      const { name: fn } = parseRef(r.fn);
      const f = new Fields(jsonBody(request.body), 'InvalidParameterValueException');
      const name = checkAliasName(f.string('Name'));
      const version = checkFunctionVersion(f.string('FunctionVersion'));
      const weights = readWeights(f.object('RoutingConfig'));
      const record = store.find(fn);
      if (!record) throw notFound(functionArn({ region: request.region, name: fn }, version));
      checkRouting(record, version, weights);
      if (record.aliases?.[name]) {
        throw new ServiceError(
          'ResourceConflictException',
          `Alias already exists: ${functionArn(record, name)}`,
          409,
        );
      }
      const alias: AliasRecord = {
        name,
        functionVersion: version,
        description: f.string('Description', true) ?? '',
        ...(weights && Object.keys(weights).length > 0 ? { weights } : {}),
        revisionId: randomUUID(),
        policy: [],
      };
      await store.put({ ...record, aliases: { ...record.aliases, [name]: alias } });
      sendRestJson(response, aliasShape(record, alias), 201);
    },

    async GetAlias(request, response, r) {
      const { name: fn } = parseRef(r.fn);
      const alias = r.rest ?? '';
      const record = ready().store.find(fn);
      const found = record?.aliases?.[alias];
      if (!record || !found) {
        throw new ServiceError(
          'ResourceNotFoundException',
          `Cannot find alias arn: ${functionArn({ region: request.region, name: fn }, alias)}`,
          404,
        );
      }
      sendRestJson(response, aliasShape(record, found));
    },

    async UpdateAlias(request, response, r) {
      const { store } = ready();
      const { name: fn } = parseRef(r.fn);
      const name = r.rest ?? '';
      const f = new Fields(jsonBody(request.body), 'InvalidParameterValueException');
      const version = f.has('FunctionVersion')
        ? checkFunctionVersion(f.string('FunctionVersion'))
        : undefined;
      const weights = readWeights(f.object('RoutingConfig'));
      const record = store.find(fn);
      const alias = record?.aliases?.[name];
      // A missing function is answered as a missing alias: AWS's answer for it is not captured.
      if (!record || !alias) {
        throw new ServiceError(
          'ResourceNotFoundException',
          `Alias not found: ${functionArn({ region: request.region, name: fn }, name)}`,
          404,
        );
      }
      checkRevision(alias, f);
      const nextVersion = version ?? alias.functionVersion;
      const nextWeights = weights ?? alias.weights;
      checkRouting(record, nextVersion, nextWeights);
      const { weights: _old, ...rest } = alias;
      const updated: AliasRecord = {
        ...rest,
        functionVersion: nextVersion,
        description: f.has('Description') ? f.string('Description') : alias.description,
        ...(nextWeights && Object.keys(nextWeights).length > 0 ? { weights: nextWeights } : {}),
        revisionId: randomUUID(),
      };
      await store.put({ ...record, aliases: { ...record.aliases, [name]: updated } });
      sendRestJson(response, aliasShape(record, updated));
    },

    async DeleteAlias(_request, response, r) {
      const { store } = ready();
      const { name: fn } = parseRef(r.fn);
      const record = store.find(fn);
      // No alias (or no function) is no error: DeleteAlias answers 204 (AWS, and its model lists no
      // ResourceNotFoundException for it).
      if (record?.aliases?.[r.rest ?? '']) {
        const { [r.rest ?? '']: _gone, ...aliases } = record.aliases;
        await store.put({ ...record, aliases });
      }
      send(response, 204, '');
    },

    async ListAliases(request, response, r) {
      const record = lookup(r.fn, request.region);
      const version = request.url.searchParams.get('FunctionVersion');
      const aliases = Object.values(record.aliases ?? {})
        .filter((a) => version === null || a.functionVersion === version)
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((a) => aliasShape(record, a));
      const { page, next } = paginate(aliases, (a) => a.Name, request.url.searchParams);
      sendRestJson(response, { Aliases: page, ...(next !== undefined ? { NextMarker: next } : {}) });
    },

    async UpdateFunctionCode(request, response, r) {
      const record = lookup(r.fn, request.region);
      const f = new Fields(jsonBody(request.body), 'InvalidParameterValueException');
      busy(record);
      checkRevision(record, f);
      checkRuntime(record.runtime, 'update');
      const pkg = await codeFrom(f);
      if (f.boolean('DryRun')) {
        sendRestJson(response, configuration(record));
        return;
      }
      const { store, invoker } = ready();
      await store.storeCode(record.name, pkg);
      const next = await store.change(record.name, (current) => ({
        ...current,
        code: { sha256: pkg.sha256, hex: pkg.hex, size: pkg.zip.length },
        ...(f.strings('Architectures') ? { architectures: f.strings('Architectures') as string[] } : {}),
        lastModified: lastModifiedNow(),
        lastUpdateStatus: 'InProgress',
      }));
      invoker.retire(record.name, LATEST);
      if (f.boolean('Publish')) {
        // The new version is answered, Pending while $LATEST's update runs (as AWS answers it).
        const version = unchangedVersion(next) ?? (await publish(record.name));
        sendRestJson(response, configuration(version, version.version, functionArn(record, version.version)));
      } else {
        sendRestJson(response, configuration(next));
      }
      settleLater(record.name);
    },

    async UpdateFunctionConfiguration(request, response, r) {
      const record = lookup(r.fn, request.region);
      const f = new Fields(jsonBody(request.body), 'InvalidParameterValueException');
      busy(record);
      checkRevision(record, f);
      const runtime = f.string('Runtime', true) ?? record.runtime;
      checkRuntime(runtime, 'update');
      const changes: Partial<FunctionRecord> = {
        runtime,
        ...(f.has('Role') ? { role: checkRole(f.string('Role')) } : {}),
        ...(f.has('Handler') ? { handler: checkHandler(f.string('Handler')) } : {}),
        ...(f.has('Description') ? { description: f.string('Description') } : {}),
        ...(f.has('Timeout') ? { timeout: checkTimeout(f.number('Timeout')) } : {}),
        ...(f.has('MemorySize') ? { memorySize: checkMemory(f.number('MemorySize')) } : {}),
        ...(f.has('Environment') ? { environment: checkEnvironment(f.nested('Environment')) ?? {} } : {}),
        logging: checkLogging(f.nested('LoggingConfig'), record.logging),
        ...(f.has('EphemeralStorage')
          ? { ephemeralStorage: f.nested('EphemeralStorage')?.number('Size') as number }
          : {}),
        ...(f.has('TracingConfig')
          ? { tracingMode: f.nested('TracingConfig')?.string('Mode') as string }
          : {}),
      };
      const { store, invoker } = ready();
      const next = await store.change(record.name, (current) => ({
        ...current,
        ...changes,
        lastModified: lastModifiedNow(),
        lastUpdateStatus: 'InProgress',
      }));
      invoker.retire(record.name, LATEST);
      sendRestJson(response, configuration(next));
      settleLater(record.name);
    },

    async Invoke(request, response, r) {
      const { record, qualifier } = find(r.fn, request.region, request.url.searchParams.get('Qualifier'));
      const target = resolveTarget(record, qualifier);
      // An alias with weighted routing runs its other version for that share of invocations.
      const run = target.alias
        ? versionConfig(record, pickVersion(target.alias, Math.random()))
        : target.config;
      const type = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
      if (!['RequestResponse', 'Event', 'DryRun'].includes(type)) {
        throw new ServiceError(
          'InvalidParameterValueException',
          `1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: ` +
            'Member must satisfy enum value set: [Event, RequestResponse, DryRun]',
        );
      }
      const limit = type === 'Event' ? MAX_EVENT_BYTES : MAX_REQUEST_BYTES;
      if (request.body.length > limit) {
        throw new ServiceError(
          'RequestTooLargeException',
          `Request must be smaller than ${limit} bytes for the ${type === 'Event' ? 'InvokeAsync' : 'InvokeFunction'} operation`,
          413,
        );
      }
      const payload = request.body.length === 0 ? '{}' : request.body.toString('utf8');
      try {
        JSON.parse(payload);
      } catch (error) {
        throw new ServiceError(
          'InvalidRequestContentException',
          `Could not parse request body into json: Could not parse payload into json: ${(error as Error).message}`,
        );
      }
      if (run.state !== 'Active') {
        throw new ServiceError(
          'ResourceConflictException',
          `The operation cannot be performed at this time. The function is currently in the following state: ${run.state}`,
          409,
        );
      }
      let clientContext: unknown;
      const contextHeader = request.headers['x-amz-client-context'];
      if (typeof contextHeader === 'string' && contextHeader) {
        try {
          clientContext = JSON.parse(Buffer.from(contextHeader, 'base64').toString('utf8'));
        } catch {
          throw new ServiceError('InvalidRequestContentException', 'Client context must be base64 JSON.');
        }
      }
      const { invoker, context } = ready();
      const executed = { 'X-Amz-Executed-Version': run.version };
      const options = { clientContext, invokedArn: target.arn };
      if (type === 'DryRun') {
        send(response, 204, '', executed);
        return;
      }
      if (type === 'Event') {
        const event = invoker
          .invoke(run, payload, options)
          .catch((error: Error) =>
            context.log(`lambda: event invocation of ${target.arn} failed: ${error.message}`),
          );
        background.add(event);
        void event.finally(() => background.delete(event));
        send(response, 202, '', executed);
        return;
      }
      const result = await invoker.invoke(run, payload, options);
      const tail = request.headers['x-amz-log-type'] === 'Tail';
      send(response, 200, result.payload, {
        'Content-Type': 'application/json',
        ...executed,
        ...(result.functionError ? { 'X-Amz-Function-Error': result.functionError } : {}),
        ...(tail ? { 'X-Amz-Log-Result': result.logTail } : {}),
      });
    },

    async AddPermission(request, response, r) {
      const { record, qualifier } = find(r.fn, request.region, request.url.searchParams.get('Qualifier'));
      const owner = policyOwner(record, qualifier);
      const f = new Fields(jsonBody(request.body), 'InvalidParameterValueException');
      checkRevision(record, f);
      const sid = f.string('StatementId');
      if (!/^[a-zA-Z0-9-_.]{1,100}$/.test(sid)) {
        throw new ServiceError(
          'ValidationException',
          `1 validation error detected: Value '${sid}' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)`,
        );
      }
      const action = f.string('Action');
      if (!/^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/.test(action)) {
        throw new ServiceError(
          'ValidationException',
          `1 validation error detected: Value '${action}' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])`,
        );
      }
      if (owner.statements.some((s) => s.Sid === sid)) {
        throw new ServiceError(
          'ResourceConflictException',
          `The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
          409,
        );
      }
      const condition: Record<string, Record<string, string>> = {};
      const sourceArn = f.string('SourceArn', true);
      const sourceAccount = f.string('SourceAccount', true);
      if (sourceArn) condition.ArnLike = { 'AWS:SourceArn': sourceArn };
      if (sourceAccount) condition.StringEquals = { 'AWS:SourceAccount': sourceAccount };
      const statement = {
        Sid: sid,
        Effect: 'Allow' as const,
        Principal: principalOf(f.string('Principal')) as Record<string, string>,
        Action: action,
        Resource: owner.arn,
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      };
      await ready().store.change(record.name, (current) =>
        withPolicy(current, qualifier, [...policyOwner(current, qualifier).statements, statement]),
      );
      sendRestJson(response, { Statement: JSON.stringify(statement) }, 201);
    },

    async GetPolicy(request, response, r) {
      const { record, qualifier } = find(r.fn, request.region, request.url.searchParams.get('Qualifier'));
      const owner = policyOwner(record, qualifier);
      if (owner.statements.length === 0) {
        throw new ServiceError(
          'ResourceNotFoundException',
          'The resource you requested does not exist.',
          404,
        );
      }
      sendRestJson(response, {
        Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: owner.statements }),
        RevisionId: record.revisionId,
      });
    },

    async RemovePermission(request, response, r) {
      const { record, qualifier } = find(r.fn, request.region, request.url.searchParams.get('Qualifier'));
      const owner = policyOwner(record, qualifier);
      const sid = r.rest ?? '';
      const revision = request.url.searchParams.get('RevisionId');
      checkRevision(
        record,
        new Fields(revision ? { RevisionId: revision } : {}, 'InvalidParameterValueException'),
      );
      if (!owner.statements.some((s) => s.Sid === sid)) {
        throw new ServiceError(
          'ResourceNotFoundException',
          `Statement ${sid} is not found in resource policy.`,
          404,
        );
      }
      await ready().store.change(record.name, (current) =>
        withPolicy(
          current,
          qualifier,
          policyOwner(current, qualifier).statements.filter((s) => s.Sid !== sid),
        ),
      );
      send(response, 204, '');
    },

    async ListTags(request, response, r) {
      sendRestJson(response, { Tags: lookup(r.fn, request.region).tags });
    },

    async TagResource(request, response, r) {
      const record = untaggable(r.fn, request.region);
      const tags =
        new Fields(jsonBody(request.body), 'InvalidParameterValueException').stringMap('Tags') ?? {};
      await ready().store.change(record.name, (current) => ({
        ...current,
        tags: { ...current.tags, ...tags },
      }));
      send(response, 204, '');
    },

    async UntagResource(request, response, r) {
      const record = untaggable(r.fn, request.region);
      const keys = request.url.searchParams.getAll('tagKeys');
      await ready().store.change(record.name, (current) => ({
        ...current,
        tags: Object.fromEntries(Object.entries(current.tags).filter(([k]) => !keys.includes(k))),
      }));
      send(response, 204, '');
    },

    async GetAccountSettings(_request, response) {
      const functions = ready().store.list();
      sendRestJson(response, {
        AccountLimit: {
          TotalCodeSize: 80_530_636_800,
          CodeSizeUnzipped: 262_144_000,
          CodeSizeZipped: 52_428_800,
          ConcurrentExecutions: 1000,
          UnreservedConcurrentExecutions: 1000,
        },
        AccountUsage: {
          TotalCodeSize: functions.reduce((sum, f) => sum + f.code.size, 0),
          FunctionCount: functions.length,
        },
      });
    },
  };

  return {
    name: 'lambda',
    async start(serviceContext: ServiceContext) {
      context = serviceContext;
      store = new FunctionStore(serviceContext.dataDir);
      shipper = new LogShipper(() => serviceContext.clients.logs, serviceContext.log);
      invoker = new Invoker(store, shipper, serviceContext.endpoint, serviceContext.dataDir);
      // A function (or a version of it) left Pending or InProgress by a stop mid-change is usable: its
      // package is stored.
      for (const record of store.list()) {
        const next = settled(record);
        if (!isDeepStrictEqual(next, record)) await store.put(next);
      }
    },
    async stop() {
      invoker?.stop();
      await Promise.allSettled([...background]);
      await shipper?.flush();
    },
    // Environments ended, logs shipped (Logs is emptied after Lambda), functions and code gone.
    reset() {
      return startOver(this, context);
    },
    async handle(request: EdgeRequest, response: ServerResponse) {
      const matched = route(request.method, request.url.pathname);
      const run = matched ? operations[matched.operation] : undefined;
      if (!matched || !run) {
        throw new ServiceError(
          'UnknownOperationException',
          `The local cloud's Lambda does not support ${request.method} ${request.url.pathname}.`,
          404,
        );
      }
      await run(request, response, matched);
    },
    sendError(response: ServerResponse, error: ServiceError) {
      sendRestJsonError(response, error);
    },
  };
}
