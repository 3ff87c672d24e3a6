// DescribeDeliveryStream's DeliveryStreamDescription, shaped as AWS returns it: an S3 destination is
// described both as ExtendedS3DestinationDescription and as S3DestinationDescription (its plain subset).
// Timestamps are epoch seconds, as AWS JSON 1.1 writes them.
import { DESTINATION_ID, type DeliveryStream, type S3Destination } from './model.js';

function seconds(ms: number): number {
  return ms / 1000;
}

function plainS3(destination: S3Destination) {
  return {
    RoleARN: destination.RoleARN,
    BucketARN: destination.BucketARN,
    ...(destination.Prefix !== undefined ? { Prefix: destination.Prefix } : {}),
    ...(destination.ErrorOutputPrefix !== undefined
      ? { ErrorOutputPrefix: destination.ErrorOutputPrefix }
      : {}),
    BufferingHints: destination.BufferingHints,
    CompressionFormat: destination.CompressionFormat,
    EncryptionConfiguration: destination.EncryptionConfiguration,
    CloudWatchLoggingOptions: destination.CloudWatchLoggingOptions,
  };
}

export function describeDeliveryStream(stream: DeliveryStream) {
  const destination = stream.destination;
  return {
    DeliveryStreamName: stream.name,
    DeliveryStreamARN: stream.arn,
    DeliveryStreamStatus: stream.status,
    DeliveryStreamEncryptionConfiguration: stream.encryption?.KeyType
      ? { ...stream.encryption, Status: 'ENABLED' }
      : { Status: 'DISABLED' },
    DeliveryStreamType: stream.type,
    VersionId: String(stream.versionId),
    CreateTimestamp: seconds(stream.createdAt),
    ...(stream.updatedAt !== undefined ? { LastUpdateTimestamp: seconds(stream.updatedAt) } : {}),
    ...(stream.source
      ? {
          Source: {
            KinesisStreamSourceDescription: {
              KinesisStreamARN: stream.source.KinesisStreamARN,
              RoleARN: stream.source.RoleARN,
              DeliveryStartTimestamp: seconds(stream.source.DeliveryStartTimestamp),
            },
          },
        }
      : {}),
    Destinations: [
      {
        DestinationId: DESTINATION_ID,
        S3DestinationDescription: plainS3(destination),
        ExtendedS3DestinationDescription: {
          ...plainS3(destination),
          ...(destination.ProcessingConfiguration
            ? { ProcessingConfiguration: destination.ProcessingConfiguration }
            : {}),
          S3BackupMode: destination.S3BackupMode,
          ...(destination.FileExtension !== undefined ? { FileExtension: destination.FileExtension } : {}),
          ...(destination.CustomTimeZone !== undefined ? { CustomTimeZone: destination.CustomTimeZone } : {}),
        },
      },
    ],
    HasMoreDestinations: false,
  };
}
