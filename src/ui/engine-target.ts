// The wizard's engine over a real target: the local cloud, AWS or an endpoint, through src/config and
// src/pipeline. Where the engine cannot do a step yet, `unavailable` says so and the screen shows it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { baseClientOptions } from '../config/clients.js';
import { openTarget, type TargetOptions } from '../config/target.js';
import { createEventSource } from '../pipeline/events.js';
import { JournalWriter } from '../pipeline/journal.js';
import { Producer } from '../pipeline/producer.js';
import { describeStack } from '../pipeline/stack.js';
import { parseTemplate } from '../template/parse.js';
import type { TemplateSummary, WizardEngine } from './engine.js';

export interface EngineOptions extends TargetOptions {
  stackName: string;
}

function templatePath(): string {
  const here = import.meta.url;
  return fileURLToPath(
    new URL(here.includes('/dist/') ? '../../../cfn/pipeline.yaml' : '../../cfn/pipeline.yaml', here),
  );
}

export function loadTemplateSummary(path = templatePath()): TemplateSummary {
  const template = parseTemplate(readFileSync(path, 'utf8'));
  return {
    resources: Object.entries(template.Resources ?? {}).map(([id, r]) => ({ id, type: r.Type })),
    parameters: template.Parameters ?? {},
  };
}

const notYet = (command: string) =>
  `this screen is not built yet; meanwhile \`kinesis-tui ${command}\` does it from the command line`;

export async function openEngine(options: EngineOptions): Promise<WizardEngine> {
  const template = loadTemplateSummary();
  const target = await openTarget(options);
  const { stackName } = options;
  return {
    target,
    stackName,
    template,
    unavailable: { deploy: notYet('deploy'), verify: notYet('verify'), cleanup: notYet('teardown') },
    async describeStack() {
      const stack = await describeStack(target.clients.cloudformation, stackName);
      return (
        stack && {
          name: stack.name,
          status: stack.status,
          ...(stack.reason ? { reason: stack.reason } : {}),
          outputs: stack.outputs,
        }
      );
    },
    async openStream(stack, { rate }) {
      const streamName = stack.outputs.StreamName;
      if (!streamName) throw new Error(`stack "${stack.name}" has no StreamName output: deploy it again`);
      const journalPath = target.journalPath(stackName);
      const journal = JournalWriter.open(journalPath);
      // The producer retries failed entries itself; the SDK's own retries would double them.
      const kinesis = new KinesisClient(baseClientOptions({ ...target.clientConfig, maxAttempts: 1 }));
      const producer = new Producer({
        kinesis,
        stream: { name: streamName },
        source: createEventSource(),
        rate,
        journal,
      });
      return {
        producer,
        streamName,
        journalPath,
        close() {
          journal.close();
          kinesis.destroy();
        },
      };
    },
    close: () => target.close(),
  };
}
