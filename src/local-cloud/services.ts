// Every service of the local cloud, by SigV4 signing name.
import { createCloudFormationService } from './cloudformation/service.js';
import { createMonitoringService } from './cloudwatch/service.js';
import { createFirehoseService } from './firehose/service.js';
import { createIamService } from './iam/service.js';
import { createKinesisService } from './kinesis/service.js';
import { createLambdaService } from './lambda/service.js';
import { createLogsService } from './logs/service.js';
import { createS3Service } from './s3/service.js';
import type { Service } from './service.js';
import { createStsService } from './sts/service.js';

export function createServices(): Service[] {
  // CloudFormation last: it provisions through the others, so they must be up when it resumes operations.
  return [
    createStsService(),
    createKinesisService(),
    createLogsService(),
    createMonitoringService(),
    createLambdaService(),
    createIamService(),
    createS3Service(),
    createFirehoseService(),
    createCloudFormationService(),
  ];
}
