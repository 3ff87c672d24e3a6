// The wizard's engine over a real target: the local cloud, AWS or an endpoint, through src/config and
// src/pipeline.
import { join } from 'node:path';
import { stateDir } from '../config/paths.js';
import { openTarget, type TargetOptions } from '../config/target.js';
import { diagnosePipeline } from '../pipeline/diagnosis/evidence.js';
import {
  choosePipeline,
  destinationText,
  discoverPipeline,
  type PipelineDiscovery,
  requireChoice,
} from '../pipeline/discovery.js';
import { templateChoices } from '../pipeline/event-template/bundled.js';
import { archiveJournal, readJournal } from '../pipeline/journal.js';
import { LogTail, logSources } from '../pipeline/logs.js';
import { enableShardMetrics, readPipelineMetrics } from '../pipeline/metrics.js';
import { startProducerProcess } from '../pipeline/producer-process.js';
import { checkResources, problemSummary } from '../pipeline/resource-check.js';
import { deployStack, describeStack, type StackState } from '../pipeline/stack.js';
import { emptyBucket, stackBuckets, teardownStack } from '../pipeline/teardown.js';
import { deployParameters, type LoadedTemplate, loadTemplate } from '../pipeline/template.js';
import { deliveryInfo, deliveryTarget, Verifier } from '../pipeline/verify.js';
import { parameterFields } from '../template/parameters.js';
import type { PipelineSummary, TemplateSummary, Verification, WizardEngine } from './engine.js';
import { FAILURES_KEPT, ROWS_KEPT } from './state/stream.js';

export interface EngineOptions extends TargetOptions {
  stackName: string;
  /** A template of the user's own (`--template`), instead of cfn/pipeline.yaml. */
  templatePath?: string;
}

/** Stacks that are deployed and usable, whose pipeline is worth discovering. */
const READY = /^(CREATE_COMPLETE|UPDATE_COMPLETE|UPDATE_ROLLBACK_COMPLETE)$/;

export function pipelineSummary(discovery: PipelineDiscovery): PipelineSummary {
  return {
    streams: discovery.streams.map((s) => s.name),
    deliveryStreams: discovery.deliveryStreams.map((d) => ({
      name: d.name,
      ...(d.sourceStreamName ? { source: d.sourceStreamName } : {}),
      destination: destinationText(d),
      status: d.status,
    })),
    buckets: discovery.buckets,
    problems: [],
  };
}

export function loadTemplateSummary(loaded: LoadedTemplate = loadTemplate()): TemplateSummary {
  const template = loaded.template;
  return {
    resources: Object.entries(template.Resources ?? {}).map(([id, r]) => ({ id, type: r.Type })),
    fields: parameterFields(template),
  };
}

