// CloudWatch Logs through boto3, asserting what AWS answers (moto's tests run against AWS:
// test_get_log_events_using_arn, test_arn_formats_log_group_and_stream, test_export_tasks.py).
import { describe, expect, it } from 'vitest';
import { useLocalCloud } from '../../support/local-cloud.js';
import { noBoto3, runBoto3 } from '../../support/outside-clients.js';
import { skipTitle } from '../../support/tools.js';

describe('CloudWatch Logs with boto3', () => {
  const lc = useLocalCloud();

  it.skipIf(noBoto3)(
    skipTitle(
      'boto3: logGroupIdentifier takes a name or the log group ARN, and refuses the `:*` ARN form as AWS does',
      noBoto3,
    ),
    async () => {
      const result = await runBoto3(
        lc().cloud.endpoint,
        `
logs = client('logs')
logs.create_log_group(logGroupName='/app/ids')
logs.create_log_stream(logGroupName='/app/ids', logStreamName='s')
logs.put_log_events(logGroupName='/app/ids', logStreamName='s',
                    logEvents=[{'timestamp': int(time.time() * 1000), 'message': 'hello'}])
group = logs.describe_log_groups(logGroupNamePrefix='/app/ids')['logGroups'][0]
r = {'arn': group['arn'], 'logGroupArn': group['logGroupArn']}
r['streamsByArn'] = [s['logStreamName'] for s in logs.describe_log_streams(logGroupIdentifier=group['logGroupArn'])['logStreams']]
r['eventsByName'] = [e['message'] for e in logs.get_log_events(logGroupIdentifier='/app/ids', logStreamName='s')['events']]
r['eventsByArn'] = [e['message'] for e in logs.get_log_events(logGroupIdentifier=group['logGroupArn'], logStreamName='s')['events']]
r['streamsStarArn'] = err(logs.describe_log_streams, logGroupIdentifier=group['arn'])
r['eventsStarArn'] = err(logs.get_log_events, logGroupIdentifier=group['arn'], logStreamName='s')
r['filterStarArn'] = err(logs.filter_log_events, logGroupIdentifier=group['arn'])
out(r)
`,
      );
      expect(result.arn).toBe('arn:aws:logs:us-east-1:000000000000:log-group:/app/ids:*');
      expect(result.logGroupArn).toBe('arn:aws:logs:us-east-1:000000000000:log-group:/app/ids');
      expect(result.streamsByArn).toEqual(['s']);
      expect(result.eventsByName).toEqual(['hello']);
      expect(result.eventsByArn).toEqual(['hello']);
      const refused = {
        code: 'InvalidParameterException',
        message:
          "1 validation error detected: Value at 'logGroupIdentifier' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w#+=/:,.@-]*",
        status: 400,
      };
      expect(result.streamsStarArn).toEqual(refused);
      expect(result.eventsStarArn).toEqual(refused);
      expect(result.filterStarArn).toEqual(refused);
    },
    120_000,
  );

  it.skipIf(noBoto3)(
    skipTitle(
      'boto3: export tasks are not provided: CreateExportTask checks its group and bucket as AWS does, then says so',
      noBoto3,
    ),
    async () => {
      const result = await runBoto3(
        lc().cloud.endpoint,
        `
logs = client('logs')
s3 = client('s3')
logs.create_log_group(logGroupName='/app/export')
s3.create_bucket(Bucket='export-target')
span = dict(fromTime=1611316574000, to=1642852574000)
r = {}
r['noGroup'] = err(logs.create_export_task, logGroupName='/app/nowhere', destination='export-target', **span)
r['noBucket'] = err(logs.create_export_task, logGroupName='/app/export', destination='no-such-bucket-here', **span)
r['refused'] = err(logs.create_export_task, logGroupName='/app/export', destination='export-target', **span)
r['tasks'] = logs.describe_export_tasks()['exportTasks']
r['cancel'] = err(logs.cancel_export_task, taskId='7b2a1f9e-0000-4000-8000-000000000000')
out(r)
`,
      );
      expect(result.noGroup).toEqual({
        code: 'ResourceNotFoundException',
        message: 'The specified log group does not exist.',
        status: 400,
      });
      expect(result.noBucket).toEqual({
        code: 'InvalidParameterException',
        message: 'The given bucket does not exist. Please make sure the bucket is valid.',
        status: 400,
      });
      expect(result.refused).toEqual({
        code: 'InvalidOperationException',
        message: expect.stringContaining('does not export to S3 (CreateExportTask)'),
        status: 400,
      });
      expect(result.tasks).toEqual([]);
      expect(result.cancel).toEqual({
        code: 'ResourceNotFoundException',
        message: 'The specified export task does not exist.',
        status: 400,
      });
    },
    120_000,
  );
});
