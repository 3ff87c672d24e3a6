// Reading a stack through the SDK the way the CloudFormation tests need it.
import {
  type CloudFormationClient,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';

/** The stack's status once no operation is in progress (the test's timeout bounds the wait). */
export async function settledStatus(cf: CloudFormationClient, name: string): Promise<string | undefined> {
  while (true) {
    const status = (await cf.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0]?.StackStatus;
    if (!status?.endsWith('_IN_PROGRESS')) return status;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Each resource's physical id, by logical id. */
export async function physicalIds(cf: CloudFormationClient, name: string): Promise<Record<string, string>> {
  const { StackResources = [] } = await cf.send(new DescribeStackResourcesCommand({ StackName: name }));
  return Object.fromEntries(
    StackResources.map((r) => [r.LogicalResourceId ?? '', r.PhysicalResourceId ?? '']),
  );
}