export async function openEngine(options: EngineOptions): Promise<WizardEngine> {
  const loaded = loadTemplate(options.templatePath);
  const template = loadTemplateSummary(loaded);
  const target = await openTarget(options);
  const { stackName } = options;
  const exportRoot = join(stateDir, 'exports');
  const cf = target.clients.cloudformation;
  const streams = new Set<{ close(): void }>();
  /** The stack's pipeline as last discovered (each describe of a deployed stack looks again). */
  let discovered: PipelineDiscovery | undefined;
  const discover = async (stack?: StackState) => {
    const state = stack ?? (await describeStack(cf, stackName));
    if (!state) throw new Error(`there is no stack "${stackName}" here: deploy it first`);
    discovered = await discoverPipeline(target.clients, state);
    return discovered;
  };
  return {
    target,
    stackName,
    template,
    exportRoot,
    async describeStack() {
      const stack = await describeStack(target.clients.cloudformation, stackName);
      if (!stack) return undefined;
      // A deployed stack: what it holds, and whether each resource really is there (an endpoint may report
      // resources made that it never made).
      const pipeline = READY.test(stack.status)
        ? await discover(stack).then(
            async (found) => ({
              ...pipelineSummary(found),
              problems: (await checkResources(target.clients, found)).checks
                .filter((c) => c.state === 'missing' || c.state === 'unavailable')
                .map(problemSummary),
            }),
            () => undefined,
          )
        : undefined;
      return {
        name: stack.name,
        status: stack.status,
        ...(stack.reason ? { reason: stack.reason } : {}),
        outputs: stack.outputs,
        parameters: stack.parameters,
        ...(pipeline ? { pipeline } : {}),
      };
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
          for (const bucket of await stackBuckets(target.clients.cloudformation, stack).catch(() => []))
            await emptyBucket(target.clients.s3, bucket, signal).catch(() => 0);
        },
        ...(signal ? { signal } : {}),
        ...(confirm ? { confirm } : {}),
        onUpdate,
      });
    },
    async openStream(_stack, { rate, events, stream: name }) {
      const { stream } = requireChoice(await discover(), {
        ...(name ? { stream: name } : {}),
        need: 'stream',
      });
      if (!stream) throw new Error(`stack "${stackName}" has no Kinesis stream to send to`);
      // In a process of its own: at thousands of events a second the producer would take the screen's
      // event loop. It sends no more recent events than the Stream screen keeps.
      const session = await startProducerProcess(
        target,
        { name: stackName, streamName: stream.name },
        {
          rate,
          ...(events ? { events } : {}),
          limits: { acknowledged: ROWS_KEPT, failed: FAILURES_KEPT },
        },
      );
      streams.add(session);
      return session;
    },
    eventTemplates: (paths) => templateChoices(paths),
    async openLogs() {
      // Every delivery stream's transform and error log, as discovered (whatever the template names them).
      const sources = logSources(await discover());
      const tail = new LogTail(target.clients.logs, sources, { since: Date.now() - 30 * 60_000 });
      return { sources, poll: (signal) => tail.poll(signal) };
    },
    openMetrics() {
      // The stream and delivery stream the journal last sent through (or the only ones), found on first read.
      let finding: Promise<{ streamName?: string; deliveryStreamName?: string }> | undefined;
      const names = () => {
        finding ??= discover().then((discovery) => {
          const last = readJournal(target.journalPath(stackName)).runs.at(-1)?.stream;
          const result = choosePipeline(discovery, { ...(last ? { preferStream: last } : {}), need: 'both' });
          const choice = result.kind === 'chosen' ? result.choice : {};
          return {
            ...(choice.stream ? { streamName: choice.stream.name } : {}),
            ...(choice.deliveryStream ? { deliveryStreamName: choice.deliveryStream.name } : {}),
          };
        });
        finding.catch(() => {
          finding = undefined;
        });
        return finding;
      };
      return {
        read: async (signal) => readPipelineMetrics(target.clients, await names(), signal ? { signal } : {}),
        async enableShardMetrics() {
          const { streamName } = await names();
          if (streamName) await enableShardMetrics(target.clients.kinesis, streamName);
        },
      };
    },
    openVerification(_stack, pick = {}) {
      const journalPath = target.journalPath(stackName);
      // Discovered on first use: the verifier reads where the picked delivery stream writes.
      let opening: Promise<{ verifier: Verifier; discovery: PipelineDiscovery }> | undefined;
      const open = () => {
        opening ??= (async () => {
          const discovery = await discover();
          const last = readJournal(journalPath).runs.at(-1)?.stream;
          const choice = requireChoice(discovery, {
            ...pick,
            ...(last ? { preferStream: last } : {}),
            need: 'delivery stream',
          });
          const where = deliveryTarget(discovery, choice);
          if (!where)
            throw new Error(`stack "${stackName}" has no delivery stream writing to S3, and no bucket`);
          // The local cloud stops with the wizard: what it delivers after a restart is not counted as latency.
          const verifier = new Verifier(target.clients, where, journalPath, {
            stopsWithRuns: target.kind === 'local',
          });
          return { verifier, discovery };
        })();
        opening.catch(() => {
          opening = undefined;
        });
        return opening;
      };
      const chosen = async () => {
        const { discovery } = await open();
        const result = choosePipeline(discovery, { ...pick, need: 'delivery stream' });
        return result.kind === 'chosen' ? result.choice : {};
      };
      const verification: Verification = {
        pollMs: target.kind === 'aws' ? 5000 : 1000,
        // A bucket that is gone is reported (nothing delivered) for the diagnosis to explain.
        check: async (signal) => {
          const { verifier } = await open();
          return verifier.check(signal).catch((error) => verifier.goneReport(error));
        },
        readRecords: async (key, signal) => (await open()).verifier.readRecords(key, signal),
        async delivery() {
          const d = await chosen().then(
            (c) => c.deliveryStream,
            () => undefined,
          );
          return d && deliveryInfo(d);
        },
        async diagnose(report) {
          // Log lines since the first stream run into this stack (the last hour when none is journaled).
          const since = readJournal(journalPath).runs[0]?.started ?? Date.now() - 3_600_000;
          const journal = readJournal(journalPath);
          const { discovery } = await open();
          const choice = await chosen();
          const { causes } = await diagnosePipeline(
            target.clients,
            { discovery, choice },
            report,
            journal,
            since,
          );
          return causes;
        },
      };
      return verification;
    },
    async teardown({ export: exporting, signal, onUpdate }) {
      const stack = await describeStack(cf, stackName);
      if (!stack) {
        return {
          bucket: undefined,
          buckets: [],
          exported: 0,
          deletedObjects: 0,
          deletedResources: [],
          remaining: [],
        };
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
