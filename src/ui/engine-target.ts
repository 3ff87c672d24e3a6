// The wizard's engine over a real target: the local cloud, AWS or an endpoint, through src/config and
// src/pipeline.
import { join } from 'node:path';
import { stateDir } from '../config/paths.js';
import { openTarget, type TargetOptions } from '../config/target.js';
import { templateChoices } from '../pipeline/event-template/bundled.js';
import { archiveJournal, readJournal } from '../pipeline/journal.js';
import { LogTail, logSources } from '../pipeline/logs.js';
import { enableShardMetrics, readPipelineMetrics } from '../pipeline/metrics.js';
import { startProducerProcess } from '../pipeline/producer-process.js';
import { deployStack, describeStack } from '../pipeline/stack.js';
import { emptyBucket, stackBucket, teardownStack } from '../pipeline/teardown.js';
import { deployParameters, type LoadedTemplate, loadTemplate } from '../pipeline/template.js';
import { describeDelivery, diagnose, Verifier } from '../pipeline/verify.js';
import { parameterFields } from '../template/parameters.js';
import type { TemplateSummary, WizardEngine } from './engine.js';
import { FAILURES_KEPT, ROWS_KEPT } from './state/stream.js';

export interface EngineOptions extends TargetOptions {
  stackName: string;
}

export function loadTemplateSummary(loaded: LoadedTemplate = loadTemplate()): TemplateSummary {
  const template = loaded.template;
  return {
    resources: Object.entries(template.Resources ?? {}).map(([id, r]) => ({ id, type: r.Type })),
    fields: parameterFields(template),
  };
}

export async function openEngine(options: EngineOptions): Promise<WizardEngine> {
  const loaded = loadTemplate();
  const template = loadTemplateSummary(loaded);
  const target = await openTarget(options);
  const { stackName } = options;
  const exportRoot = join(stateDir, 'exports');
  const cf = target.clients.cloudformation;
  const streams = new Set<{ close(): void }>();
  return {
    target,
    stackName,
    template,
    exportRoot,
    async describeStack() {
      const stack = await describeStack(target.clients.cloudformation, stackName);
      return (
        stack && {
          name: stack.name,
          status: stack.status,
          ...(stack.reason ? { reason: stack.reason } : {}),
          outputs: stack.outputs,
          parameters: stack.parameters,
        }
      );
    },
    deploy({ values, replace, signal, onUpdate, confirm }) {
      const assignments = Object.entries(values).map(([key, value]) => `${key}=${value}`);
      return deployStack(target.clients.cloudformation, {
        stackName,
        template: loaded,
        parameters: (previous) => deployParameters(loaded, assignments, previous),
        ...(replace ? { replace: true } : {}),
        // A failed stack's bucket may hold objects; CloudFormation cannot delete a bucket that is not empty.
        beforeDelete: async (stack) => {
          const bucket = await stackBucket(target.clients.cloudformation, stack);
          if (bucket) await emptyBucket(target.clients.s3, bucket, signal).catch(() => 0);
        },
        ...(signal ? { signal } : {}),
        ...(confirm ? { confirm } : {}),
        onUpdate,
      });
    },
    async openStream(stack, { rate, events }) {
      // In a process of its own: at thousands of events a second the producer would take the screen's
      // event loop. It sends no more recent events than the Stream screen keeps.
      const session = await startProducerProcess(target, stack, {
        rate,
        ...(events ? { events } : {}),
        limits: { acknowledged: ROWS_KEPT, failed: FAILURES_KEPT },
      });
      streams.add(session);
      return session;
    },
    eventTemplates: () => templateChoices(),
    async openLogs(stack) {
      const sources = await logSources(target.clients, stack.outputs);
      const tail = new LogTail(target.clients.logs, sources, { since: Date.now() - 30 * 60_000 });
      return { sources, poll: (signal) => tail.poll(signal) };
    },
    openMetrics(stack) {
      const names = {
        ...(stack.outputs.StreamName ? { streamName: stack.outputs.StreamName } : {}),
        ...(stack.outputs.DeliveryStreamName ? { deliveryStreamName: stack.outputs.DeliveryStreamName } : {}),
      };
      return {
        read: (signal) => readPipelineMetrics(target.clients, names, signal ? { signal } : {}),
        async enableShardMetrics() {
          if (names.streamName) await enableShardMetrics(target.clients.kinesis, names.streamName);
        },
      };
    },
    openVerification(stack) {
      const journalPath = target.journalPath(stackName);
      // The local cloud stops with the wizard: what it delivers after a restart is not counted as latency.
      const verifier = new Verifier(target.clients, stack.outputs, journalPath, {
        stopsWithRuns: target.kind === 'local',
      });
      return {
        pollMs: target.kind === 'aws' ? 5000 : 1000,
        check: (signal) => verifier.check(signal),
        readRecords: (key, signal) => verifier.readRecords(key, signal),
        async delivery() {
          const name = stack.outputs.DeliveryStreamName;
          return name ? describeDelivery(target.clients.firehose, name).catch(() => undefined) : undefined;
        },
        async diagnose(report) {
          // Log lines since the first stream run into this stack (the last hour when none is journaled).
          const since = readJournal(journalPath).runs[0]?.started ?? Date.now() - 3_600_000;
          const found = await diagnose(target.clients, stack.outputs, report, since);
          return [...found.reasons, ...found.logErrors];
        },
      };
    },
    async teardown({ export: exporting, signal, onUpdate }) {
      const stack = await describeStack(cf, stackName);
      if (!stack) {
        return { bucket: undefined, exported: 0, deletedObjects: 0, deletedResources: [], remaining: [] };
      }
      const exportDir = exporting
        ? join(exportRoot, `${stackName}-${new Date().toISOString().replace(/[:.]/g, '-')}`)
        : undefined;
      const result = await teardownStack(target.clients, stack, {
        ...(exportDir ? { exportDir } : {}),
        ...(signal ? { signal } : {}),
        pollMs: target.kind === 'aws' ? 3000 : 500,
        onUpdate,
      });
      const journalArchived = archiveJournal(target.journalPath(stackName));
      const after = await describeStack(cf, stackName);
      const remaining = [
        ...(after ? [`stack ${stackName} is ${after.status}`] : []),
        ...(exportDir && result.exported > 0 ? [`the exported objects in ${exportDir}`] : []),
        ...(journalArchived ? [`the producer's journal, kept as ${journalArchived}`] : []),
      ];
      return {
        ...result,
        ...(exportDir && result.exported > 0 ? { exportDir } : {}),
        ...(journalArchived ? { journalArchived } : {}),
        remaining,
      };
    },
    async close() {
      // The session stops each stream first (its summary comes back); this only lets go of the processes.
      for (const stream of streams) stream.close();
      await target.close();
    },
  };
}
