// CloudFormation in the local cloud: the query protocol in front of the API, stacks persisted in the
// service's data dir, resources provisioned through the other services over HTTP with the SDK.
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { loadResourceSpecification } from '../../template/spec.js';
import { LOCAL_ACCOUNT_ID } from '../options.js';
import { ServiceError } from '../protocol/common.js';
import { nestQuery, queryParams, sendQueryError, sendQueryResult } from '../protocol/query.js';
import { startOver } from '../reset.js';
import type { EdgeRequest, Service, ServiceContext } from '../service.js';
import { type ApiEnv, CloudFormationApi } from './api.js';
import { bucketHasObjects, resourceExists } from './existence.js';
import { createProvisioners, withPhantoms } from './provisioners/index.js';
import type { ResourceProvisioner } from './provisioners/types.js';
import { resourceSpecHooks, type SpecHooks } from './spec-hooks.js';
import { StackStore } from './store.js';
import { fetchTemplate } from './template-url.js';
import { stackInput, XMLNS } from './wire.js';

type Handler = (api: CloudFormationApi, input: ReturnType<typeof stackInput>, region: string) => unknown;

const ACTIONS: Record<string, Handler> = {
  CreateStack: (api, input, region) => api.createStack(input, region),
  UpdateStack: (api, input) => api.updateStack(input),
  DeleteStack: (api, input) => api.deleteStack(input),
  DescribeStacks: (api, input) => api.describeStacks(input),
  DescribeStackEvents: (api, input) => api.describeStackEvents(input),
  DescribeStackResources: (api, input) => api.describeStackResources(input),
  DescribeStackResource: (api, input) => api.describeStackResource(input),
  ListStackResources: (api, input) => api.listStackResources(input),
  ListStacks: (api, input) => api.listStacks(input),
  ListExports: (api, input) => api.listExports(input),
  ListImports: (api, input) => api.listImports(input),
  ValidateTemplate: (api, input) => api.validateTemplate(input),
  GetTemplate: (api, input) => api.getTemplate(input),
  GetTemplateSummary: (api, input) => api.getTemplateSummary(input),
  UpdateTerminationProtection: (api, input) => api.updateTerminationProtection(input),
  CreateChangeSet: (api, input, region) => api.createChangeSet(input, region),
  DescribeChangeSet: (api, input) => api.describeChangeSet(input),
  ExecuteChangeSet: (api, input) => api.executeChangeSet(input),
  DeleteChangeSet: (api, input) => api.deleteChangeSet(input),
  ListChangeSets: (api, input) => api.listChangeSets(input),
  DescribeEvents: (api, input) => api.describeEvents(input),
};

export function createCloudFormationService(
  provisioners: ReadonlyMap<string, ResourceProvisioner> = createProvisioners(),
  spec: SpecHooks = resourceSpecHooks,
): Service {
  let api: CloudFormationApi | undefined;
  let stopping = false;
  let serviceContext: ServiceContext | undefined;
  return {
    name: 'cloudformation',
    async start(context: ServiceContext) {
      serviceContext = context;
      stopping = false;
      // Read the resource specification now rather than on the first request (about 0.3 s).
      await loadResourceSpecification();
      const active = withPhantoms(provisioners, context.options.without ?? []);
      const env: ApiEnv = {
        store: new StackStore(join(context.dataDir, 'stacks')),
        clients: context.clients,
        accountId: LOCAL_ACCOUNT_ID,
        provisioner: (type) => active.get(type),
        supportedTypes: () => [...active.keys()].sort(),
        replacingChanges: spec.replacingChanges,
        normalizeProperties: spec.normalizeProperties,
        propertiesProblem: spec.propertiesProblem,
        validateTemplate: spec.templateProblem,
        propertyProblems: spec.propertyProblems,
        resourceExists: (type, name) => resourceExists(context.clients, type, name),
        bucketHasObjects: (bucket) => bucketHasObjects(context.clients, bucket),
        fetchTemplate: (url) => fetchTemplate(context.clients.s3, url),
        stopping: () => stopping,
        log: context.log,
      };
      api = new CloudFormationApi(env);
      // Other services start before this one (services.ts lists it last), so provisioning works now.
      api.recover();
    },
    async handle(request: EdgeRequest, response: ServerResponse) {
      const params = queryParams(request.body, request.url);
      const action = params.get('Action') ?? '';
      const handler = ACTIONS[action];
      if (!handler) {
        throw new ServiceError(
          'InvalidAction',
          `Could not find operation ${action || '(none)'} for version 2010-05-15`,
        );
      }
      // The edge holds requests until start() has finished; this is only a guard.
      if (!api)
        throw new ServiceError('ServiceUnavailable', 'CloudFormation is starting; retry shortly.', 503);
      const result = await handler(api, stackInput(nestQuery(params)), request.region);
      sendQueryResult(response, action, result, XMLNS);
    },
    sendError(response: ServerResponse, error: ServiceError) {
      sendQueryError(response, error, XMLNS);
    },
    async stop() {
      stopping = true;
      await api?.settle();
    },
    // Operations under way are abandoned (as by a stop), then every stack is forgotten: its resources
    // go with the other services' resets, as nothing is deleted one by one.
    reset() {
      return startOver(this, serviceContext);
    },
  };
}
