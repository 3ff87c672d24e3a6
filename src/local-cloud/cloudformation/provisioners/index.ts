// Every resource type the local CloudFormation provisions, by type name.
import { deliveryStream, phantomDeliveryStream } from './firehose.js';
import { managedPolicy, policy, role } from './iam.js';
import { kinesisStream } from './kinesis.js';
import { lambdaAlias, lambdaFunction, lambdaPermission, lambdaVersion } from './lambda.js';
import { logGroup, logStream } from './logs.js';
import { bucket, bucketPolicy } from './s3.js';
import type { ResourceProvisioner } from './types.js';
import { waitConditionHandle } from './wait-condition-handle.js';

export function createProvisioners(): Map<string, ResourceProvisioner> {
  return new Map<string, ResourceProvisioner>([
    ['AWS::CloudFormation::WaitConditionHandle', waitConditionHandle],
    ['AWS::IAM::ManagedPolicy', managedPolicy],
    ['AWS::IAM::Policy', policy],
    ['AWS::IAM::Role', role],
    ['AWS::Kinesis::Stream', kinesisStream],
    ['AWS::KinesisFirehose::DeliveryStream', deliveryStream],
    ['AWS::Lambda::Alias', lambdaAlias],
    ['AWS::Lambda::Function', lambdaFunction],
    ['AWS::Lambda::Permission', lambdaPermission],
    ['AWS::Lambda::Version', lambdaVersion],
    ['AWS::Logs::LogGroup', logGroup],
    ['AWS::Logs::LogStream', logStream],
    ['AWS::S3::Bucket', bucket],
    ['AWS::S3::BucketPolicy', bucketPolicy],
  ]);
}

/**
 * The provisioners when services are left out (LocalCloudOptions.without): a left-out Firehose's delivery
 * streams are reported made without anything being made, as moto's CloudFormation does; the app must
 * find out by asking Firehose itself.
 */
export function withPhantoms(
  provisioners: ReadonlyMap<string, ResourceProvisioner>,
  without: readonly string[],
): ReadonlyMap<string, ResourceProvisioner> {
  if (!without.includes('firehose')) return provisioners;
  return new Map([...provisioners, ['AWS::KinesisFirehose::DeliveryStream', phantomDeliveryStream]]);
}
