// Resource policies on a stream or a consumer (PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy):
// kept as the JSON text given, never enforced (the local cloud accepts any credentials). A resource without
// one answers "{}" (AWS, in LocalStack's parity snapshot test_resource_policy_crud).
import { ServiceError } from '../protocol/common.js';
import { resourceTarget, withConsumer } from './consumers.js';
import { openShardCount } from './describe.js';
import { invalidArgument } from './errors.js';
import type { StreamMeta } from './metadata.js';
import { type OperationCall, reply } from './operation.js';
import { expectString, Violations } from './validation.js';

const RESOURCE_ARN_PATTERN = 'arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+';

function resourceArnInput(input: Record<string, unknown>, violations: Violations): string {
  const arn = expectString(input.ResourceARN);
  violations.string(arn, 'resourceARN', { required: true, min: 1, max: 2048, pattern: RESOURCE_ARN_PATTERN });
  return arn as string;
}

async function resource(call: OperationCall, arn: string) {
  const { stream, consumer } = await resourceTarget(call.region, arn);
  const shards = openShardCount((await call.region.describe(stream)).Shards);
  const meta = call.region.metaOf(stream);
  const policy = consumer ? meta?.consumers?.[consumer.name]?.policy : meta?.policy;
  const update = (next: string | undefined) =>
    call.region.updateMeta(stream, (current) => {
      const base: StreamMeta = current ?? { mode: 'PROVISIONED', shardCount: shards };
      return consumer
        ? withConsumer(base, consumer.name, (c) => ({ ...c, policy: next }))
        : { ...base, policy: next };
    });
  return { policy, update };
}

export async function putResourcePolicy(call: OperationCall): Promise<void> {
  const violations = new Violations();
  const arn = resourceArnInput(call.input, violations);
  const policy = expectString(call.input.Policy);
  violations.string(policy, 'policy', { required: true });
  violations.throwIfAny();
  let document: unknown;
  try {
    document = JSON.parse(policy as string);
  } catch {
    document = undefined;
  }
  // AWS's wording for a policy that is not a JSON document is not captured.
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw invalidArgument('Policy must be a JSON policy document (an object with Version and Statement).');
  }
  const target = await resource(call, arn);
  await target.update(policy);
  reply(call, {});
}

export async function getResourcePolicy(call: OperationCall): Promise<void> {
  const violations = new Violations();
  const arn = resourceArnInput(call.input, violations);
  violations.throwIfAny();
  reply(call, { Policy: (await resource(call, arn)).policy ?? '{}' });
}

export async function deleteResourcePolicy(call: OperationCall): Promise<void> {
  const violations = new Violations();
  const arn = resourceArnInput(call.input, violations);
  violations.throwIfAny();
  const target = await resource(call, arn);
  if (target.policy === undefined) {
    // AWS's answer for a resource without a policy is not captured; moto words it so.
    throw new ServiceError('ResourceNotFoundException', `No resource policy found for resource ARN ${arn}.`);
  }
  await target.update(undefined);
  reply(call, {});
}
