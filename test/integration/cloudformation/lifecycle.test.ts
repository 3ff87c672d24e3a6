// The stack lifecycle through the SDK with real resources (CloudWatch Logs, quick to make): exports and
// imports between stacks, replacement, update rollback, DisableRollback, DeletionPolicy Retain.
import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ListExportsCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { DescribeLogGroupsCommand, DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { physicalIds, settledStatus } from '../../support/cloudformation.js';
import { useLocalCloud } from '../../support/local-cloud.js';

describe('stack lifecycle with real resources', () => {
  const lc = useLocalCloud();
  const cfn = () => lc().clients.cloudformation;
  const logs = () => lc().clients.logs;

  const settled = (name: string) => settledStatus(cfn(), name);
  const physical = (name: string) => physicalIds(cfn(), name);

  async function events(name: string): Promise<string[]> {
    const { StackEvents = [] } = await cfn().send(new DescribeStackEventsCommand({ StackName: name }));
    return StackEvents.map(
      (e) =>
        `${e.LogicalResourceId} ${e.ResourceStatus}${e.ResourceStatusReason ? ` ${e.ResourceStatusReason}` : ''}`,
    ).reverse();
  }

  async function streams(group: string): Promise<string[]> {
    const { logStreams = [] } = await logs().send(new DescribeLogStreamsCommand({ logGroupName: group }));
    return logStreams.map((s) => s.logStreamName ?? '');
  }

  async function retention(group: string): Promise<number | undefined> {
    const { logGroups = [] } = await logs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
    return logGroups.find((g) => g.logGroupName === group)?.retentionInDays;
  }

  it('shares a value between stacks through Outputs Export and Fn::ImportValue', async () => {
    const exporter = JSON.stringify({
      Resources: { Group: { Type: 'AWS::Logs::LogGroup' } },
      Outputs: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own ${} syntax
        Group: { Value: { Ref: 'Group' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-group' } } },
      },
    });
    await cfn().send(new CreateStackCommand({ StackName: 'life-exporter', TemplateBody: exporter }));
    expect(await settled('life-exporter')).toBe('CREATE_COMPLETE');
    const group = (await physical('life-exporter')).Group as string;
    const exports = await cfn().send(new ListExportsCommand({}));
    expect(exports.Exports).toContainEqual(
      expect.objectContaining({ Name: 'life-exporter-group', Value: group }),
    );

    const importer = JSON.stringify({
      Resources: {
        Stream: {
          Type: 'AWS::Logs::LogStream',
          Properties: {
            LogGroupName: { 'Fn::ImportValue': 'life-exporter-group' },
            LogStreamName: 'imported',
          },
        },
      },
    });
    await cfn().send(new CreateStackCommand({ StackName: 'life-importer', TemplateBody: importer }));
    expect(await settled('life-importer')).toBe('CREATE_COMPLETE');
    expect(await streams(group)).toEqual(['imported']);
  });

  const withStream = (streamName: string, retentionDays: number, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      Resources: {
        Group: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: retentionDays } },
        Stream: {
          Type: 'AWS::Logs::LogStream',
          Properties: { LogGroupName: { Ref: 'Group' }, LogStreamName: streamName },
        },
        ...extra,
      },
    });

  it('replaces a resource whose create-only property changes, deleting the old one after', async () => {
    await cfn().send(
      new CreateStackCommand({ StackName: 'life-replace', TemplateBody: withStream('first', 1) }),
    );
    expect(await settled('life-replace')).toBe('CREATE_COMPLETE');
    const { Group: group } = await physical('life-replace');
    await cfn().send(
      new UpdateStackCommand({ StackName: 'life-replace', TemplateBody: withStream('second', 1) }),
    );
    expect(await settled('life-replace')).toBe('UPDATE_COMPLETE');
    expect(await streams(group as string)).toEqual(['second']);
    const log = await events('life-replace');
    expect(log).toContain(
      'Stream UPDATE_IN_PROGRESS Requested update requires the creation of a new physical resource; hence creating one.',
    );
    expect(log.indexOf('life-replace UPDATE_COMPLETE_CLEANUP_IN_PROGRESS')).toBeLessThan(
      log.lastIndexOf('Stream DELETE_COMPLETE'),
    );
  });

  it('rolls a failed update back, undoing what it changed in place and deleting what it added', async () => {
    await cfn().send(
      new CreateStackCommand({ StackName: 'life-rollback', TemplateBody: withStream('kept', 3) }),
    );
    expect(await settled('life-rollback')).toBe('CREATE_COMPLETE');
    const { Group: group } = await physical('life-rollback');
    const clash = {
      Added: {
        Type: 'AWS::Logs::LogStream',
        Properties: { LogGroupName: { Ref: 'Group' }, LogStreamName: 'added' },
      },
      Clash: {
        Type: 'AWS::Logs::LogStream',
        DependsOn: 'Added',
        Properties: { LogGroupName: { Ref: 'Group' }, LogStreamName: 'kept' },
      },
    };
    await cfn().send(
      new UpdateStackCommand({ StackName: 'life-rollback', TemplateBody: withStream('kept', 5, clash) }),
    );
    expect(await settled('life-rollback')).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(await retention(group as string)).toBe(3);
    expect(await streams(group as string)).toEqual(['kept']);
    const log = await events('life-rollback');
    expect(log.find((e) => e.startsWith('Clash CREATE_FAILED'))).toMatch(/already exists/);
    expect(log).toContain(
      'life-rollback UPDATE_ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [Clash]. ',
    );
    expect(log.at(-1)).toBe('life-rollback UPDATE_ROLLBACK_COMPLETE');
    // The stack can be updated again from there.
    await cfn().send(
      new UpdateStackCommand({ StackName: 'life-rollback', TemplateBody: withStream('kept', 7) }),
    );
    expect(await settled('life-rollback')).toBe('UPDATE_COMPLETE');
    expect(await retention(group as string)).toBe(7);
  });

  it('keeps what it made when asked to (DisableRollback), and retains resources with DeletionPolicy Retain', async () => {
    const template = JSON.stringify({
      Resources: {
        Kept: {
          Type: 'AWS::Logs::LogGroup',
          DeletionPolicy: 'Retain',
          Properties: { LogGroupName: 'life-retained' },
        },
        Broken: {
          Type: 'AWS::Logs::LogGroup',
          DependsOn: 'Kept',
          Properties: { LogGroupName: 'life-retained' },
        },
      },
    });
    const { StackId } = await cfn().send(
      new CreateStackCommand({ StackName: 'life-keep', TemplateBody: template, DisableRollback: true }),
    );
    expect(await settled('life-keep')).toBe('CREATE_FAILED');
    expect(await retention('life-retained')).toBeUndefined();
    const { logGroups = [] } = await logs().send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: 'life-retained' }),
    );
    expect(logGroups.map((g) => g.logGroupName)).toEqual(['life-retained']);

    await cfn().send(new DeleteStackCommand({ StackName: 'life-keep' }));
    expect(await settled(StackId ?? '')).toBe('DELETE_COMPLETE');
    expect(await events(StackId ?? '')).toContain('Kept DELETE_SKIPPED');
    const after = await logs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'life-retained' }));
    expect(after.logGroups?.map((g) => g.logGroupName)).toEqual(['life-retained']);
  });

  it('cancels a create when the stack is deleted during CREATE_IN_PROGRESS, and deletes what it made (as AWS)', async () => {
    // Streams one after another: each stays CREATING for a while, so the create takes seconds.
    const names = ['one', 'two', 'three', 'four', 'five', 'six'];
    const template = JSON.stringify({
      Resources: Object.fromEntries(
        names.map((name, i) => [
          `Stream${i}`,
          {
            Type: 'AWS::Kinesis::Stream',
            ...(i > 0 ? { DependsOn: `Stream${i - 1}` } : {}),
            Properties: { Name: `life-cancel-${name}`, ShardCount: 1 },
          },
        ]),
      ),
    });
    const { StackId = '' } = await cfn().send(
      new CreateStackCommand({ StackName: 'life-cancel', TemplateBody: template }),
    );
    // As soon as the first stream is being made.
    while (!(await events(StackId)).some((e) => e.startsWith('Stream0 CREATE_IN_PROGRESS'))) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await cfn().send(new DeleteStackCommand({ StackName: 'life-cancel' }));
    const { Stacks = [] } = await cfn().send(new DescribeStacksCommand({ StackName: StackId }));
    expect(Stacks[0]?.StackStatus).toBe('DELETE_IN_PROGRESS');
    expect(await settled(StackId)).toBe('DELETE_COMPLETE');

    const seen = await events(StackId);
    const stackStatuses = seen.filter((e) => e.startsWith('life-cancel ')).map((e) => e.split(' ')[1]);
    // No rollback in between: the delete takes over the create.
    expect(stackStatuses).toEqual(['CREATE_IN_PROGRESS', 'DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
    expect(seen).toContain('life-cancel DELETE_IN_PROGRESS User Initiated');
    const started = names
      .map((_, i) => `Stream${i}`)
      .filter((id) => seen.some((e) => e.startsWith(`${id} `)));
    // The create stopped: the last streams were never started.
    expect(started.length).toBeLessThan(names.length);
    for (const id of started) {
      const own = seen.filter((e) => e.startsWith(`${id} `));
      // Each stream started was either made and then deleted, or cancelled while being made and deleted.
      if (!own.some((e) => e.includes('CREATE_COMPLETE')))
        expect(own).toContain(`${id} CREATE_FAILED Resource creation cancelled`);
      expect(own.at(-1)).toBe(`${id} DELETE_COMPLETE`);
    }
    // Nothing is left behind in Kinesis.
    const { StreamNames = [] } = await lc().clients.kinesis.send(new ListStreamsCommand({}));
    expect(StreamNames.filter((n) => n.startsWith('life-cancel-'))).toEqual([]);
  });
});
