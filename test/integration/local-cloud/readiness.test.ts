// The local cloud is ready (health 200) only once every service's start() has finished, and a request that
// reaches a service still starting waits for it instead of failing. Before, the health endpoint said ok
// while CloudFormation was still loading, and a call then got InvalidAction.

import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListDeliveryStreamsCommand } from '@aws-sdk/client-firehose';
import { ListRolesCommand } from '@aws-sdk/client-iam';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { type Clients, createClients } from '../../../src/config/clients.js';
import { ServiceReadiness } from '../../../src/local-cloud/edge/readiness.js';
import { type Edge, HEALTH_PATH, startEdge } from '../../../src/local-cloud/edge/server.js';
import { startLocalCloud } from '../../../src/local-cloud/index.js';
import { send } from '../../../src/local-cloud/protocol/common.js';
import { sendJsonError } from '../../../src/local-cloud/protocol/json.js';
import type { Service } from '../../../src/local-cloud/service.js';
import { TEST_CREDENTIALS, TEST_REGION, tempDir } from '../../support/local-cloud.js';
import { waitFor } from '../../support/wait.js';

const cli = join(import.meta.dirname, '../../../dist/src/cli.js');

/** One call to each service the local cloud runs, with no retries: what the first answer is. */
const CALLS: Record<string, (c: Clients) => Promise<unknown>> = {
  sts: (c) => c.sts.send(new GetCallerIdentityCommand({})),
  kinesis: (c) => c.kinesis.send(new ListStreamsCommand({})),
  logs: (c) => c.logs.send(new DescribeLogGroupsCommand({})),
  monitoring: (c) => c.cloudwatch.send(new ListMetricsCommand({})),
  lambda: (c) => c.lambda.send(new ListFunctionsCommand({})),
  iam: (c) => c.iam.send(new ListRolesCommand({})),
  s3: (c) => c.s3.send(new ListBucketsCommand({})),
  firehose: (c) => c.firehose.send(new ListDeliveryStreamsCommand({})),
  cloudformation: (c) => c.cloudformation.send(new ListStacksCommand({})),
};

function clientsFor(endpoint: string): Clients {
  return createClients({ region: TEST_REGION, endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

/** Calls every service at once; resolves with the services whose call failed, and why. */
async function failingServices(clients: Clients): Promise<Record<string, string>> {
  const failures: Record<string, string> = {};
  await Promise.all(
    Object.entries(CALLS).map(async ([name, call]) => {
      try {
        await call(clients);
      } catch (error) {
        failures[name] = `${(error as Error).name}: ${(error as Error).message}`;
      }
    }),
  );
  return failures;
}

async function health(endpoint: string): Promise<{ code: number; body: Record<string, unknown> }> {
  const response = await fetch(`${endpoint}${HEALTH_PATH}`);
  return { code: response.status, body: (await response.json()) as Record<string, unknown> };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the edge while services start', () => {
  let edge: Edge | undefined;
  afterEach(async () => {
    await edge?.close();
    edge = undefined;
  });

  /** A service answering every request with 200 "served". */
  const plain: Service = {
    name: 'kinesis',
    async handle(_request, response: ServerResponse) {
      send(response, 200, 'served');
    },
    sendError: sendJsonError,
  };

  it('says starting (503, naming the service) and holds its requests until its start has finished', async () => {
    const readiness = new ServiceReadiness(['kinesis']);
    edge = await startEdge(new Map([['kinesis', plain]]), 0, 'us-east-1', () => undefined, { readiness });
    const endpoint = `http://127.0.0.1:${edge.port}`;
    expect(await health(endpoint)).toEqual({
      code: 503,
      body: { status: 'starting', starting: ['kinesis'], services: ['kinesis'] },
    });

    let answered = false;
    const call = fetch(endpoint, {
      method: 'POST',
      headers: {
        'x-amz-target': 'Kinesis_20131202.ListStreams',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    }).then(async (response) => {
      answered = true;
      return { code: response.status, text: await response.text() };
    });
    // The request has reached the edge (the health endpoint answers on the same server) and is held.
    await health(endpoint);
    expect(answered).toBe(false);

    readiness.started('kinesis');
    expect(await call).toEqual({ code: 200, text: 'served' });
    expect(await health(endpoint)).toEqual({ code: 200, body: { status: 'ok', services: ['kinesis'] } });
  });

  it('answers held requests with ServiceUnavailable in the service’s own protocol when starting fails', async () => {
    const readiness = new ServiceReadiness(['kinesis']);
    edge = await startEdge(new Map([['kinesis', plain]]), 0, 'us-east-1', () => undefined, { readiness });
    const endpoint = `http://127.0.0.1:${edge.port}`;
    const call = fetch(endpoint, {
      method: 'POST',
      headers: {
        'x-amz-target': 'Kinesis_20131202.ListStreams',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    await health(endpoint);
    readiness.failed(new Error('kinesalite did not start'));
    const response = await call;
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      __type: 'ServiceUnavailable',
      message: 'The local cloud failed to start: kinesalite did not start',
    });
    expect(await health(endpoint)).toMatchObject({
      code: 503,
      body: { status: 'failed', message: 'kinesalite did not start' },
    });
  });
});

describe('the local cloud becoming ready', () => {
  let child: ChildProcess | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    child = undefined;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers every service as soon as health says ready, and a call made while it starts waits rather than fails', {
    timeout: 120_000,
  }, async () => {
    dataDir = tempDir('readiness-');
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [cli, 'local-cloud', '--port', String(port), '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    const clients = clientsFor(endpoint);
    try {
      // The first answer the edge gives: poll as fast as it accepts connections.
      const first = await waitFor('the edge to answer', () => health(endpoint).catch(() => undefined), {
        timeoutMs: 60_000,
        intervalMs: 5,
      });
      // Made at once, whatever the first answer said: CloudFormation starts last, so this is the call
      // that got InvalidAction before.
      const early = failingServices(clients);
      const answers = [first];
      let ready = first;
      while (ready.code !== 200) {
        ready = await health(endpoint);
        answers.push(ready);
      }
      // Right after the first ready answer, every service answers.
      expect(await failingServices(clients)).toEqual({});
      expect(await early).toEqual({});
      for (const answer of answers.slice(0, -1)) {
        expect(answer.code).toBe(503);
        expect(answer.body.status).toBe('starting');
        expect((answer.body.starting as string[]).length).toBeGreaterThan(0);
      }
      expect(ready.body).toEqual({ status: 'ok', services: Object.keys(CALLS) });
      await waitFor('the ready line', () => stdout.includes(`local cloud ready at ${endpoint}`));
    } finally {
      clients.destroy();
    }
  });

  it('startLocalCloud resolves only once every service answers', { timeout: 120_000 }, async () => {
    dataDir = tempDir('readiness-');
    const cloud = await startLocalCloud({ dataDir });
    const clients = clientsFor(cloud.endpoint);
    try {
      expect(await health(cloud.endpoint)).toMatchObject({ code: 200, body: { status: 'ok' } });
      expect(await failingServices(clients)).toEqual({});
    } finally {
      clients.destroy();
      await cloud.stop();
    }
  });
});
