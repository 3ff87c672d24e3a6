#!/usr/bin/env node
// Entry: arguments -> wizard or command. Each command's module (and the SDK clients it needs) loads only
// when that command runs: loading them all took ~1 s before the wizard could draw its first frame.
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CommonOptions } from './commands/common.js';
import { EXIT } from './commands/exit-codes.js';
import { parseDuration, parseRate } from './commands/parse.js';
import { packageVersion } from './commands/version.js';
import { InputError } from './config/errors.js';
import { checkStackName } from './config/names.js';
import { defaultLocalCloudDir, wizardLogPath } from './config/paths.js';
import { closest } from './config/suggest.js';
import { DEFAULT_PORT, DEFAULT_REGION, OPTIONAL_SERVICES } from './local-cloud/options.js';
import { DEFAULT_RATE } from './pipeline/pacing.js';

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

/** A parser from src/commands as a commander argument parser (its message becomes a usage error). */
function parsed<T>(parse: (value: string) => T) {
  return (value: string): T => {
    try {
      return parse(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

function wholeNumber(min: number, what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${what} is a whole number from ${min} up.`);
    return n;
  };
}

/**
 * Commander's own errors (an unknown option, a value its parser refused) in the form every other error
 * takes: `kinesis-tui <command>: <message>`, instead of its `error: <message>`.
 */
function errorsAs(name?: string) {
  const prefix = `kinesis-tui${name ? ` ${name}` : ''}: `;
  return {
    outputError: (text: string, write: (text: string) => void) => write(text.replace(/^error: /, prefix)),
  };
}

/** The target and output options every pipeline command takes. */
function pipelineCommand(name: string, description: string): Command {
  return program
    .command(name)
    .configureOutput(errorsAs(name))
    .description(description)
    .option('--aws', 'use real AWS (credentials from the SDK chain: env, profiles, SSO)')
    .option('--profile <name>', 'AWS profile (with --aws or --endpoint-url)')
    .option('--region <region>', 'AWS region (default: AWS_REGION, the profile, or us-east-1 locally)')
    .option('--endpoint-url <url>', 'any AWS-compatible endpoint (default: AWS_ENDPOINT_URL)')
    .option('--data-dir <dir>', `local cloud data dir (default ${defaultLocalCloudDir})`)
    .option('--ephemeral', 'local cloud in a temporary data dir, removed on exit')
    .option('--stack-name <name>', 'CloudFormation stack name', 'kinesis-tui')
    .option('--json', 'newline-delimited JSON output, one object a line');
}

const program = new Command('kinesis-tui')
  .description('Deploy, stream through, verify and tear down a Kinesis -> Firehose -> S3 pipeline')
  .version(packageVersion(), '-V, --version', 'print the version of kinesis-tui')
  .exitOverride()
  .configureOutput(errorsAs());

program
  .command('wizard', { isDefault: true })
  .configureOutput(errorsAs())
  .description(`the interactive wizard (default); its debug log is ${wizardLogPath}`)
  .option('--aws', 'use real AWS (credentials from the SDK chain: env, profiles, SSO)')
  .option('--profile <name>', 'AWS profile (with --aws or --endpoint-url)')
  .option('--region <region>', 'AWS region (default: AWS_REGION, the profile, or us-east-1 locally)')
  .option('--endpoint-url <url>', 'any AWS-compatible endpoint (default: AWS_ENDPOINT_URL)')
  .option('--data-dir <dir>', `local cloud data dir (default ${defaultLocalCloudDir})`)
  .option('--ephemeral', 'local cloud in a temporary data dir, removed on exit')
  .option('--stack-name <name>', 'CloudFormation stack name', 'kinesis-tui')
  .option('--template <file>', 'your own template (default cfn/pipeline.yaml)')
  // The wizard is the default command, so a mistyped command name arrives here as an extra argument.
  .allowExcessArguments()
  .action(async (opts: CommonOptions & { stackName: string; template?: string }, command: Command) => {
    const [word] = command.args;
    if (word !== undefined) {
      const commands = program.commands.map((c) => c.name());
      const guess = closest(word, commands);
      throw new InputError(
        `unknown command "${word}"${guess ? ` (did you mean ${guess}?)` : ''}: the commands are ${commands.join(', ')}`,
      );
    }
    // Chalk (inside Ink) ignores NO_COLOR; FORCE_COLOR=0 turns it off, and must be set before Ink loads.
    if (process.env.NO_COLOR) process.env.FORCE_COLOR = '0';
    // React's development build (what it loads unless NODE_ENV is production) records a performance
    // measure per component render, with the changed props, in Node's performance timeline, which keeps
    // them all: at full stream rate the wizard's heap grew ~0.7 MiB/s. Users run the production build.
    // React picks its build as it loads; the local cloud's child processes keep the environment as it was.
    // A template that cannot be read is said before the wizard mounts, as `deploy --template` says it.
    if (opts.template) (await import('./pipeline/template.js')).loadTemplate(opts.template);
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV ??= 'production';
    const { runWizard } = await import('./ui/run.js');
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    const { template, ...rest } = opts;
    process.exitCode = await runWizard({
      ...rest,
      stackName: checkStackName(opts.stackName),
      ...(template ? { templatePath: template } : {}),
      logPath: wizardLogPath,
    });
  });

program
  .command('local-cloud')
  .configureOutput(errorsAs('local-cloud'))
  .description('serve the local cloud on 127.0.0.1 for the aws CLI, boto3 and other tools')
  .option('--port <port>', 'port to listen on (0 picks a free one)', port, DEFAULT_PORT)
  .option('--data-dir <dir>', 'where the services keep their state', defaultLocalCloudDir)
  .option('--region <region>', 'the region resources are created in', DEFAULT_REGION)
  .option('--no-limits', 'do not enforce Kinesis shard write limits')
  .option(
    '--without <service>',
    `leave a service out, to try an endpoint that implements AWS only in part (${OPTIONAL_SERVICES.join(', ')}; CloudFormation then reports its resources made, as moto does)`,
    (value: string, all: string[]) => {
      if (!(OPTIONAL_SERVICES as readonly string[]).includes(value))
        throw new InvalidArgumentError(`only ${OPTIONAL_SERVICES.join(', ')} can be left out.`);
      return [...all, value];
    },
    [],
  )
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
      without: string[];
    }) => {
      process.exitCode = await (await import('./commands/local-cloud.js')).runLocalCloud({
        port: opts.port,
        dataDir: opts.dataDir,
        region: opts.region,
        kinesis: { enforceLimits: opts.limits, failureRate: opts.kinesisFailureRate },
        ...(opts.without.length ? { without: opts.without } : {}),
      });
    },
  );

pipelineCommand('deploy', 'create the stack from cfn/pipeline.yaml, or update it through a change set')
  .option(
    '--param <Key=Value>',
    'a template parameter (repeatable)',
    (v: string, all: string[]) => [...all, v],
    [],
  )
  .option(
    '--replace',
    'delete a stack that cannot be updated (ROLLBACK_COMPLETE, DELETE_FAILED) and create it anew',
  )
  .option('--capabilities <list>', 'capabilities to acknowledge (default CAPABILITY_IAM)', (v: string) =>
    v.split(/[ ,]+/).filter(Boolean),
  )
  .option('--template <file>', 'another template file (default cfn/pipeline.yaml)')
  .option('--yes', 'do not ask before deploying on AWS')
  .action(
    async (
      opts: CommonOptions & {
        param: string[];
        replace?: boolean;
        capabilities?: string[];
        template?: string;
      },
    ) => {
      process.exitCode = await (await import('./commands/deploy.js')).runDeploy(opts);
    },
  );

pipelineCommand('stream', "send fake e-commerce events (or your own) into the stack's Kinesis stream")
  .option('--rate <events/s>', 'events a second, or max', parsed(parseRate), DEFAULT_RATE)
  .option('--count <n>', 'stop after this many events', wholeNumber(1, '--count'))
  .option('--duration <time>', 'stop after this long (30s, 2m)', parsed(parseDuration))
  .option('--seed <n>', 'seed for reproducible events', wholeNumber(0, '--seed'))
  .option('--users <n>', 'size of the user pool (partition keys)', wholeNumber(1, '--users'), 1000)
  .option('--max-in-flight <n>', 'PutRecords calls in flight at once', wholeNumber(1, '--max-in-flight'), 8)
  .option(
    '--malformed <n>',
    'also send this many malformed records (they land in processing-failed/)',
    wholeNumber(0, '--malformed'),
  )
  .option(
    '--record-ttl <time>',
    "give an event up when Kinesis has not taken it after this long, retries included (default 30s, the KPL's RecordTtl)",
    parsed(parseDuration),
  )
  .option(
    '--aggregate',
    'pack events into KPL-aggregated records: several times the events a shard takes (consumers must de-aggregate; Firehose does)',
  )
  .option(
    '--events <file>',
    'events of your own: a JSON template with {{faker.*}} / Kinesis Data Generator expressions (see the README)',
  )
  .option('--partition-key <field>', "with --events: the field whose value is each event's partition key")
  .option('--stream <name>', 'the Kinesis stream to send to, when the stack has several')
  .action(
    async (
      opts: CommonOptions & {
        events?: string;
        stream?: string;
        partitionKey?: string;
        rate: number;
        count?: number;
        duration?: number;
        seed?: number;
        users: number;
        maxInFlight: number;
        malformed?: number;
        aggregate?: boolean;
        recordTtl?: number;
      },
      command: Command,
    ) => {
      if (opts.events !== undefined && command.getOptionValueSource('users') === 'cli')
        throw new InputError(
          "--users sizes the built-in events' user pool; with --events your template makes the fields (use --partition-key to key events by one of them)",
        );
      const { recordTtl, ...rest } = opts;
      process.exitCode = await (await import('./commands/stream.js')).runStream({
        ...rest,
        ...(opts.duration !== undefined ? { durationMs: opts.duration } : {}),
        ...(recordTtl !== undefined ? { recordTtlMs: recordTtl } : {}),
      });
    },
  );

pipelineCommand('verify', 'reconcile what reached S3 with what was sent')
  .option('--wait', 'poll until every sent event is accounted for, or the timeout')
  .option('--delivery-stream <name>', 'the Firehose delivery stream to verify, when the stack has several')
  .option('--stream <name>', 'verify the delivery stream reading this stream, when the stack has several')
  .option('--category-field <name>', 'the field your transform writes categories in', 'category')
  .option(
    '--timeout <time>',
    'how long --wait waits (default: twice the buffer intervals plus 2 minutes)',
    parsed(parseDuration),
  )
  .action(
    async (
      opts: CommonOptions & {
        wait?: boolean;
        timeout?: number;
        deliveryStream?: string;
        stream?: string;
        categoryField?: string;
      },
    ) => {
      process.exitCode = await (await import('./commands/verify.js')).runVerify({
        ...opts,
        ...(opts.timeout !== undefined ? { timeoutMs: opts.timeout } : {}),
      });
    },
  );

pipelineCommand('logs', "the transform Lambda's log and Firehose's delivery error log, newest at the bottom")
  .option('--follow', 'keep printing new lines until Ctrl-C')
  .option('--filter <text>', 'only lines holding this text (any case)')
  .option('--since <time>', 'start this far back (default 30m)', parsed(parseDuration))
  .action(async (opts: CommonOptions & { follow?: boolean; filter?: string; since?: number }) => {
    const { since, ...rest } = opts;
    process.exitCode = await (await import('./commands/logs.js')).runLogs({
      ...rest,
      ...(since !== undefined ? { sinceMs: since } : {}),
    });
  });

pipelineCommand('teardown', 'empty the bucket and delete the stack')
  .option('--export <dir>', 'save every object of the bucket under this folder first')
  .option('--yes', 'do not ask before deleting on AWS')
  .action(async (opts: CommonOptions & { export?: string }) => {
    process.exitCode = await (await import('./commands/teardown.js')).runTeardown({
      ...opts,
      ...(opts.export ? { exportDir: opts.export } : {}),
    });
  });

pipelineCommand('status', 'the stack, its stream, delivery stream and bucket')
  .option('--stream <name>', 'the Kinesis stream to show, when the stack has several')
  .option('--delivery-stream <name>', 'the delivery stream to show, when the stack has several')
  .action(async (opts: CommonOptions & { stream?: string; deliveryStream?: string }) => {
    process.exitCode = await (await import('./commands/status.js')).runStatus(opts);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const code = (error as { code?: string }).code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version') process.exitCode = EXIT.ok;
  else if (typeof code === 'string' && code.startsWith('commander.')) process.exitCode = EXIT.usage;
  else {
    process.stderr.write(`kinesis-tui: ${(error as Error).message}\n`);
    process.exitCode = error instanceof InputError ? EXIT.usage : EXIT.failure;
  }
}
