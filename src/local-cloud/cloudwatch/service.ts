// CloudWatch metrics (signing name `monitoring`): GetMetricData, GetMetricStatistics, ListMetrics and
// PutMetricData over the store the other services publish their AWS/* metrics to (metrics.ts).
import type { ServerResponse } from 'node:http';
import { ServiceError } from '../protocol/common.js';
import type { EdgeRequest, Service, ServiceContext } from '../service.js';
import { OPERATIONS } from './api.js';
import type { MetricStore } from './metrics.js';
import { decode, sendError, sendResult } from './wire.js';

export function createMonitoringService(): Service {
  let store: MetricStore | undefined;
  return {
    name: 'monitoring',
    async start(context: ServiceContext) {
      store = context.metrics;
    },
    // The store is the local cloud's (every service publishes to it); emptying it is this service's part
    // of a reset. Kinesis and Firehose publish only while serving, and the edge holds them while they reset.
    async reset() {
      store?.clear();
    },
    async handle(request: EdgeRequest, response: ServerResponse) {
      const { protocol, operation, input } = decode(request);
      const run = OPERATIONS[operation];
      if (!run) {
        throw protocol === 'query'
          ? new ServiceError(
              'InvalidAction',
              `Could not find operation ${operation || '(none)'} for version 2010-08-01`,
            )
          : new ServiceError(
              'UnknownOperationException',
              `The local cloud's CloudWatch does not provide ${operation}: it provides ${Object.keys(OPERATIONS).join(', ')}.`,
            );
      }
      if (!store) throw new ServiceError('ServiceUnavailable', 'CloudWatch is starting.', 503);
      sendResult(response, protocol, operation, run(store, input));
    },
    sendError,
  };
}
