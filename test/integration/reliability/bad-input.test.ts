// The bad-input catalogue: every way a user can hand kinesis-tui something wrong, one row each, through the
// built binary, with the message the user reads and the exit code a script sees. No row may show a stack
// dump. Rows with a `next` are interruptions or broken states: the next run must recognise the state the
// first left behind and say what it is.
//
// The rows run in order, group by group; a group's rows share what they need (a local cloud serving as an
// endpoint with one deployed pipeline, or one data dir the interruptions take turns on), so the catalogue
// costs few deploys.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { join } from 'node:path';
import { DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import { DeleteStreamCommand, PutRecordsCommand, waitUntilStreamNotExists } from '@aws-sdk/client-kinesis';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/commands/exit-codes.js';
import { describeStack } from '../../../src/pipeline/stack.js';
import { type LocalCloudFixture, tempDir, useLocalCloud } from '../../support/local-cloud.js';
import { openTerminal } from '../../support/tmux.js';
import { missingTool, skipTitle } from '../../support/tools.js';
import { waitFor } from '../../support/wait.js';
import { CLI, cleanEnv, runCli } from '../pipeline/cli.js';

const work = tempDir('bad-input-');
const stateDir = join(work, 'state');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What a run left for the user: its exit code and everything it printed (or the last screen). */
interface Outcome {
  code: number | null;
  text: string;
}

/** Everything a row's run can reach. */
interface World {
  /** The shared local cloud the stack rows reach as an endpoint. */
  endpoint: string;
  cloud: LocalCloudFixture;
  /** Ports of the misbehaving servers the target rows point at. */
  ports: { html: number; error: number; notHttp: number };
}

interface Step {
  run: (world: World) => Promise<Outcome>;
  code: number;
  message: RegExp;
}

interface Row extends Step {
  title: string;
  /** The next run, after the state this one left behind. */
  next?: Step;
  /** Why the row cannot run here, if it cannot. */
  skip?: string;
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({ KINESIS_TUI_STATE_DIR: stateDir, ...extra });
}

/** Stops (SIGSTOP) or lets go on (SIGCONT) the local cloud a command started on `dataDir` (its pid file). */
function holdCloud(dataDir: string, signal: 'SIGSTOP' | 'SIGCONT'): void {
  process.kill(Number(readFileSync(join(dataDir, 'local-cloud.pid'), 'utf8')), signal);
}

interface Interrupt {
  /** The line after which the first Ctrl-C is sent. */
  when: RegExp;
  times: 1 | 2;
  /**
   * The data dir of the command's local cloud, to hold still from `when` until the Ctrl-Cs were taken. A
   * stack operation on the local cloud takes a few seconds; without the hold, on a loaded machine it could
   * finish before the Ctrl-C got there, and the row would test nothing (or fail). With `when` a line the
   * command prints just before it asks for the operation, the operation cannot even begin until then.
   */
  hold?: string;
}

/**
 * Runs the binary; `interrupt` sends Ctrl-C when a line matches, and with `times: 2` a second one once the
 * first was taken: signals sent together reach the process as one (a pending signal is not queued twice).
 */
async function cli(
  args: string[],
  options: { env?: Record<string, string>; interrupt?: Interrupt } = {},
): Promise<Outcome> {
  const interrupt = options.interrupt;
  // A sign the first Ctrl-C was taken: the notice, or (with --json) the next stats line.
  const taken = /Ctrl-C again|"type":"stats"/;
  let sent = 0;
  let held = false;
  const release = () => {
    if (held && interrupt?.hold) holdCloud(interrupt.hold, 'SIGCONT');
    held = false;
  };
  try {
    const result = await runCli(args, {
      env: env(options.env),
      timeoutMs: 300_000,
      onLine: (line, signal) => {
        if (!interrupt) return;
        if (sent < interrupt.times && (sent === 0 ? interrupt.when : taken).test(line)) {
          if (sent === 0 && interrupt.hold) {
            holdCloud(interrupt.hold, 'SIGSTOP');
            held = true;
          }
          sent++;
          signal('SIGINT');
          // The second cannot show it was taken while the command waits on the held cloud: let it go on.
          if (sent === 2) release();
        } else if (held && taken.test(line)) release();
      },
    });
    if (interrupt && sent < interrupt.times) {
      throw new Error(
        `sent ${sent} of ${interrupt.times} Ctrl-C (waiting for ${interrupt.when}):\n${result.stdout}`,
      );
    }
    return { code: result.code, text: result.stdout + result.stderr };
  } finally {
    release();
  }
}

/** A file in the work folder, written with `text`. */
function file(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

const home = join(work, 'home');
mkdirSync(join(home, '.aws'), { recursive: true });
writeFileSync(join(home, '.aws', 'config'), '[profile work]\nregion = eu-west-1\n');
const notYaml = file('not-yaml.yaml', 'Resources: [unclosed\n  : :\n');
const notTemplate = file('list.yaml', '- just\n- a list\n');
const unknownType = file('unknown-type.yaml', 'Resources:\n  Thing:\n    Type: AWS::Nope::Thing\n');
const lackedType = file(
  'vpc.yaml',
  'Resources:\n  Network:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n',
);
const streamOnly = file(
  'stream-only.yaml',
  'Resources:\n  EventStream:\n    Type: AWS::Kinesis::Stream\n    Properties: { ShardCount: 1 }\n' +
    'Outputs:\n  StreamName: { Value: !Ref EventStream }\n',
);
const bucketOnly = file(
  'bucket-only.yaml',
  'Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\nOutputs:\n  BucketName: { Value: !Ref Bucket }\n',
);
// Root writes through any mode bits; /sys refuses even root.
const unwritable =
  process.getuid?.() === 0
    ? '/sys/kinesis-tui-data'
    : (() => {
        const dir = join(work, 'read-only');
        mkdirSync(dir);
        chmodSync(dir, 0o500);
        return join(dir, 'data');
      })();

const noTmux = missingTool('tmux', ['-V']);
const endpointArgs = (w: World, ...rest: string[]) => ['--endpoint-url', w.endpoint, ...rest];
const FAST_DELIVERY = ['--param', 'ShardCount=1', '--param', 'BufferIntervalSeconds=0'];
const FAST_TRANSFORM = ['--param', 'ProcessorBufferIntervalSeconds=0'];

/** Arguments, options and files: refused before any cloud is touched. */
const inputRows: Row[] = [
  {
    title: 'an unknown template parameter',
    run: () => cli(['deploy', '--param', 'Shards=2']),
    code: EXIT.usage,
    message: /\[Shards\] do not exist in the template/,
  },
  {
    title: 'a parameter out of range',
    run: () => cli(['deploy', '--param', 'ShardCount=500']),
    code: EXIT.usage,
    message: /ShardCount failed to satisfy constraint: 1-200 shards/,
  },
  {
    title: 'a malformed --param',
    run: () => cli(['deploy', '--param', 'ShardCount']),
    code: EXIT.usage,
    message: /not Key=Value/,
  },
  {
    title: 'the same parameter twice',
    run: () => cli(['deploy', '--param', 'ShardCount=2', '--param', 'ShardCount=3']),
    code: EXIT.usage,
    message: /--param ShardCount is given twice: keep one/,
  },
  {
    title: 'an invalid bucket name',
    run: () => cli(['deploy', '--param', 'BucketName=My_Bucket']),
    code: EXIT.usage,
    message: /BucketName failed to satisfy constraint: empty, or 3-63 lower-case letters/,
  },
  {
    title: 'an invalid stack name',
    run: () => cli(['status', '--stack-name', 'my_stack']),
    code: EXIT.usage,
    message: /not a valid stack name/,
  },
  {
    title: 'a template that is not YAML',
    run: () => cli(['deploy', '--template', notYaml]),
    code: EXIT.usage,
    message: /not-yaml\.yaml is not a readable template/,
  },
  {
    title: 'YAML that is not a template',
    run: () => cli(['deploy', '--template', notTemplate]),
    code: EXIT.usage,
    message: /list\.yaml is not a readable template: the template is not a map of sections/,
  },
  {
    title: 'a template naming a resource type that does not exist',
    run: () => cli(['deploy', '--template', unknownType]),
    code: EXIT.usage,
    message: /unknown-type\.yaml: Template format error: Unrecognized resource types: \[AWS::Nope::Thing\]/,
  },
  {
    title: 'a missing template',
    run: () => cli(['deploy', '--template', join(work, 'nope.yaml')]),
    code: EXIT.usage,
    message: /cannot read the template .*nope\.yaml \(ENOENT\): check the path/,
  },
  {
    title: 'a capability CloudFormation does not know',
    run: () => cli(['deploy', '--capabilities', 'CAPABILITY_EVERYTHING']),
    code: EXIT.usage,
    message:
      /CAPABILITY_EVERYTHING is not a capability: use CAPABILITY_IAM, CAPABILITY_NAMED_IAM or CAPABILITY_AUTO_EXPAND/,
  },
  {
    title: 'a command that does not exist',
    run: () => cli(['deplyo']),
    code: EXIT.usage,
    message:
      /unknown command "deplyo" \(did you mean deploy\?\): the commands are wizard, local-cloud, deploy, stream, verify, logs, teardown, status/,
  },
  {
    title: 'an option that does not exist',
    run: () => cli(['status', '--bogus']),
    code: EXIT.usage,
    message: /unknown option '--bogus'/,
  },
  {
    title: '--aws with --endpoint-url',
    run: () => cli(['status', '--aws', '--endpoint-url', 'http://127.0.0.1:9']),
    code: EXIT.usage,
    message: /two different targets/,
  },
  {
    title: 'an endpoint that is not a URL',
    run: () => cli(['status', '--endpoint-url', 'ftp://127.0.0.1']),
    code: EXIT.usage,
    message: /"ftp:\/\/127\.0\.0\.1" is not an http\(s\) URL/,
  },
  {
    title: 'a region that is not one',
    run: () => cli(['status', '--region', 'mars']),
    code: EXIT.usage,
    message: /"mars" is not an AWS region name: pass one such as eu-west-1/,
  },
  {
    title: 'a rate of zero',
    run: () => cli(['stream', '--rate', '0']),
    code: EXIT.usage,
    message: /--rate takes events a second above 0/,
  },
  {
    title: 'a count that is not a number',
    run: () => cli(['stream', '--count', 'lots']),
    code: EXIT.usage,
    message: /--count is a whole number from 1 up/,
  },
  {
    title: 'a duration that is not one',
    run: () => cli(['stream', '--duration', 'soon']),
    code: EXIT.usage,
    message: /not a duration/,
  },
  {
    title: 'a record TTL of zero',
    run: () => cli(['stream', '--record-ttl', '0s']),
    code: EXIT.usage,
    message: /a duration is above 0/,
  },
  {
    title: 'a port out of range',
    run: () => cli(['local-cloud', '--port', '70000']),
    code: EXIT.usage,
    message: /a port is a whole number from 0 to 65535/,
  },
  {
    title: 'a fault rate that is not a fraction',
    run: () => cli(['local-cloud', '--kinesis-failure-rate', '5']),
    code: EXIT.usage,
    message: /a fraction from 0 to 1, such as 0\.05/,
  },
  {
    title: 'no terminal for the wizard',
    run: async () => {
      const run = spawnSync(process.execPath, [CLI], { encoding: 'utf8', env: env(), input: '' });
      return { code: run.status, text: run.stdout + run.stderr };
    },
    code: EXIT.usage,
    message:
      /the wizard needs an interactive terminal \(standard input is not a terminal\)[\s\S]*kinesis-tui deploy/,
  },
  {
    title: 'a terminal too small for the wizard (it waits for a bigger one; q still quits)',
    skip: noTmux,
    run: async () => {
      const t = openTerminal([process.execPath, CLI, '--ephemeral'], {
        columns: 60,
        rows: 15,
        env: { KINESIS_TUI_STATE_DIR: stateDir },
      });
      try {
        const screen = await t.waitFor((s) => s.includes('Terminal too small'));
        t.keys(['q']);
        await t.waitFor(() => t.exited(), 60_000);
        return { code: t.exitStatus() ?? null, text: screen };
      } finally {
        t.close();
      }
    },
    code: EXIT.ok,
    message: /Terminal too small: 60x15[\s\S]*needs 80x20; make the window bigger/,
  },
];

/** Targets: credentials, profiles, regions, endpoints, ports and folders. */
const targetRows: Row[] = [
  {
    title: 'no credentials',
    run: () => cli(['status', '--aws', '--region', 'eu-west-1'], { env: { HOME: home } }),
    code: EXIT.target,
    message: /no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass --profile/,
  },
  {
    title: 'an unknown profile',
    run: () => cli(['status', '--aws', '--profile', 'nosuch'], { env: { HOME: home } }),
    code: EXIT.target,
    message: /profile "nosuch" is not in .*\(profiles there: work\)/,
  },
  {
    title: 'no region',
    run: () => cli(['status', '--aws'], { env: { HOME: home } }),
    code: EXIT.target,
    message: /no AWS region: pass --region/,
  },
  {
    title: 'an endpoint that refuses connections',
    run: () => cli(['status', '--endpoint-url', 'http://127.0.0.1:9']),
    code: EXIT.target,
    message: /cannot reach the endpoint http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\): check the URL/,
  },
  {
    title: 'an endpoint that answers a web page',
    run: (w) => cli(['status', '--endpoint-url', `http://127.0.0.1:${w.ports.html}`]),
    code: EXIT.target,
    message:
      /the endpoint http:\/\/127\.0\.0\.1:\d+ does not answer as AWS does \(HTTP 200, but no account in the answer\): check the URL/,
  },
  {
    title: 'an endpoint that answers an error page',
    run: (w) => cli(['status', '--endpoint-url', `http://127.0.0.1:${w.ports.error}`]),
    code: EXIT.target,
    message:
      /the endpoint http:\/\/127\.0\.0\.1:\d+ does not answer as AWS does \(HTTP 502: "Bad Gateway"\): check the URL/,
  },
  {
    title: 'an endpoint that does not speak HTTP',
    run: (w) => cli(['status', '--endpoint-url', `http://127.0.0.1:${w.ports.notHttp}`]),
    code: EXIT.target,
    message: /the endpoint http:\/\/127\.0\.0\.1:\d+ does not answer as AWS does \(not HTTP: /,
  },
  {
    title: 'a port in use',
    run: (w) => cli(['local-cloud', '--port', String(w.ports.html), '--data-dir', join(work, 'port')]),
    code: EXIT.target,
    message:
      /port \d+ on 127\.0\.0\.1 is already in use: stop what uses it, or pass --port with another port/,
  },
  {
    title: 'a data dir that cannot be written',
    run: () => cli(['status', '--data-dir', unwritable]),
    code: EXIT.target,
    message: /cannot use .* as the local cloud's data dir \((EACCES|EPERM|EROFS)\): choose a writable folder/,
  },
  {
    title: 'a data dir under a file',
    run: () => cli(['status', '--data-dir', join(notYaml, 'data')]),
    code: EXIT.target,
    message: /cannot use .*not-yaml\.yaml\/data as the local cloud's data dir \(ENOTDIR\)/,
  },
  {
    title: 'a data dir another local cloud is using',
    run: (w) => cli(['status', '--data-dir', w.cloud.dataDir]),
    code: EXIT.target,
    message: /another local cloud \(pid \d+\) is using .*: stop it, or choose another folder with --data-dir/,
  },
  {
    title: 'a fault rate in the environment that is not a fraction',
    run: () => cli(['status', '--ephemeral'], { env: { KINESIS_TUI_KINESIS_FAILURE_RATE: 'lots' } }),
    code: EXIT.target,
    message: /KINESIS_TUI_KINESIS_FAILURE_RATE=lots is not a fraction between 0 and 1/,
  },
];

/** Stacks, streams and buckets in a state the command cannot work with, on a local cloud as an endpoint. */
const stackRows: Row[] = [
  {
    title: 'verify before any deploy',
    run: (w) => cli(['verify', ...endpointArgs(w, '--stack-name', 'never')]),
    code: EXIT.target,
    message: /there is no stack "never" here: run `kinesis-tui deploy` first/,
  },
  {
    title: 'stream before any deploy',
    run: (w) => cli(['stream', ...endpointArgs(w, '--stack-name', 'never', '--count', '1')]),
    code: EXIT.target,
    message: /there is no stack "never" here: run `kinesis-tui deploy` first/,
  },
  {
    title: 'status before any deploy, as JSON',
    run: (w) => cli(['status', ...endpointArgs(w, '--stack-name', 'never', '--json')]),
    code: EXIT.ok,
    message: /"type":"status".*"stack":null/,
  },
  {
    title: 'teardown with nothing to tear down',
    run: (w) => cli(['teardown', ...endpointArgs(w, '--stack-name', 'never')]),
    code: EXIT.ok,
    message: /there is no stack "never" here: nothing to tear down/,
  },
  {
    title: 'a resource type the local cloud lacks (the create fails and rolls back)',
    run: (w) => cli(['deploy', ...endpointArgs(w, '--stack-name', 'broken', '--template', lackedType)]),
    code: EXIT.target,
    message:
      /Network CREATE_FAILED: .*AWS::EC2::VPC[\s\S]*stack "broken" was not created \(ROLLBACK_COMPLETE\)[\s\S]*deploy --replace/,
  },
  {
    title: 'a stack in ROLLBACK_COMPLETE',
    run: (w) => cli(['deploy', ...endpointArgs(w, '--stack-name', 'broken', '--template', lackedType)]),
    code: EXIT.target,
    message: /is in ROLLBACK_COMPLETE: its creation failed.*only allows deleting it.*deploy --replace/,
    next: {
      run: (w) => cli(['teardown', ...endpointArgs(w, '--stack-name', 'broken')]),
      code: EXIT.ok,
      message: /stack broken deleted/,
    },
  },
  {
    title: 'streaming into a stack whose stream was deleted',
    run: async (w) => {
      const deployed = await cli([
        'deploy',
        ...endpointArgs(w, '--stack-name', 'gone', '--template', streamOnly),
      ]);
      expect(deployed.code, deployed.text).toBe(EXIT.ok);
      const stack = await describeStack(w.cloud.clients.cloudformation, 'gone');
      const kinesis = w.cloud.clients.kinesis;
      await kinesis.send(new DeleteStreamCommand({ StreamName: stack?.outputs.StreamName }));
      // A deleted stream stays DELETING for a moment (as on AWS), and stream rightly says so: this row is
      // about the stream being gone.
      await waitUntilStreamNotExists(
        { client: kinesis, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
        { StreamName: stack?.outputs.StreamName },
      );
      return cli(['stream', ...endpointArgs(w, '--stack-name', 'gone', '--count', '5')]);
    },
    code: EXIT.target,
    message:
      /the stream gone-EventStream-\w+ of stack "gone" does not exist: run `kinesis-tui deploy` to repair/,
  },
  {
    title: 'a delete blocked by a non-empty bucket',
    run: async (w) => {
      const deployed = await cli([
        'deploy',
        ...endpointArgs(w, '--stack-name', 'full', '--template', bucketOnly),
      ]);
      expect(deployed.code, deployed.text).toBe(EXIT.ok);
      const cf = w.cloud.clients.cloudformation;
      const bucket = (await describeStack(cf, 'full'))?.outputs.BucketName;
      await w.cloud.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'kept.json', Body: '{}' }));
      // Deleted from outside kinesis-tui (the console, another tool): the bucket refuses, the stack is stuck.
      await cf.send(new DeleteStackCommand({ StackName: 'full' }));
      await waitFor(
        'DELETE_FAILED',
        async () => (await describeStack(cf, 'full'))?.status === 'DELETE_FAILED',
        {
          timeoutMs: 120_000,
        },
      );
      return cli(['deploy', ...endpointArgs(w, '--stack-name', 'full', '--template', bucketOnly)]);
    },
    code: EXIT.target,
    message:
      /stack "full" is in DELETE_FAILED: an earlier delete could not remove everything.*Run `kinesis-tui teardown`/,
    next: {
      run: (w) => cli(['teardown', ...endpointArgs(w, '--stack-name', 'full')]),
      code: EXIT.ok,
      message: /emptied s3:\/\/\S+: 1 object deleted \(versions included\)[\s\S]*stack full deleted/,
    },
  },
  {
    title: 'verify with an empty bucket and nothing sent',
    run: async (w) => {
      const deployed = await cli(['deploy', ...endpointArgs(w, ...FAST_DELIVERY, ...FAST_TRANSFORM)]);
      expect(deployed.code, deployed.text).toBe(EXIT.ok);
      return cli(['verify', ...endpointArgs(w)]);
    },
    code: EXIT.nothingSent,
    message: /nothing sent yet: the journal .* holds no acknowledged events; run `kinesis-tui stream` first/,
  },
  {
    title: 'records in the stream that are not JSON (sent by something else)',
    run: async (w) => {
      const stack = await describeStack(w.cloud.clients.cloudformation, 'kinesis-tui');
      await w.cloud.clients.kinesis.send(
        new PutRecordsCommand({
          StreamName: stack?.outputs.StreamName,
          Records: ['not json at all', '{"truncated": '].map((text, i) => ({
            Data: Buffer.from(text),
            PartitionKey: `foreign-${i}`,
          })),
        }),
      );
      const streamed = await cli(['stream', ...endpointArgs(w, '--count', '20', '--rate', '100')]);
      expect(streamed.code, streamed.text).toBe(EXIT.ok);
      return cli(['verify', ...endpointArgs(w, '--wait', '--timeout', '3m')]);
    },
    code: EXIT.ok,
    message:
      /2 records under errors\/ were not sent by kinesis-tui \(not in the journal\)[\s\S]*"not json at all"[\s\S]*OK: all 20 acknowledged events are accounted for/,
  },
];

