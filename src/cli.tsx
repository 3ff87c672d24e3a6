#!/usr/bin/env node
// Entry: arguments -> wizard or command.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { EXIT } from './commands/exit-codes.js';
import { runLocalCloud } from './commands/local-cloud.js';
import { defaultLocalCloudDir } from './config/paths.js';
import { DEFAULT_PORT, DEFAULT_REGION } from './local-cloud/options.js';
import { parseTemplate } from './template/parse.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('a port is a whole number from 0 to 65535.');
  return n;
}

function fraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError('a fraction from 0 to 1, such as 0.05.');
  return n;
}

// Until the wizard lands, the default command says what the project holds, so `npm start` is honest.
function describeProject(): number {
  const templatePath = fileURLToPath(new URL('../../cfn/pipeline.yaml', import.meta.url));
  const template = parseTemplate(readFileSync(templatePath, 'utf8'));
  const resources = Object.entries(template.Resources ?? {});
  process.stdout.write(
    [
      'kinesis-tui: the wizard is not built yet. What is here now:',
      `  cfn/pipeline.yaml: ${resources.length} resources`,
      ...resources.map(([id, r]) => `    ${id.padEnd(22)} ${r.Type}`),
      '  `kinesis-tui local-cloud`: the local cloud as a server for the aws CLI and boto3',
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}

const program = new Command('kinesis-tui')
  .description('Deploy, stream through, verify and tear down a Kinesis -> Firehose -> S3 pipeline')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

program
  .command('wizard', { isDefault: true })
  .description('the interactive wizard (default)')
  .action(() => {
    process.exitCode = describeProject();
  });

program
  .command('local-cloud')
  .description('serve the local cloud on 127.0.0.1 for the aws CLI, boto3 and other tools')
  .option('--port <port>', 'port to listen on (0 picks a free one)', port, DEFAULT_PORT)
  .option('--data-dir <dir>', 'where the services keep their state', defaultLocalCloudDir)
  .option('--region <region>', 'the region resources are created in', DEFAULT_REGION)
  .option('--no-limits', 'do not enforce Kinesis shard write limits')
  .addOption(
    new Option(
      '--kinesis-failure-rate <fraction>',
      'fail this fraction of PutRecords entries with InternalFailure',
    )
      .argParser(fraction)
      .default(0),
  )
  .action(
    async (opts: {
      port: number;
      dataDir: string;
      region: string;
      limits: boolean;
      kinesisFailureRate: number;
    }) => {
      process.exitCode = await runLocalCloud({
        port: opts.port,
        dataDir: opts.dataDir,
        region: opts.region,
        kinesis: { enforceLimits: opts.limits, failureRate: opts.kinesisFailureRate },
      });
    },
  );

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const code = (error as { code?: string }).code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version') process.exitCode = EXIT.ok;
  else if (typeof code === 'string' && code.startsWith('commander.')) process.exitCode = EXIT.usage;
  else {
    process.stderr.write(`kinesis-tui: ${(error as Error).message}\n`);
    process.exitCode = EXIT.failure;
  }
}
