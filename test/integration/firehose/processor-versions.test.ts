// A Firehose processor named by a version or alias ARN runs exactly that version, not $LATEST: the ARN
// is what Firehose invokes, and what its processing-failed records name.
import {
  CreateAliasCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import type { ProcessingFailedLine } from '../../../src/local-cloud/firehose/transformation.js';
import { inlineCodeZip } from '../../../src/local-cloud/lambda/code.js';
import { createPipeline, linesOf, objectReader, putAll } from '../../support/delivery.js';
import { createInlineFunction } from '../../support/lambda.js';
import { useLocalCloud } from '../../support/local-cloud.js';
import { waitFor } from '../../support/wait.js';

/** Each record becomes `<tag>:<data>` on a line; data starting with "fail" is ProcessingFailed. */
const tagging = (tag: string) => `
exports.handler = async (event) => ({
  records: event.records.map((r) => {
    const text = Buffer.from(r.data, 'base64').toString('utf8');
    if (text.startsWith('fail')) return { recordId: r.recordId, result: 'ProcessingFailed', data: r.data };
    return { recordId: r.recordId, result: 'Ok', data: Buffer.from('${tag}:' + text + '\\n').toString('base64') };
  }),
});
`;

describe('Firehose with a processor named by a version or alias ARN', { timeout: 120_000 }, () => {
  const lc = useLocalCloud({ firehosePollMs: 250 });

  it('invokes the alias and the version its ARN names, and names that ARN in processing-failed records', async () => {
    const { clients } = lc();
    const lambda = clients.lambda;
    await createInlineFunction(lambda, 'tagger', tagging('v1'), { Publish: true });
    await lambda.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'tagger',
        ZipFile: inlineCodeZip('nodejs24.x', tagging('v2')),
      }),
    );
    await waitUntilFunctionUpdatedV2(
      { client: lambda, maxWaitTime: 60, minDelay: 1 },
      { FunctionName: 'tagger' },
    );
    const v2 = await lambda.send(new PublishVersionCommand({ FunctionName: 'tagger' }));
    expect(v2.Version).toBe('2');
    // $LATEST moves on: neither delivery stream may run it.
    await lambda.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'tagger',
        ZipFile: inlineCodeZip('nodejs24.x', tagging('latest')),
      }),
    );
    const alias = await lambda.send(
      new CreateAliasCommand({ FunctionName: 'tagger', Name: 'live', FunctionVersion: '1' }),
    );
    const aliasArn = alias.AliasArn as string;
    expect(aliasArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:tagger:live');

    const byAlias = await createPipeline(clients, { name: 'fh-alias', lambdaArn: aliasArn });
    const byVersion = await createPipeline(clients, { name: 'fh-version', lambdaArn: v2.FunctionArn });
    await putAll(clients, byAlias.stream, [{ data: 'a' }, { data: 'fail-a' }]);
    await putAll(clients, byVersion.stream, [{ data: 'b' }, { data: 'fail-b' }]);

    for (const [pipeline, tag, arn] of [
      [byAlias, 'v1', aliasArn],
      [byVersion, 'v2', v2.FunctionArn as string],
    ] as const) {
      const read = objectReader(clients.s3, pipeline.bucket);
      const delivered = await waitFor(`a record delivered by ${pipeline.deliveryStream}`, async () => {
        const lines = linesOf((await read()).filter((o) => !o.key.startsWith('processing-failed/')));
        return lines.length > 0 ? lines : undefined;
      });
      expect(delivered).toEqual([`${tag}:${pipeline === byAlias ? 'a' : 'b'}`]);
      const failed = await waitFor(`a processing-failed record of ${pipeline.deliveryStream}`, async () => {
        const lines = linesOf(await read('processing-failed/'));
        return lines.length > 0 ? lines.map((l) => JSON.parse(l) as ProcessingFailedLine) : undefined;
      });
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ errorCode: 'Lambda.ProcessingFailedStatus', lambdaArn: arn });
    }
  });
});