/** Ctrl-C in the middle of each step, on one local data dir: the next run finds the state and explains it. */
const dataDir = join(work, 'interrupted');
const local = (...rest: string[]) => ['--data-dir', dataDir, ...rest];
const interruptRows: Row[] = [
  {
    title: 'Ctrl-C twice during deploy (stop at once)',
    run: () =>
      cli(['deploy', ...local(...FAST_DELIVERY, ...FAST_TRANSFORM)], {
        interrupt: { when: /^creating stack /, times: 2, hold: dataDir },
      }),
    code: EXIT.interrupted,
    message:
      /stopped at once: the local cloud stops with this command, and on its next start rolls back the unfinished create/,
    next: {
      run: () => cli(['deploy', ...local()]),
      code: EXIT.target,
      // The local cloud rolls the create back as soon as it starts, while this run is still connecting:
      // whether it is seen in progress ("rolling back first") depends on load. Why it was rolled back is
      // said either way.
      message:
        /(interrupted when the local cloud last stopped \((CREATE|ROLLBACK)_IN_PROGRESS\): rolling back first[\s\S]*)?is in ROLLBACK_COMPLETE: its creation failed and was rolled back \(The local cloud stopped during this operation[\s\S]*deploy --replace/,
    },
  },
  {
    title: 'Ctrl-C during deploy (the local cloud finishes the stack first)',
    run: () =>
      cli(['deploy', '--replace', ...local(...FAST_DELIVERY, ...FAST_TRANSFORM)], {
        interrupt: { when: /^creating stack /, times: 1, hold: dataDir },
      }),
    code: EXIT.interrupted,
    message: /finishing the stack operation first[\s\S]*stack kinesis-tui created: CREATE_COMPLETE/,
    next: {
      run: () => cli(['deploy', ...local()]),
      code: EXIT.ok,
      message: /stack kinesis-tui unchanged/,
    },
  },
  {
    title: 'Ctrl-C during stream (what is in flight is finished)',
    run: () =>
      cli(['stream', ...local('--rate', '300', '--json')], {
        interrupt: { when: /"type":"stats".*"acknowledged":[1-9]/, times: 1 },
      }),
    code: EXIT.interrupted,
    message: /"stoppedBy":"stop"/,
    next: {
      run: () => cli(['verify', ...local('--wait', '--timeout', '3m')]),
      code: EXIT.ok,
      message: /OK: all [\d,]+ acknowledged events are accounted for/,
    },
  },
  {
    title: 'Ctrl-C twice during stream (calls in flight are cut off)',
    run: () =>
      cli(['stream', ...local('--rate', 'max', '--json')], {
        interrupt: { when: /"type":"stats".*"acknowledged":[1-9]/, times: 2 },
      }),
    code: EXIT.interrupted,
    message: /"stoppedBy":"abort"/,
    next: {
      run: () => cli(['verify', ...local('--wait', '--timeout', '3m')]),
      code: EXIT.ok,
      message: /OK: all [\d,]+ acknowledged events are accounted for/,
    },
  },
  {
    title: 'Ctrl-C during teardown (the delete is finished first)',
    run: () =>
      cli(['teardown', ...local()], { interrupt: { when: /^deleting stack /, times: 1, hold: dataDir } }),
    code: EXIT.interrupted,
    message: /finishing the stack operation first[\s\S]*stack kinesis-tui deleted/,
    next: {
      run: () => cli(['status', ...local()]),
      code: EXIT.ok,
      message: /no stack "kinesis-tui" here/,
    },
  },
];

const world: Partial<World> = {};
const servers: Array<Server | TcpServer> = [];

function listen(server: Server | TcpServer): Promise<number> {
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

beforeAll(async () => {
  const html = await listen(
    createHttpServer((_, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Welcome to the router</body></html>');
    }),
  );
  const error = await listen(
    createHttpServer((_, res) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('Bad Gateway');
    }),
  );
  const notHttp = await listen(createTcpServer((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n')));
  world.ports = { html, error, notHttp };
}, 120_000);

afterAll(() => {
  for (const server of servers) server.close();
});

/** The user's view holds no stack dump, whatever went wrong. */
function expectNoStackDump(text: string): void {
  expect(text).not.toMatch(/\n\s+at .+[:(]\d+/);
  expect(text).not.toMatch(/node:internal|Error: .*\n.*\{$/m);
}

function rows(title: string, list: Row[]) {
  describe(title, () => {
    for (const row of list) {
      it.skipIf(row.skip)(
        skipTitle(`${row.title}: exit ${row.code}`, row.skip),
        async () => {
          const w = world as World;
          const first = await row.run(w);
          expect(first.text).toMatch(row.message);
          expect(first.code, first.text).toBe(row.code);
          expectNoStackDump(first.text);
          if (row.next) {
            const next = await row.next.run(w);
            expect(next.text).toMatch(row.next.message);
            expect(next.code, next.text).toBe(row.next.code);
            expectNoStackDump(next.text);
          }
        },
        600_000,
      );
    }
  });
}

describe('the bad-input catalogue', () => {
  // The local cloud the stack rows reach as an endpoint.
  const lc = useLocalCloud();
  beforeAll(() => {
    world.cloud = lc();
    world.endpoint = world.cloud.cloud.endpoint;
  });
  it('has at least 25 rows, each with a message and an exit code', () => {
    const all = [...inputRows, ...targetRows, ...stackRows, ...interruptRows];
    expect(all.length).toBeGreaterThanOrEqual(25);
    expect(new Set(all.map((r) => r.title)).size).toBe(all.length);
  });
  rows('arguments, options and files', inputRows);
  rows('targets', targetRows);
  rows('stacks, streams and buckets', stackRows);
  rows('interruptions', interruptRows);

  it("words every error one way: kinesis-tui <command>: <message>, the options parser's too", async () => {
    const cases: Array<[string[], string]> = [
      [['stream', '--rate', 'abc'], 'kinesis-tui stream: '],
      [['deploy', '--bogus'], 'kinesis-tui deploy: '],
      [['deploy', '--param', 'Nope=1'], 'kinesis-tui deploy: '],
      [['--bogus'], 'kinesis-tui: '],
      [['bogus'], 'kinesis-tui: '],
    ];
    for (const [args, prefix] of cases) {
      const result = await runCli(args, { env: env() });
      expect(result.code, args.join(' ')).toBe(EXIT.usage);
      expect(result.stderr.startsWith(prefix), `${args.join(' ')}: ${result.stderr}`).toBe(true);
      expect(result.stderr).not.toMatch(/^error: /m);
    }
  }, 60_000);

  it('puts errors on stdout as JSON with --json: the error with its exit code, then the result line', async () => {
    const result = await runCli(['deploy', '--param', 'Shards=2', '--json'], { env: env() });
    expect(result.code).toBe(EXIT.usage);
    expect(result.json).toEqual([
      expect.objectContaining({ type: 'error', exitCode: EXIT.usage }),
      { type: 'result', ok: false, exitCode: EXIT.usage },
    ]);
  }, 60_000);
});
