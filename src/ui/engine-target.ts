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

const NOT_YET =
  'the pipeline engine cannot deploy, verify or tear down stacks in this build yet (issue 5), and the ' +
  "local cloud's CloudFormation is still being built (issue 4)";

export async function openEngine(options: EngineOptions): Promise<WizardEngine> {
  const template = loadTemplateSummary();
  const target = await openTarget(options);
  const { stackName } = options;
  return {
    target,
    stackName,
    template,
    unavailable: { deploy: NOT_YET, verify: NOT_YET, cleanup: NOT_YET },
    async describeStack() {
      throw new Error(NOT_YET);
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
