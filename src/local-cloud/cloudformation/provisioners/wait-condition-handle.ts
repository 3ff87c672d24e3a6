// AWS::CloudFormation::WaitConditionHandle: a presigned URL to signal a WaitCondition; it calls no service.
import { randomUUID } from 'node:crypto';
import type { ResourceProvisioner } from './types.js';

export const waitConditionHandle: ResourceProvisioner = {
  async create(_properties, ctx) {
    const url = `https://cloudformation-waitcondition-${ctx.region}.s3.amazonaws.com/${encodeURIComponent(ctx.stackId)}/${ctx.logicalId}/${randomUUID()}`;
    return { physicalId: url, attributes: {} };
  },
  async delete() {},
};
