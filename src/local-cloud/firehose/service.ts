// Firehose on the AWS JSON 1.1 protocol: X-Amz-Target `Firehose_20150804.<Operation>`, JSON in and out.
import type { ServerResponse } from 'node:http';
import { ServiceError } from '../protocol/common.js';
import { jsonInput, jsonOperation, sendJson, sendJsonError } from '../protocol/json.js';
import { startOver } from '../reset.js';
import type { EdgeRequest, Service, ServiceContext } from '../service.js';
import { FirehoseApi } from './api.js';
import { WorkerEngine } from './engine.js';
import { DeliveryStreamStore } from './store.js';
import type { Json } from './validation.js';

type Operation = (api: FirehoseApi, region: string, input: Json) => unknown;

const OPERATIONS: Record<string, Operation> = {
  CreateDeliveryStream: (api, region, input) => api.createDeliveryStream(region, input),
  DescribeDeliveryStream: (api, region, input) => api.describeDeliveryStream(region, input),
  ListDeliveryStreams: (api, region, input) => api.listDeliveryStreams(region, input),
  DeleteDeliveryStream: (api, region, input) => api.deleteDeliveryStream(region, input),
  UpdateDestination: (api, region, input) => api.updateDestination(region, input),
  PutRecord: (api, region, input) => api.putRecord(region, input),
  PutRecordBatch: (api, region, input) => api.putRecordBatch(region, input),
  TagDeliveryStream: (api, region, input) => api.tagDeliveryStream(region, input),
  UntagDeliveryStream: (api, region, input) => api.untagDeliveryStream(region, input),
  ListTagsForDeliveryStream: (api, region, input) => api.listTagsForDeliveryStream(region, input),
};

export function createFirehoseService(): Service {
  let api: FirehoseApi | undefined;
  let engine: WorkerEngine | undefined;
  let context: ServiceContext | undefined;
  return {
    name: 'firehose',
    async start(serviceContext: ServiceContext) {
      context = serviceContext;
      engine = new WorkerEngine(serviceContext);
      api = new FirehoseApi(new DeliveryStreamStore(serviceContext.dataDir), engine);
      await api.resume();
    },
    async handle(request: EdgeRequest, response: ServerResponse) {
      if (!api)
        throw new ServiceError('ServiceUnavailableException', 'Firehose is starting; retry shortly.', 503);
      const name = jsonOperation(request.headers) ?? '';
      const operation = OPERATIONS[name];
      if (!operation) {
        throw new ServiceError('UnknownOperationException', `Firehose has no operation ${name || '(none)'}.`);
      }
      sendJson(response, await operation(api, request.region, jsonInput(request.body)));
    },
    sendError(response: ServerResponse, error: ServiceError) {
      sendJsonError(response, error);
    },
    async stop() {
      api?.stop();
      await engine?.stop();
    },
    // Workers and pending transitions stopped, delivery streams, spools and checkpoints gone.
    reset() {
      return startOver(this, context);
    },
  };
}
