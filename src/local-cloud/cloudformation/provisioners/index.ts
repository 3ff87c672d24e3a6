// Every resource type the local CloudFormation provisions, by type name.
import type { ResourceProvisioner } from './types.js';
import { waitConditionHandle } from './wait-condition-handle.js';

export function createProvisioners(): Map<string, ResourceProvisioner> {
  return new Map<string, ResourceProvisioner>([
    ['AWS::CloudFormation::WaitConditionHandle', waitConditionHandle],
  ]);
}
